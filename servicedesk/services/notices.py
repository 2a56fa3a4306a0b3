"""NOTICE-1: the notices customers get by SMS, each stored once per cause in the outbox.

Batches insert their messages set-based (INSERT … SELECT, skipping causes already
stored); single notices go through ``outbox_enqueue``. Other apps call these services
(the lead wires the rating run and the points expiry reminder to them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import CharField, DecimalField, Exists, F, OuterRef, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, JSONObject
from django.utils import timezone

from core import clock
from core.programme import programme
from keyaccounts.models import KeyPerson
from membership.models import Customer, LevelGrant, RatingRun, Status
from servicedesk.models import (
    BirthdayWaiver,
    BirthdayWaiverCorrection,
    OutboxMessage,
    OutboxStatus,
    SmsTemplate,
)
from servicedesk.selectors.holidays import GREETING_FESTIVALS, festival_first_days
from servicedesk.services.outbox import outbox_enqueue, outbox_kick_on_commit
from servicedesk.sql import insert_select

CHUNK = 5000


def _not_yet_stored() -> Any:
    return ~Exists(OutboxMessage.objects.filter(cause_key=OuterRef("cause")))


def _outbox_columns(
    template: str, *, recipient: str, customer: str, params: JSONObject, at: datetime
) -> dict[str, object]:
    now = clock.now()
    return {
        "template": Value(template),
        "params": params,
        "recipient": F(recipient),
        "customer": F(customer),
        "cause_key": F("cause"),
        "status": Value(OutboxStatus.PENDING),
        "attempts": Value(0),
        "next_attempt_at": Value(max(at, now)),
        "body": Value(""),
        "gateway_id": Value(""),
        "last_error": Value(""),
        "created_at": Value(now),
    }


def _at_sms_hour(day: date) -> datetime:
    hour = int(programme("BIRTHDAY_SMS_HOUR"))
    return timezone.make_aware(
        datetime.combine(day, time(hour=hour)), timezone.get_current_timezone()
    )


def birthday_sms_time(day: date) -> datetime:
    """SERVICE-6: the SMS goes out the day after the birthday, from BIRTHDAY_SMS_HOUR."""
    return _at_sms_hour(day + timedelta(days=1))


def _birthday_cause(prefix: str, pk: Any) -> Concat:
    return Concat(Value(prefix), Cast(pk, CharField()))


def _birthday_params() -> JSONObject:
    return JSONObject(amount=Cast("amount", CharField()), date=Cast("date", CharField()))


def notice_birthday_waivers(*, day: date) -> int:
    """SERVICE-6 / NOTICE-1: one SMS per waiver of ``day`` with an amount (zero: none), the
    amount known now, for the next day from BIRTHDAY_SMS_HOUR (at once if later); none to a
    cancelled line (its number may be someone else's by now). Cause
    ``birthday_waiver:<id>``."""
    source = (
        BirthdayWaiver.objects.filter(date=day, amount__gt=0)
        .exclude(customer__status=Status.CANCELLED)
        .annotate(cause=_birthday_cause("birthday_waiver:", "id"))
        .filter(_not_yet_stored())
        .order_by()
    )
    at = birthday_sms_time(day)
    columns = _outbox_columns(
        SmsTemplate.BIRTHDAY_WAIVER,
        recipient="customer__msisdn",
        customer="customer_id",
        params=_birthday_params(),
        at=at,
    )
    created = insert_select(OutboxMessage, columns, source)
    if created:
        outbox_kick_on_commit(at)
    return created


def notice_birthday_final_amounts(*, first: date, last: date) -> int:
    """SERVICE-6 / NOTICE-1 (D-DESK-12): the waivers of ``first`` … ``last`` — the caller
    passes only days whose lookback is over — that corrections raised above what the
    next-day SMS told the customer (or above zero, when there was none) get one more SMS
    with their final amount, cause ``birthday_waiver_final:<id>`` (so at most one). From
    BIRTHDAY_SMS_HOUR today, at once if later; none when nothing changed, for a zero
    amount, or to a cancelled line."""
    money = DecimalField(max_digits=12, decimal_places=2)
    told = OutboxMessage.objects.filter(
        cause_key=_birthday_cause("birthday_waiver:", OuterRef("id")),
    ).annotate(told=Cast(KT("params__amount"), money))
    source = (
        BirthdayWaiver.objects.filter(date__gte=first, date__lte=last, amount__gt=0)
        .exclude(customer__status=Status.CANCELLED)
        .filter(Exists(BirthdayWaiverCorrection.objects.filter(waiver=OuterRef("pk"))))
        .filter(~Exists(told.filter(told=OuterRef("amount"))))
        .annotate(cause=_birthday_cause("birthday_waiver_final:", "id"))
        .filter(_not_yet_stored())
        .order_by()
    )
    at = _at_sms_hour(clock.today())
    columns = _outbox_columns(
        SmsTemplate.BIRTHDAY_FINAL,
        recipient="customer__msisdn",
        customer="customer_id",
        params=_birthday_params(),
        at=at,
    )
    created = insert_select(OutboxMessage, columns, source)
    if created:
        outbox_kick_on_commit(at)
    return created


def notice_level_change(
    *, customer: Customer, level: str, valid_from: date, cause_key: str = ""
) -> OutboxMessage:
    """NOTICE-1: tell ``customer`` their new level (called after a rating or a grant)."""
    message, _created = outbox_enqueue(
        template=SmsTemplate.LEVEL_CHANGE,
        recipient=customer.msisdn,
        customer=customer,
        cause_key=cause_key or f"level:{customer.pk}:{level}:{valid_from.isoformat()}",
        params={"level": level, "valid_from": valid_from.isoformat()},
    )
    return message


@transaction.atomic
def notice_rating_run(*, rating_run: RatingRun) -> int:
    """NOTICE-1: a level SMS for every grant a committed rating run gave (set-based)."""
    source = (
        LevelGrant.objects.filter(rating_run=rating_run, customer__status=Status.ACTIVE)
        .annotate(cause=Concat(Value("level:grant:"), Cast("id", CharField())))
        .filter(_not_yet_stored())
        .order_by()
    )
    columns = _outbox_columns(
        SmsTemplate.LEVEL_CHANGE,
        recipient="customer__msisdn",
        customer="customer_id",
        params=JSONObject(
            level=Cast("level", CharField()), valid_from=Cast("valid_from", CharField())
        ),
        at=clock.now(),
    )
    created = insert_select(OutboxMessage, columns, source)
    if created:
        outbox_kick_on_commit()
    return created


@transaction.atomic
def notice_expiry_reminders(*, year: int, rows: Iterable[tuple[int, int]]) -> int:
    """POINTS-6 / NOTICE-1: remind each customer of the points expiring on 31 December.

    ``rows`` are (customer_id, points) pairs — points.selectors.expiring_by_customer, wired
    by the lead, so that servicedesk needs no import of points. Stored once per customer
    and year; inserted in chunks, skipping causes already stored.
    """
    now = clock.now()
    created = 0
    batch: list[tuple[int, int]] = []

    def flush(pairs: list[tuple[int, int]]) -> int:
        numbers = dict(
            Customer.objects.filter(pk__in=[pk for pk, _ in pairs])
            .exclude(status=Status.CANCELLED)
            .values_list("pk", "msisdn")
        )
        messages = [
            OutboxMessage(
                template=SmsTemplate.POINTS_EXPIRY,
                params={"points": points, "year": year},
                recipient=numbers[pk],
                customer_id=pk,
                cause_key=f"points_expiry:{year}:{pk}",
                next_attempt_at=now,
                created_at=now,
            )
            for pk, points in pairs
            if pk in numbers and points > 0
        ]
        before = OutboxMessage.objects.filter(cause_key__in=[m.cause_key for m in messages]).count()
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        after = OutboxMessage.objects.filter(cause_key__in=[m.cause_key for m in messages]).count()
        return after - before

    for pair in rows:
        batch.append((int(pair[0]), int(pair[1])))
        if len(batch) >= CHUNK:
            created += flush(batch)
            batch = []
    if batch:
        created += flush(batch)
    if created:
        outbox_kick_on_commit()
    return created


@transaction.atomic
def notice_holiday_greetings(*, day: date) -> int:
    """GROUP-4 / NOTICE-1: on the first day of 元旦, 春节, 端午 and 中秋, a greeting to every
    current key person (once per person and festival and year); nothing on other days."""
    festival = next(
        (
            key
            for key, first in festival_first_days(day.year).items()
            if first == day and key in GREETING_FESTIVALS
        ),
        None,
    )
    if festival is None:
        return 0
    key_person = KeyPerson.objects.filter(customer=OuterRef("pk"), ended_at__isnull=True)
    source = (
        Customer.objects.filter(Exists(key_person), status=Status.ACTIVE)
        .annotate(cause=Concat(Value(f"greeting:{festival}:{day.year}:"), Cast("id", CharField())))
        .filter(_not_yet_stored())
        .order_by()
    )
    columns = _outbox_columns(
        SmsTemplate.HOLIDAY_GREETING,
        recipient="msisdn",
        customer="id",
        params=JSONObject(festival=Cast(Value(festival), CharField())),
        at=clock.now(),
    )
    created = insert_select(OutboxMessage, columns, source)
    if created:
        outbox_kick_on_commit()
    return created
