"""SERVICE-1: ticket classes, call order, waits, breaches, the board and the daily report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from servicedesk.models import Ticket, TicketClass, TicketStatus
from servicedesk.selectors.queue import hall_board, queue_daily_report, wait_state
from servicedesk.services.queue import ticket_call_next, ticket_issue, ticket_set_status
from servicedesk.tests.conftest import give_level, make_customer, put_on_snapshot
from tests.builders import make_hall

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 18, 9, 0, tzinfo=SH)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("diamond", TicketClass.VIP),
        ("guest_easyown", TicketClass.VIP),  # any level is VIP
        ("limited", TicketClass.VIP),  # TIER-7: the green channel
        ("snapshot_mzone", TicketClass.VIP),
        ("gotone", TicketClass.GOTONE),
        ("mzone", TicketClass.OTHER),
        ("unknown", TicketClass.OTHER),
    ],
)
def test_service_1_the_ticket_class_comes_from_level_segment_and_brand(
    clerk: Any, setup: str, expected: str
) -> None:
    hall = make_hall()
    msisdn = "13812345678"
    if setup != "unknown":
        brand = {"guest_easyown": "easyown", "snapshot_mzone": "mzone", "mzone": "mzone"}.get(
            setup, "gotone"
        )
        customer = make_customer(msisdn=msisdn, brand=brand)
        if setup == "diamond":
            give_level(customer, "diamond")
        elif setup == "guest_easyown":
            give_level(customer, "guest")
        elif setup == "limited":
            give_level(customer, "gold", limited=True)
        elif setup == "snapshot_mzone":
            put_on_snapshot(customer)
    ticket = ticket_issue(hall=hall, msisdn=msisdn, actor=clerk, at=T0)
    assert ticket.ticket_class == expected
    assert ticket.number == {"vip": "V001", "gotone": "G001", "other": "P001"}[expected]
    assert ticket.events.get().to_status == TicketStatus.WAITING


def test_service_1_numbers_run_per_class_and_day(clerk: Any) -> None:
    hall = make_hall()
    numbers = [
        ticket_issue(hall=hall, msisdn=f"1370000000{i}", actor=clerk, at=at(i)).number
        for i in range(3)
    ]
    next_day = ticket_issue(hall=hall, msisdn="13700000009", actor=clerk, at=at(24 * 60))
    assert numbers == ["P001", "P002", "P003"]
    assert next_day.number == "P001"


def test_service_1_one_waiting_ticket_per_number(clerk: Any) -> None:
    hall = make_hall()
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=T0)
    with pytest.raises(DomainError, match="already holds ticket P001"):
        ticket_issue(hall=hall, msisdn="137 0000 0001", actor=clerk, at=at(1))
    assert Ticket.objects.count() == 1


def test_service_1_a_bad_number_gets_no_ticket(clerk: Any) -> None:
    with pytest.raises(DomainError, match="12345"):
        ticket_issue(hall=make_hall(), msisdn="12345", actor=clerk)
    assert not Ticket.objects.exists()


def test_service_1_queue_order_highest_class_first_then_oldest(clerk: Any) -> None:
    hall = make_hall()
    vip_a, vip_b = make_customer(msisdn="13900000011"), make_customer(msisdn="13900000012")
    give_level(vip_a, "gold")
    give_level(vip_b, "silver")
    make_customer(msisdn="13900000021", brand="gotone")
    make_customer(msisdn="13900000022", brand="gotone")
    arrivals = [
        ("13700000001", 0),  # other, oldest of all
        ("13900000021", 1),  # gotone
        ("13900000012", 2),  # VIP
        ("13700000002", 3),  # other
        ("13900000022", 4),  # gotone
        ("13900000011", 5),  # VIP, newest
    ]
    for msisdn, minute in arrivals:
        ticket_issue(hall=hall, msisdn=msisdn, actor=clerk, at=at(minute))
    called = []
    while (ticket := ticket_call_next(hall=hall, actor=clerk, desk="3", at=at(10))) is not None:
        called.append(ticket.msisdn)
    assert called == [
        "13900000012",
        "13900000011",
        "13900000021",
        "13900000022",
        "13700000001",
        "13700000002",
    ]
    assert ticket_call_next(hall=hall, actor=clerk, at=at(11)) is None


def test_service_1_calling_records_the_wait_and_halls_do_not_mix(clerk: Any) -> None:
    hall, other_hall = make_hall(), make_hall()
    ticket_issue(hall=other_hall, msisdn="13700000009", actor=clerk, at=T0)
    issued = ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=T0)
    called = ticket_call_next(hall=hall, actor=clerk, desk="A2", at=at(12.5))
    assert called is not None
    assert called.pk == issued.pk
    assert (called.status, called.wait_seconds, called.desk) == ("called", 750, "A2")
    assert ticket_call_next(hall=hall, actor=clerk, at=at(13)) is None
    served = ticket_set_status(ticket=called, status=TicketStatus.SERVED, actor=clerk, at=at(20))
    assert served.served_at == at(20)
    assert [e.to_status for e in served.events.all()] == ["waiting", "called", "served"]
    with pytest.raises(DomainError, match="cannot become"):
        ticket_set_status(ticket=served, status=TicketStatus.CANCELLED, actor=clerk)


def test_service_1_a_ticket_is_never_called_twice(clerk: Any) -> None:
    hall = make_hall()
    ticket = ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=T0)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CALLED)  # another clerk won
    assert ticket_call_next(hall=hall, actor=clerk, at=at(1)) is None


@pytest.mark.parametrize(
    ("ticket_class", "minutes", "state"),
    [
        ("vip", 7, "ok"),
        ("vip", 7.5, "warn"),
        ("vip", 10, "warn"),  # at the limit: not a breach
        ("vip", 10.02, "bad"),
        ("gotone", 15, "warn"),
        ("gotone", 15.5, "bad"),
        ("other", 22, "ok"),
        ("other", 30, "warn"),
        ("other", 31, "bad"),
    ],
)
def test_service_1_waits_are_coloured_against_the_class_limits(
    ticket_class: str, minutes: float, state: str
) -> None:
    assert wait_state(ticket_class, int(minutes * 60)) == state


def test_service_1_the_board_shows_waits_by_class_and_who_is_called(clerk: Any) -> None:
    hall = make_hall()
    vip = make_customer(msisdn="13900000011")
    give_level(vip, "gold")
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=at(0))
    ticket_issue(hall=hall, msisdn="13700000002", actor=clerk, at=at(1))
    ticket_issue(hall=hall, msisdn="13900000011", actor=clerk, at=at(2))
    ticket_call_next(hall=hall, actor=clerk, desk="5", at=at(14))  # the VIP, 12 min: a breach
    board = hall_board(hall, now=at(32))
    assert board["waiting"] == 2
    others = next(c for c in board["classes"] if c["class"] == "other")
    assert [(t["number"], t["wait_minutes"], t["state"]) for t in others["tickets"]] == [
        ("P001", 32, "bad"),
        ("P002", 31, "bad"),
    ]
    assert board["called"] == [{"number": "V001", "desk": "5", "state": "bad"}]


def test_service_1_daily_report_per_hall_and_class_with_breaches(clerk: Any) -> None:
    hall = make_hall(code="sz-1", name="苏州一厅")
    vip = make_customer(msisdn="13900000011")
    give_level(vip, "gold")
    vip2 = make_customer(msisdn="13900000012")
    give_level(vip2, "gold")
    ticket_issue(hall=hall, msisdn="13900000011", actor=clerk, at=at(0))
    ticket_issue(hall=hall, msisdn="13900000012", actor=clerk, at=at(1))
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=at(2))
    ticket_issue(hall=hall, msisdn="13700000002", actor=clerk, at=at(3))
    ticket_call_next(hall=hall, actor=clerk, at=at(5))  # VIP waited 5 min
    ticket_call_next(hall=hall, actor=clerk, at=at(16))  # VIP waited 15 min: breach
    ticket_call_next(hall=hall, actor=clerk, at=at(20))  # other waited 18 min
    # 13700000002 still waits; at 09:40 it has waited 37 min: a breach of the 30-minute limit
    rows = queue_daily_report(date(2026, 3, 18), now=at(40))
    by_class = {row["ticket_class"]: row for row in rows}
    assert [row["ticket_class"] for row in rows] == ["vip", "other"]
    vip_row, other_row = by_class["vip"], by_class["other"]
    assert (vip_row["issued"], vip_row["called"], vip_row["breaches"]) == (2, 2, 1)
    assert (vip_row["avg_wait_minutes"], vip_row["max_wait_minutes"]) == (10.0, 15.0)
    assert (other_row["issued"], other_row["called"], other_row["waiting"]) == (2, 1, 1)
    assert other_row["breaches"] == 1
    assert vip_row["hall__code"] == "sz-1"
    assert queue_daily_report(date(2026, 3, 19), now=at(40)) == []


def test_service_1_the_daily_report_is_one_query(
    clerk: Any, django_assert_num_queries: Any
) -> None:
    for index in range(3):
        hall = make_hall()
        ticket_issue(hall=hall, msisdn=f"1370000000{index}", actor=clerk, at=T0)
    with django_assert_num_queries(1):
        rows = queue_daily_report(date(2026, 3, 18), now=at(5))
    assert len(rows) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_service_1_two_clerks_calling_at_once_get_different_tickets() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections")
    hall = make_hall()
    for index in range(6):
        ticket_issue(hall=hall, msisdn=f"1370000000{index}", actor=None, at=at(index))
    barrier = Barrier(6)

    def call() -> int | None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            ticket = ticket_call_next(hall=hall, actor=None, at=at(30))
            return ticket.pk if ticket else None
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _i: call(), range(6)))
    called = [pk for pk in results if pk is not None]
    assert len(called) == len(set(called)) == 6
    assert Ticket.objects.filter(status="called").count() == 6


def test_service_1_yesterdays_waiting_tickets_are_not_called_today(clerk: Any) -> None:
    hall = make_hall()
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=at(0))
    ticket_issue(hall=hall, msisdn="13700000001", actor=clerk, at=at(24 * 60))  # a new day
    called = ticket_call_next(hall=hall, actor=clerk, at=at(24 * 60 + 5))
    assert called is not None
    assert called.day == date(2026, 3, 19)
    assert ticket_call_next(hall=hall, actor=clerk, at=at(24 * 60 + 6)) is None
    assert hall_board(hall, now=at(24 * 60 + 6))["waiting"] == 0
