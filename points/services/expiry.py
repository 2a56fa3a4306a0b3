"""POINTS-6: the December clearing of points past their three-year validity, set-based."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.chunks import pk_ranges
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


def expiry_check(*, year: int, today: date | None = None) -> None:
    """POINTS-6: the clearing of ``year`` runs on its clearing day, not before."""
    today = today or clock.today()
    if today < clearing_day(year):
        raise DomainError(
            _("The clearing of %(year)s runs on %(day)s, not before.")
            % {"year": year, "day": clearing_day(year).isoformat()}
        )


def expiry_last_year(year: int) -> int:
    """The last earning year the clearing of 31 December ``year`` clears (POINTS-6)."""
    return year - int(programme("POINTS_VALID_YEARS"))


def expiry_due(year: int) -> QuerySet[Lot]:
    """The lots the clearing of ``year`` empties: earned in ``year - 2`` and before, not
    exempt (easyown, POINTS-3 Decision), still holding points."""
    return Lot.objects.filter(year__lte=expiry_last_year(year), exempt=False, balance__gt=0)


def expiry_bounds(year: int) -> tuple[int, int] | None:
    """The lot ids the due lots span (the ranges the chunks cover), None if none."""
    found = expiry_due(year).aggregate(lo=Min("id"), hi=Max("id"))
    return None if found["lo"] is None else (int(found["lo"]), int(found["hi"]))


def expiry_run_open(*, year: int, job_run_id: int | None = None) -> PointsRun:
    """The points run the clearing of ``year`` writes to (see accrual_run_open)."""
    if job_run_id is None:
        return PointsRun.objects.create(
            job=PointsRun.Job.EXPIRY, period=str(year), started_at=clock.now()
        )
    run, _created = PointsRun.objects.get_or_create(
        job_run_id=job_run_id,
        finished_at__isnull=True,
        defaults={"job": PointsRun.Job.EXPIRY, "period": str(year), "started_at": clock.now()},
    )
    return run


def expire_range(run: PointsRun, *, lo: int, hi: int) -> dict[str, int]:
    """POINTS-6 for the due lots ``lo <= id < hi``: one expiry entry per lot for what it
    holds, then the lots' balances, in one transaction. A cleared lot holds nothing more
    to clear, so a range done again writes nothing (CONV-5)."""
    year = int(run.period)
    t = _Sql()
    with transaction.atomic():
        cleared = t.execute(
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
                t.moment(clock.now()),
                expiry_last_year(year),
                False,
                lo,
                hi,
            ],
        )
        # Relative, not "= 0": had a redemption slipped in between, the CHECK
        # constraint would refuse the chunk rather than lose track of a point.
        t.execute(
            f"UPDATE {t.lot} SET balance = {t.lot}.balance + d.amount"
            f" FROM (SELECT e.lot_id AS lot_id, SUM(e.amount) AS amount"
            f" FROM {t.entry} e WHERE e.run_id = %s AND e.lot_id >= %s AND e.lot_id < %s"
            f" GROUP BY e.lot_id) d WHERE {t.lot}.id = d.lot_id",
            [run.pk, lo, hi],
        )
    return {"lots": cleared}


def expiry_close(run: PointsRun) -> PointsRun:
    """Finish ``run``: its counts from the entries it wrote."""
    written = Entry.objects.filter(run=run).aggregate(
        points=Sum("amount"), lots=Count("id"), customers=Count("customer", distinct=True)
    )
    run.counts = {
        "lots": int(written["lots"] or 0),
        "customers": int(written["customers"] or 0),
        "points": -int(written["points"] or 0),
        "up_to_year": expiry_last_year(int(run.period)),
    }
    run.finished_at = clock.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


def points_expire(*, year: int, today: date | None = None, chunk: int | None = None) -> PointsRun:
    """POINTS-6: on 31 December ``year``, clear what is left of the lots earned in
    ``year - 2`` and before; easyown lots are exempt (POINTS-3 Decision). Safe to run
    again: a cleared lot holds nothing more to clear (CONV-5). The calendar job
    ``expire_points`` (points/jobs.py) runs the same ranges as chunks on the workers; this
    walks the ranges of ``chunk`` lot ids here (``core.chunks.pk_ranges``)."""
    expiry_check(year=year, today=today)
    size = int(chunk or programme("POINTS_BATCH_CUSTOMERS"))
    run = expiry_run_open(year=year)
    for lo, hi in pk_ranges(expiry_bounds(year), size):
        expire_range(run, lo=lo, hi=hi)
    return expiry_close(run)


def expiry_summary(period: str, c: dict[str, Any]) -> str:
    """The one-line summary the command prints, from the run's counts."""
    return (
        f"expire_points {period}: cleared {c['points']} points in {c['lots']} lots "
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
        note=gettext_noop("returned to a lot past its validity"),  # POINTS-6
        **cause,
    )
