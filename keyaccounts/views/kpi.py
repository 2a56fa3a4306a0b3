"""KPI-1: the supervisor's monthly mid-high-end report with its chart."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.dates import add_months, month_start
from keyaccounts.forms.groups import KpiMonthForm
from keyaccounts.models import KpiDimension, KpiFigure
from keyaccounts.selectors.kpi import kpi_history, kpi_report, retention_chart, trend_chart
from keyaccounts.services.kpi import kpi_snapshot


def _default_month() -> str:
    return f"{add_months(month_start(clock.today()), -1):%Y-%m}"


def kpi_view(request: HttpRequest) -> HttpResponse:
    """KPI-1 for a month (last month by default): province, regions, managers, chart."""
    form = KpiMonthForm(request.GET or {"month": _default_month()})
    month = form.cleaned_data["month"] if form.is_valid() else None
    report = kpi_report(month) if month else None
    history = kpi_history(12, month) if month else []
    stored = (
        KpiFigure.objects.filter(month=month, dimension=KpiDimension.TOTAL).first()
        if month
        else None
    )
    return render(
        request,
        "keyaccounts/kpi_report.html",
        {
            "form": form,
            "report": report,
            "stored": stored,
            "chart": retention_chart(report.regions) if report else None,
            "history": history,
            "trend": trend_chart(history) if len(history) > 1 else None,
        },
    )


def kpi_store(request: HttpRequest) -> HttpResponse:
    """KPI-1: store the month's figures (the monthly job, run by hand; safe to repeat)."""
    form = KpiMonthForm(request.POST or request.GET or {"month": _default_month()})
    if request.method == "POST" and form.is_valid():
        result = kpi_snapshot(month=form.cleaned_data["month"])
        messages.success(
            request,
            _("Figures of %(month)s stored: %(created)s new, %(updated)s updated.")
            % {
                "month": f"{result.month:%Y-%m}",
                "created": result.created,
                "updated": result.updated,
            },
        )
        return redirect(f"{reverse('keyaccounts:kpi_report')}?month={result.month:%Y-%m}")
    return render(request, "keyaccounts/kpi_store_confirm.html", {"form": form})
