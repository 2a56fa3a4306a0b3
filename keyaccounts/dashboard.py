"""keyaccounts' figures on the supervisor's home (core.dashboard, D-GROUP-12): the pending
upgrade approvals and how many are overdue (TIER-7), and the KPI-1 snapshot retention of
the latest month whose figures are stored.

Both are cheap at a province's size: one aggregate over the pending requests (the
``status`` index), and the stored ``KpiFigure`` rows of one month (a few dozen), never the
customers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.dashboard import bar_chart
from core.programme import programme
from keyaccounts.models import KpiDimension, KpiFigure, UpgradeRequest, UpgradeStatus
from keyaccounts.selectors.groups import upgrade_overdue_before


def pending_approvals(request: HttpRequest, today: date) -> dict[str, Any]:
    """TIER-7: pending requests, how many are overdue (more than
    UPGRADE_DECISION_WORKING_DAYS working days), and the oldest one's day."""
    before = upgrade_overdue_before(today)
    figures = UpgradeRequest.objects.filter(status=UpgradeStatus.PENDING).aggregate(
        pending=Count("id"),
        overdue=Count("id", filter=Q(requested_at__lt=before)),
        oldest=Min("requested_at"),
    )
    return {
        "pending": figures["pending"],
        "overdue": figures["overdue"],
        "oldest": figures["oldest"],
        "days": programme("UPGRADE_DECISION_WORKING_DAYS"),
        "chart": bar_chart(
            [
                (_("On time"), figures["pending"] - figures["overdue"], "bar-up"),
                (_("Overdue"), figures["overdue"], "bar-down"),
            ]
        ),
    }


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1")))


def kpi_retention(request: HttpRequest, today: date) -> dict[str, Any]:
    """KPI-1: the latest stored month's snapshot retention, the province and one bar per
    region (in %), from the rows the monthly ``kpi_snapshot`` job stored."""
    month = KpiFigure.objects.aggregate(latest=Max("month"))["latest"]
    if month is None:
        return {"month": None}
    rows = list(
        KpiFigure.objects.filter(
            month=month, dimension__in=(KpiDimension.TOTAL, KpiDimension.REGION)
        ).order_by("dimension", "label", "key")
    )
    total = next((r for r in rows if r.dimension == KpiDimension.TOTAL), None)
    regions = [r for r in rows if r.dimension == KpiDimension.REGION]
    return {
        "month": month,
        "total": total,
        "retention": _percent(total.snapshot_retained, total.snapshot_size) if total else None,
        "important_retention": (
            _percent(total.important_retained, total.important_size) if total else None
        ),
        "has_snapshot": bool(total and total.snapshot_size),
        "chart": bar_chart(
            [
                (r.label or r.key, _percent(r.snapshot_retained, r.snapshot_size), "")
                for r in regions
            ]
        ),
    }
