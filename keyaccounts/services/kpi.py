"""KPI-1: storing a month's figures (the monthly job; CONV-5 safe to run again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from core import clock
from core.dates import month_start
from keyaccounts.models import KpiFigure
from keyaccounts.selectors.kpi import KpiRow, kpi_report


@dataclass(frozen=True)
class KpiSnapshotResult:
    month: date
    created: int
    updated: int
    unchanged: int
    removed: int

    def summary(self) -> str:
        return (
            f"KPI-1 {self.month:%Y-%m}: created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, removed {self.removed}"
        )


@transaction.atomic
def kpi_snapshot(*, month: date) -> KpiSnapshotResult:
    """KPI-1: compute ``month``'s figures and store them, keyed by (month, dimension, key).

    Idempotent (CONV-5): a second run of the same month writes nothing unless the data
    changed; then only the rows whose figures differ are updated, and rows of keys that no
    longer appear (a manager without groups now) are removed.
    """
    month = month_start(month)
    report = kpi_report(month)
    rows: list[KpiRow] = [report.total, *report.regions, *report.managers]
    snapshot_id = report.snapshot.pk if report.snapshot else None
    existing = {
        (figure.dimension, figure.key): figure
        for figure in KpiFigure.objects.select_for_update().filter(month=month)
    }
    now = clock.now()
    created = updated = unchanged = 0
    to_create: list[KpiFigure] = []
    for row in rows:
        values = {
            "label": row.label,
            "manager_id": row.manager_id,
            "snapshot_id": snapshot_id,
            "mid_high_end": row.mid_high_end,
            "snapshot_size": row.snapshot_size,
            "snapshot_retained": row.snapshot_retained,
            "important_size": row.important_size,
            "important_retained": row.important_retained,
        }
        figure = existing.pop((row.dimension, row.key), None)
        if figure is None:
            to_create.append(
                KpiFigure(
                    month=month, dimension=row.dimension, key=row.key, computed_at=now, **values
                )
            )
            created += 1
        elif any(getattr(figure, name) != value for name, value in values.items()):
            KpiFigure.objects.filter(pk=figure.pk).update(computed_at=now, **values)
            updated += 1
        else:
            unchanged += 1
    KpiFigure.objects.bulk_create(to_create)
    removed = 0
    if existing:
        removed, _detail = KpiFigure.objects.filter(
            pk__in=[figure.pk for figure in existing.values()]
        ).delete()
    return KpiSnapshotResult(
        month=month, created=created, updated=updated, unchanged=unchanged, removed=removed
    )
