"""POINTS-7/8 under real parallel connections: two clerks on one account cannot overdraw it.

PostgreSQL only: SQLite serialises whole-database writes and has no row locks to prove.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from core.errors import DomainError
from points.models import Entry, EntryKind, Lot, Redemption
from points.services import redemption_create, transfer_create, transfer_recipient_register
from points.tests.builders import earn, make_customer, make_item

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks between real parallel connections",
    ),
]

TODAY = date(2026, 11, 25)
pytestmark.append(pytest.mark.now(TODAY))  # the day the data is built around is the clock's


def run_in_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_points_7_two_clerks_redeeming_at_once_cannot_overdraw_the_account() -> None:
    customer = make_customer()
    earn(customer, 2025, 1000)
    item = make_item(points_price=600, stock=10)

    results = run_in_parallel(
        [lambda: redemption_create(customer=customer, item=item, today=TODAY)] * 2
    )

    done = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "short"
    assert Lot.objects.get(customer=customer).balance == 400
    assert Entry.objects.filter(kind=EntryKind.REDEMPTION).count() == 1
    item.refresh_from_db()
    assert item.stock == 9


def test_points_7_many_parallel_redemptions_stop_exactly_at_zero() -> None:
    customer = make_customer()
    earn(customer, 2024, 250)
    earn(customer, 2025, 250)
    item = make_item(points_price=100, stock=100)

    results = run_in_parallel(
        [lambda: redemption_create(customer=customer, item=item, today=TODAY)] * 8
    )

    assert sum(isinstance(r, Redemption) for r in results) == 5, results
    assert sum(isinstance(r, DomainError) for r in results) == 3
    assert sum(Lot.objects.filter(customer=customer).values_list("balance", flat=True)) == 0
    item.refresh_from_db()
    assert item.stock == 95


def test_points_8_transfers_in_opposite_directions_at_once_do_not_deadlock() -> None:
    a = make_customer(msisdn="13900000001", joined_on=date(2020, 1, 1))
    b = make_customer(msisdn="13900000002", joined_on=date(2020, 1, 1))
    earn(a, 2025, 100)
    earn(b, 2025, 100)
    transfer_recipient_register(sender=a, recipient=b)
    transfer_recipient_register(sender=b, recipient=a)

    results = run_in_parallel(
        [
            lambda: transfer_create(sender=a, recipient=b, points=60, today=TODAY),
            lambda: transfer_create(sender=b, recipient=a, points=70, today=TODAY),
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Lot.objects.get(customer=a).balance == 110
    assert Lot.objects.get(customer=b).balance == 90
