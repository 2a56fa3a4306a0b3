"""POINTS-6: the December clearing of points past their three-year validity, set-based."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.programme import programme
from points.models import Entry, EntryKind, Lot, PointsRun
from points.services.accrual import _Sql
from points.services.ledger import entry_post


def clearing_day(year: int) -> date:
    """POINTS-6 (Default): the clearing runs on 31 December (the calendar's expiry day)."""
    try:
        day = int(programme("POINTS_EXPIRY_DAY"))
    except KeyError:
        day = 31
    return date(year, 12, day)


def points_expire(*, year: int, today: date | None = None, chunk: int | None = None) -> PointsRun:
    """POINTS-6: on 31 December ``year``, clear what is left of the lots earned in
    ``year - 2`` and before; easyown lots are exempt (POINTS-3 Decision). Safe to run
    again: a cleared lot holds nothing more to clear (CONV-5)."""
    today = today or timezone.localdate()
    if today < clearing_day(year):
        raise DomainError(
            _("The clearing of %(year)s runs on %(day)s, not before.")
            % {"year": year, "day": clearing_day(year).isoformat()}
        )
    last_year = year - int(programme("POINTS_VALID_YEARS"))
    size = int(chunk or programme("POINTS_BATCH_CUSTOMERS"))
    now = timezone.now()
    run = PointsRun.objects.create(job=PointsRun.Job.EXPIRY, period=str(year), started_at=now)
    due = Lot.objects.filter(year__lte=last_year, exempt=False, balance__gt=0)
    bounds = due.aggregate(lo=Min("id"), hi=Max("id"))
    t = _Sql()
    if bounds["lo"] is not None:
        lo = int(bounds["lo"])
        while lo <= bounds["hi"]:
            with transaction.atomic():
                t.execute(
                    f"INSERT INTO {t.entry} (customer_id, lot_id, year, kind, corrects, amount,"
                    f" month, booked_on, run_id, note, created_at)"
                    f" SELECT l.customer_id, l.id, l.year, %s, %s, -l.balance, NULL, %s, %s,"
                    f" %s, %s FROM {t.lot} l WHERE l.year <= %s AND l.exempt = %s"
                    f" AND l.balance > 0 AND l.id >= %s AND l.id < %s",
                    [
                        EntryKind.EXPIRY,
                        "",
                        t.day(clearing_day(year)),
                        run.pk,
                        f"POINTS-6: valid until 31 December {year}",
                        t.moment(now),
                        last_year,
                        False,
                        lo,
                        lo + size,
                    ],
                )
                # Relative, not "= 0": had a redemption slipped in between, the CHECK
                # constraint would refuse the chunk rather than lose track of a point.
                t.execute(
                    f"UPDATE {t.lot} SET balance = {t.lot}.balance + d.amount"
                    f" FROM (SELECT e.lot_id AS lot_id, SUM(e.amount) AS amount"
                    f" FROM {t.entry} e WHERE e.run_id = %s AND e.lot_id >= %s AND e.lot_id < %s"
                    f" GROUP BY e.lot_id) d WHERE {t.lot}.id = d.lot_id",
                    [run.pk, lo, lo + size],
                )
            lo += size
    written = Entry.objects.filter(run=run).aggregate(
        points=Sum("amount"), lots=Count("id"), customers=Count("customer", distinct=True)
    )
    run.counts = {
        "lots": int(written["lots"] or 0),
        "customers": int(written["customers"] or 0),
        "points": -int(written["points"] or 0),
        "up_to_year": last_year,
    }
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


def expiry_summary(run: PointsRun) -> str:
    c = run.counts
    return (
        f"expire_points {run.period}: cleared {c['points']} points in {c['lots']} lots "
        f"of {c['customers']} customers (earned in {c['up_to_year']} and before)"
    )


def lot_expire_if_past(*, lot: Lot, today: date, actor: Any = None, **cause: Any) -> None:
    """POINTS-6 for points that come back to a lot already past its validity (a redemption
    cancelled after the clearing): they expire at once, with their own entry."""
    if lot.exempt or lot.balance <= 0:
        return
    valid_until_year = lot.year + int(programme("POINTS_VALID_YEARS"))
    cleared = PointsRun.objects.filter(
        job=PointsRun.Job.EXPIRY, period=str(valid_until_year)
    ).exists()
    if today.year <= valid_until_year and not cleared:
        return
    entry_post(
        customer=lot.customer,
        lot=lot,
        kind=EntryKind.EXPIRY,
        amount=-lot.balance,
        booked_on=today,
        actor=actor,
        note="POINTS-6: returned to a lot past its validity",
        **cause,
    )
