"""Province-sized data for the scale tests, and a counter of the rows a request fetches.

``grow_province`` adds customers in bulk (bulk_create, a handful of INSERTs per table),
each with what a real line has in every big table: bills, grants, credit ratings, points
lots and entries, a status change, usage, and for a share of them a plan, a service
request, a usage counter, a redemption, an SMS, a birthday waiver, a hotline call, a place
in the snapshot list and in a group; and a group customer per ten lines, with key
persons and contacts. The numbers are new (prefix 166, which the demo province does not
use), so it can be called again to double the province.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.backends.utils import CursorWrapper

from core.dates import add_months, month_start
from keyaccounts.models import ContactLog, GroupCustomer, GroupMember, KeyPerson
from membership.models import (
    Bill,
    Brand,
    CreditRating,
    Customer,
    LevelGrant,
    SnapshotList,
    SnapshotMember,
    Status,
    StatusChange,
    Usage,
)
from plans.models import Plan, Subscription
from points.models import Entry, EntryKind, Lot, Redemption, RewardItem
from servicedesk.models import (
    BirthdayWaiver,
    HotlineCall,
    OutboxMessage,
    RequestKind,
    ServiceRequest,
    UsageCounter,
)

CITIES = ("南京", "苏州", "常州", "淮安", "泰州")  # the demo province's cities
BRANDS = (Brand.GOTONE, Brand.MZONE, Brand.EASYOWN)


@dataclass(frozen=True)
class Anchors:
    """The few shared rows the bulk rows point at (a group, a snapshot list, a plan...)."""

    group: GroupCustomer  # the group the new members join
    snapshot: SnapshotList
    plan: Plan
    item: RewardItem
    manager: Any  # the account manager of the new groups


def grow_province(*, count: int, start: int, on: date, anchors: Anchors) -> None:
    """Add ``count`` customers numbered from ``start`` (166 + 8 digits), with their rows."""
    now = datetime(on.year, on.month, on.day, 2, 0, tzinfo=UTC)
    this_month = month_start(on)
    customers = Customer.objects.bulk_create(
        [
            Customer(
                msisdn=f"166{start + n:08d}",
                name="赵六",
                id_number="320102198001011234",
                birth_date=date(1980, 1, 1) + timedelta(days=n % 3650),
                brand=BRANDS[n % 3],
                joined_on=date(2012, 1, 1) + timedelta(days=n % 3000),
                province="江苏",
                city=CITIES[n % len(CITIES)],
                status=Status.SUSPENDED if n % 20 == 0 else Status.ACTIVE,
                suspension_reason="arrears" if n % 20 == 0 else "",
                real_name_registered_on=date(2012, 6, 1),
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    months = [add_months(this_month, -k) for k in (1, 2, 3)]
    Bill.objects.bulk_create(
        [
            Bill(customer=c, month=m, total=Decimal(40 + (c.pk % 200)))
            for c in customers
            for m in months
        ],
        batch_size=1000,
    )
    grants = [
        LevelGrant(
            customer=c,
            level="gold",
            rank=3,
            source="annual",
            valid_from=add_months(this_month, -10),
            valid_until=add_months(this_month, 2),
        )
        for c in customers[::3]
    ]
    grants += [
        LevelGrant(customer=c, level="platinum", rank=4, source="plan", valid_from=date(2024, 5, 1))
        for c in customers[::10]
    ]
    LevelGrant.objects.bulk_create(grants, batch_size=500)
    CreditRating.objects.bulk_create(
        [
            CreditRating(customer=c, month=months[0], score=300 + c.pk % 200, stars=1 + c.pk % 5)
            for c in customers
        ],
        batch_size=500,
    )
    lots = Lot.objects.bulk_create(
        [Lot(customer=c, year=on.year - 1, balance=100 + c.pk % 500) for c in customers],
        batch_size=500,
    )
    Entry.objects.bulk_create(
        [
            Entry(
                customer_id=lot.customer_id,
                lot=lot,
                year=lot.year,
                kind=EntryKind.ACCRUAL,
                amount=lot.balance,
                month=date(lot.year, 6, 1),
                booked_on=date(lot.year, 7, 1),
                created_at=now,
            )
            for lot in lots
        ],
        batch_size=500,
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                customer=c,
                from_status=Status.ACTIVE,
                to_status=c.status,
                reason=c.suspension_reason,
                changed_at=now - timedelta(days=3),
            )
            for c in customers[::20]
        ]
    )
    Usage.objects.bulk_create(
        [
            Usage(customer=c, date=months[0], category="domestic_voice", amount=Decimal("9.50"))
            for c in customers
        ],
        batch_size=1000,
    )
    SnapshotMember.objects.bulk_create(
        [
            SnapshotMember(snapshot=anchors.snapshot, customer=c, important=c.pk % 2 == 0)
            for c in customers[::4]
        ],
        batch_size=500,
    )
    GroupMember.objects.bulk_create(
        [
            GroupMember(group=anchors.group, customer=c, signed_on=date(2024, 1, 1))
            for c in customers[::10]
        ]
    )
    # A group customer per ten lines, with two key persons (its first two lines).
    groups = GroupCustomer.objects.bulk_create(
        [
            GroupCustomer(
                code=f"P{start + n:07d}",
                name=f"集团{start + n}",
                group_class="ABCD"[n // 10 % 4],
                city=CITIES[n // 10 % len(CITIES)],
                account_manager=anchors.manager,
            )
            for n in range(0, count, 10)
        ]
    )
    persons = KeyPerson.objects.bulk_create(
        [
            KeyPerson(group=group, customer=customers[g * 10 + k], role=role, rank="other")
            for g, group in enumerate(groups)
            for k, role in ((1, "decision_maker"), (2, "contact"))
            if g * 10 + k < len(customers)
        ]
    )
    ContactLog.objects.bulk_create(
        [
            ContactLog(
                group=person.group,
                key_person=person,
                channel="call",
                contacted_at=now - timedelta(days=person.pk % 60),
                notes="回访",
                logged_by=anchors.manager,
            )
            for person in persons
        ]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                customer=c,
                plan=anchors.plan,
                status="effective",
                channel="counter",
                ordered_on=date(2025, 1, 1),
                effective_from=date(2025, 1, 1),
                availability="open",
            )
            for c in customers[1::10]
        ]
    )
    ServiceRequest.objects.bulk_create(
        [
            ServiceRequest(
                customer=c,
                kind=RequestKind.COMPLAINT,
                status="open" if c.pk % 2 else "done",
                subject="信号弱",
                created_at=now - timedelta(hours=c.pk % 48),
            )
            for c in customers[::5]
        ]
    )
    UsageCounter.objects.bulk_create(
        [
            UsageCounter(
                customer=c,
                benefit="sim_replacement",
                period_start=date(on.year, 1, 1),
                quota=1,
                consumed=1,
            )
            for c in customers[2::5]
        ]
    )
    Redemption.objects.bulk_create(
        [
            Redemption(
                customer=c,
                item=anchors.item,
                points=anchors.item.points_price,
                status="fulfilled",
                created_at=now,
            )
            for c in customers[3::10]
        ]
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                template="level_change",
                recipient=c.msisdn,
                customer=c,
                cause_key=f"scale:{c.msisdn}",
                next_attempt_at=now,
                created_at=now,
            )
            for c in customers[::5]
        ]
    )
    BirthdayWaiver.objects.bulk_create(
        [
            BirthdayWaiver(
                customer=c, date=months[0], year=on.year, amount=Decimal("12.00"), created_at=now
            )
            for c in customers[4::10]
        ]
    )
    HotlineCall.objects.bulk_create(
        [
            HotlineCall(
                call_id=f"scale-{c.msisdn}",
                started_at=now,
                day=on,
                msisdn=c.msisdn,
                vip=c.pk % 3 == 0,
                wait_seconds=30,
                imported_at=now,
            )
            for c in customers[5::10]
        ]
    )


@dataclass
class Fetched:
    rows: int = 0


def _counting(name: str, fetched: Fetched) -> Any:
    def method(self: CursorWrapper, *args: Any) -> Any:
        with self.db.wrap_database_errors:
            result = getattr(self.cursor, name)(*args)
        if name == "fetchone":
            fetched.rows += result is not None
        else:
            fetched.rows += len(result)
        return result

    return method


@contextmanager
def rows_fetched() -> Iterator[Fetched]:
    """Count the rows every query in the block brings back into Python (what the ORM and
    the views read through Django's cursor: fetchone, fetchmany, fetchall)."""
    fetched = Fetched()
    saved = {
        name: CursorWrapper.__dict__.get(name) for name in ("fetchone", "fetchmany", "fetchall")
    }
    try:
        for name in saved:
            setattr(CursorWrapper, name, _counting(name, fetched))
        yield fetched
    finally:
        for name, original in saved.items():
            if original is None:
                delattr(CursorWrapper, name)
            else:
                setattr(CursorWrapper, name, original)
