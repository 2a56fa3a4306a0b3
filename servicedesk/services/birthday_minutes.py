"""SERVICE-9: the birthday minutes 生日50分钟 — the daily grant, set-based and safe to run
twice (CONV-5), the manual make-up by an account manager, and billing's file (D-DESK-15)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.enqueue import enqueue
from core.errors import DomainError
from core.sql import analyze_tables, insert_select
from membership.models import Customer
from servicedesk.exports import export_csv
from servicedesk.models import BirthdayMinutes, MinutesSource
from servicedesk.selectors.birthday import birthday_makeup_check, birthday_minutes_due

EXPORT_HEADER = ("msisdn", "valid_on", "minutes", "source")


def birthday_minutes_file(day: date) -> str:
    return f"birthday_minutes_{day.isoformat()}.csv"


@transaction.atomic
def birthday_minutes_grant(*, day: date) -> dict[str, Any]:
    """SERVICE-9 for the birthdays of ``day``: one INSERT … SELECT gives every line that is
    due (``birthday_minutes_due``) its package valid on ``day``, once per customer and year;
    a second run finds them given and adds nothing. ``day`` may be today (the job runs
    early on the birthday) or past, not in the future."""
    if day > clock.today():
        raise DomainError(
            _("Birthday minutes are given on the birthday; %(day)s has not come yet.")
            % {"day": day.isoformat()}
        )
    given = BirthdayMinutes.objects.filter(
        customer=OuterRef("pk"), year=day.year, source=MinutesSource.AUTOMATIC
    )
    created = insert_select(
        BirthdayMinutes,
        {
            "customer": F("id"),
            "year": Value(day.year),
            "valid_on": Value(day),
            "minutes": F("birthday_minutes"),
            "source": Value(MinutesSource.AUTOMATIC),
            "note": Value(""),
            "created_at": Value(clock.now()),
        },
        birthday_minutes_due(day).filter(~Exists(given)),
    )
    if created:
        analyze_tables(BirthdayMinutes)
    totals = BirthdayMinutes.objects.filter(valid_on=day, source=MinutesSource.AUTOMATIC).aggregate(
        total=Count("id")
    )
    return {"day": day.isoformat(), "created": created, "total": totals["total"]}


def grant_summary(counts: Mapping[str, Any]) -> str:
    return (
        f"birthday minutes {counts['day']}: {counts['created']} new, "
        f"{counts['total']} packages in all"
    )


@transaction.atomic
def birthday_minutes_add(
    *, customer: Customer, actor: Any, note: str, on: date | None = None
) -> BirthdayMinutes:
    """SERVICE-9: an account manager (or a supervisor) adds the birthday minutes by hand
    after checking that the customer, away on the birthday, could not use them
    (核实后手动补加): valid the day they are added only, the automatic package's minutes,
    once for that birthday (D-DESK-15). Billing's file of the day is written again once
    this commits, so the package is provisioned the same day."""
    on = on or clock.today()
    note = note.strip()
    if not note:
        raise DomainError(_("Say what was checked before adding the minutes."), code="note_missing")
    check = birthday_makeup_check(customer, on)
    if not check.allowed or check.automatic is None:
        raise DomainError(check.reason, code=check.code)
    try:
        with transaction.atomic():
            grant = BirthdayMinutes.objects.create(
                customer=customer,
                year=check.automatic.year,
                valid_on=on,
                minutes=check.automatic.minutes,
                source=MinutesSource.MANUAL,
                granted_by=recorded_actor(actor),
                note=note[:300],
                created_at=clock.now(),
            )
    except IntegrityError as exc:  # birthday_minutes_once_a_year, under a double submit
        raise DomainError(
            _("The birthday minutes of %(year)d were already added by hand; once a year.")
            % {"year": check.automatic.year},
            code="birthday_minutes_already_added",
        ) from exc
    transaction.on_commit(
        lambda: enqueue(
            "servicedesk.export_birthday_minutes",
            args=(on.isoformat(),),
            what=f"birthday minutes file of {on.isoformat()}",
        )
    )
    return grant


def birthday_minutes_export(*, day: date) -> dict[str, Any]:
    """SERVICE-9 for billing: the packages valid on ``day`` (automatic and manual), one
    query streamed into ``birthday_minutes_YYYY-MM-DD.csv`` (docs/interfaces.md)."""
    rows = (
        BirthdayMinutes.objects.filter(valid_on=day)
        .order_by("customer__msisdn", "source")
        .values_list("customer__msisdn", "valid_on", "minutes", "source")
    )
    written = export_csv(
        birthday_minutes_file(day),
        EXPORT_HEADER,
        (
            (msisdn, valid_on.isoformat(), minutes, source)
            for msisdn, valid_on, minutes, source in rows.iterator(chunk_size=5000)
        ),
    )
    manual = BirthdayMinutes.objects.filter(valid_on=day).aggregate(
        manual=Count("id", filter=Q(source=MinutesSource.MANUAL))
    )["manual"]
    return {
        "day": day.isoformat(),
        "rows": written,
        "manual": manual,
        "file": birthday_minutes_file(day),
    }


def export_summary(counts: Mapping[str, Any]) -> str:
    return (
        f"birthday minutes file {counts['day']}: {counts['rows']} packages "
        f"({counts['manual']} added by hand) in {counts['file']}"
    )
