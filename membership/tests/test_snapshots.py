"""CUST-5 / KPI-1: the snapshot list screen — the lists taken, a new one (preview, then a
confirmed idempotent POST written in one INSERT … SELECT), the members' CSV (D-CUST-12)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.idempotency import FORM_FIELD, new_form_token
from membership.models import GrantSource, SnapshotList, SnapshotMember, Status
from membership.selectors.segments import snapshot_status
from membership.selectors.snapshots import snapshot_criteria, snapshot_preview
from membership.services.grants import grant_create
from membership.services.snapshots import snapshot_list_take
from tests.builders import make_bill, make_customer, make_snapshot, make_snapshot_member
from tests.downloads import csv_table

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-06-10T10:00:00")]

TODAY = date(2026, 6, 10)


def _billed(msisdn: str, total: str, *, months: tuple[int, ...] = (3, 4, 5), **kw: Any) -> Any:
    customer = make_customer(msisdn=msisdn, name="王小明", city="南京", **kw)
    for month in months:
        make_bill(customer=customer, month=date(2026, month, 1), total=Decimal(total))
    return customer


def _province() -> dict[str, Any]:
    return {
        "important": _billed("13900000001", "350"),
        "ordinary": _billed("13900000002", "120"),
        "low": _billed("13900000003", "60"),
        "suspended": _billed("13900000004", "400", status=Status.SUSPENDED),
        "old_bills": _billed("13900000005", "500", months=(1, 2)),  # outside the window
        "vip": _billed("13900000006", "900"),
    }


def _vip(customer: Any) -> None:
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )


def test_cust_5_d_cust_11_preview_counts_by_the_criteria() -> None:
    people = _province()
    _vip(people["vip"])
    counts = snapshot_preview(snapshot_criteria(TODAY))
    assert (counts.members, counts.important, counts.ordinary) == (2, 1, 1)


def test_cust_5_taking_a_list_writes_its_members_in_one_statement(
    django_assert_max_num_queries: Any,
) -> None:
    people = _province()
    _vip(people["vip"])
    with django_assert_max_num_queries(8):
        snapshot = snapshot_list_take(criteria=snapshot_criteria(TODAY), name="拍照", actor=None)
    assert (snapshot.members_count, snapshot.important_count) == (2, 1)
    rows = dict(
        SnapshotMember.objects.filter(snapshot=snapshot).values_list("customer", "important")
    )
    assert rows == {people["important"].pk: True, people["ordinary"].pk: False}
    # CUST-5: the privileges read the new list at once.
    assert snapshot_status(people["important"], TODAY) == "important"
    assert snapshot_status(people["low"], TODAY) is None


def test_cust_5_a_second_list_the_same_day_is_refused() -> None:
    snapshot_list_take(criteria=snapshot_criteria(TODAY), name="拍照", actor=None)
    from core.errors import DomainError

    with pytest.raises(DomainError):
        snapshot_list_take(criteria=snapshot_criteria(TODAY), name="拍照", actor=None)


def test_cust_5_the_list_screen_shows_lists_with_counts(client: Client, supervisor: Any) -> None:
    old = make_snapshot(taken_on=date(2025, 12, 31), name="年末拍照")
    make_snapshot_member(snapshot=old, customer=make_customer(msisdn="13900000011"), important=True)
    make_snapshot_member(snapshot=old, customer=make_customer(msisdn="13900000012"))
    client.force_login(supervisor)
    response = client.get(reverse("membership:snapshot_list"))
    assert response.status_code == 200
    item = response.context["page"].object_list[0]
    assert (item.members_count, item.important_count, item.ordinary_count) == (2, 1, 1)
    assert reverse("membership:snapshot_members_csv", args=[old.pk]) in response.content.decode()


def test_cust_5_preview_then_confirmed_post_takes_the_list_once(
    client: Client, supervisor: Any
) -> None:
    _province()
    client.force_login(supervisor)
    url = reverse("membership:snapshot_take")
    preview = client.get(url)
    assert preview.status_code == 200
    assert preview.context["counts"].members == 3
    assert SnapshotList.objects.count() == 0  # the preview writes nothing
    token = new_form_token()
    data = {"name": "六月拍照", "confirm": "on", FORM_FIELD: token}
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data)  # a double submit: done once
    assert again.status_code == 302
    snapshot = SnapshotList.objects.get()
    assert (snapshot.taken_on, snapshot.name, snapshot.members_count) == (TODAY, "六月拍照", 3)
    assert snapshot.created_by == supervisor
    assert SnapshotMember.objects.count() == 3


def test_cust_5_an_unconfirmed_post_keeps_what_was_typed(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.post(
        reverse("membership:snapshot_take"), {"name": "我的名单", FORM_FIELD: new_form_token()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert "我的名单" in response.content.decode()
    assert not SnapshotList.objects.exists()


def test_cust_5_members_download_as_csv_masked_and_audited(
    client: Client, supervisor: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _province()
    snapshot = snapshot_list_take(criteria=snapshot_criteria(TODAY), name="拍照", actor=None)
    client.force_login(supervisor)
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = client.get(reverse("membership:snapshot_members_csv", args=[snapshot.pk]))
        rows = csv_table(response)
    assert len(rows) == 4
    assert {r[0] for r in rows[1:]} == {"13900000001", "13900000002", "13900000006"}
    assert {r[1] for r in rows[1:]} == {"王**"}
    assert any(
        "list exported" in r.getMessage() and "rows=3" in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize("name", ["snapshot_list", "snapshot_take"])
def test_cust_5_only_supervisors_open_the_snapshot_screens(
    client: Client, clerk: Any, account_manager: Any, name: str
) -> None:
    url = reverse(f"membership:{name}")
    assert client.get(url).status_code == 302  # to the login
    for user in (clerk, account_manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
