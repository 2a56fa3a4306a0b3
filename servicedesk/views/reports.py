"""The supervisor's service-level dashboard: the day's queue waits and the hotline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import clock
from servicedesk.forms import DayForm
from servicedesk.selectors.hotline import hotline_report, vip_unasked_transfers
from servicedesk.selectors.queue import queue_daily_report, wait_limits_seconds


def service_levels(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None)
    day = clock.today()
    if form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    rows = queue_daily_report(day)
    limits = {key: seconds // 60 for key, seconds in wait_limits_seconds().items()}
    return render(
        request,
        "servicedesk/service_levels.html",
        {
            "form": form,
            "day": day,
            "rows": rows,
            "limits": limits,
            "hotline": hotline_report(day, day),
            "unasked_transfers": vip_unasked_transfers(day, day),
        },
    )
