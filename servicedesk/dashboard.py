"""servicedesk's figure on the supervisor's home (core.dashboard): today's queue per hall —
waiting now, served, breaches per class against SERVICE-1's limits — and the hotline's
answer rate (SERVICE-7). The queue figures are the service-levels page's own report
(``queue_daily_report``: one aggregate over the ``(day, hall, issued_at)`` index), the
hotline's its report for the day (aggregates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from core.dashboard import bar_chart
from servicedesk.models import TICKET_PRIORITY, TicketClass
from servicedesk.selectors.hotline import hotline_report
from servicedesk.selectors.queue import queue_daily_report

# the halls listed on the home page, those with the most breaches first (the service-levels
# page has them all)
HALLS_SHOWN = 8


def queue_today(request: HttpRequest, today: date) -> dict[str, Any]:
    classes = sorted(TicketClass.values, key=lambda c: -TICKET_PRIORITY[c])
    halls: dict[int, dict[str, Any]] = {}
    breaches_by_class = dict.fromkeys(classes, 0)
    for row in queue_daily_report(today):  # one row per hall and class: no per-ticket loop
        hall = halls.setdefault(
            row["hall_id"],
            {
                "code": row["hall__code"],
                "name": row["hall__name"],
                "waiting": 0,
                "served": 0,
                "breaches": 0,
                "by_class": dict.fromkeys(classes, 0),
            },
        )
        hall["waiting"] += row["waiting"]
        hall["served"] += row["served"]
        hall["breaches"] += row["breaches"]
        hall["by_class"][row["ticket_class"]] += row["breaches"]
        breaches_by_class[row["ticket_class"]] += row["breaches"]
    ranked = sorted(halls.values(), key=lambda h: (-h["breaches"], -h["waiting"], h["code"]))
    for hall in ranked:
        hall["class_breaches"] = [hall["by_class"][c] for c in classes]
    return {
        "classes": [TicketClass(c).label for c in classes],
        "halls": ranked[:HALLS_SHOWN],
        "more_halls": max(0, len(ranked) - HALLS_SHOWN),
        "totals": {
            "waiting": sum(h["waiting"] for h in ranked),
            "served": sum(h["served"] for h in ranked),
            "breaches": sum(h["breaches"] for h in ranked),
        },
        "chart": bar_chart(
            [(str(TicketClass(c).label), breaches_by_class[c], "bar-down") for c in classes]
        ),
        "hotline": hotline_report(today, today),
    }
