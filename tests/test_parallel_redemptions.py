"""POINTS-7 through a real server: 20 API redemptions at the same moment (issue "Trust",
part A; decision D-TRUST-10).

A gunicorn server (2 processes × 10 threads, tests/live.py) on the test's data: on SQLite a
file database, the embedded default's shape, where parallel writers used to get
``database is locked`` (a 500); on PostgreSQL (DATABASE_URL set) the test database. Either
way no request may fail with a server error, and the ledger must end exactly where the same
requests made one after the other end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from core import clock
from membership.models import Customer
from points.models import Entry, EntryKind, Lot, Redemption, RewardItem
from points.tests.builders import earn, make_customer, make_item
from tests.live import Response, in_parallel, live_server

pytestmark = pytest.mark.django_db(transaction=True)

PRICE = 150


def balance(customer: Customer) -> int:
    return sum(Lot.objects.filter(customer=customer).values_list("balance", flat=True))


def test_points_7_twenty_parallel_api_redemptions_give_no_server_error_and_the_sequential_ledger(
    clerk: Any, tmp_path: Path
) -> None:
    year = clock.today().year
    short = make_customer(msisdn="13900000001")  # 1,000 points: 6 of its 12 requests fit
    earn(short, year - 1, 400)
    earn(short, year, 600)
    rich = make_customer(msisdn="13900000002")  # 5,000 points: all 8 of its requests fit
    earn(rich, year, 5000)
    item = make_item(points_price=PRICE, stock=100)
    token = Token.objects.create(user=clerk).key
    requests = ["13900000001"] * 12 + ["13900000002"] * 8

    with live_server(tmp_path) as server:
        server.headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}

        def redeem(msisdn: str) -> Any:
            return lambda: server.request(
                "POST", "/api/points/redemptions/", data={"msisdn": msisdn, "item": item.pk}
            )

        results = in_parallel([redeem(msisdn) for msisdn in requests])
        log = server.log_tail()

    failures = [r for r in results if not isinstance(r, Response) or r.status >= 500]
    assert not failures, (failures, log)
    statuses = sorted(r.status for r in results)
    assert statuses == [201] * 14 + [400] * 6, [(r.status, r.body[:200]) for r in results]
    refused = [r.json() for r in results if r.status == 400]
    assert {body["code"] for body in refused} == {"short"}
    # The sequential expectation: 6 × 150 from the first account, 8 × 150 from the second.
    assert balance(short) == 1000 - 6 * PRICE
    assert balance(rich) == 5000 - 8 * PRICE
    assert Redemption.objects.filter(customer=short).count() == 6
    assert Redemption.objects.filter(customer=rich).count() == 8
    redeemed = Entry.objects.filter(kind=EntryKind.REDEMPTION)
    assert -sum(redeemed.values_list("amount", flat=True)) == 14 * PRICE
    assert RewardItem.objects.get(pk=item.pk).stock == 100 - 14
