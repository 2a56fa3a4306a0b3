"""membership's figure on the supervisor's home (core.dashboard): the level distribution of
the last committed annual rating and how it moved the levels (TIER-3, TIER-4).

The figures are the counts the rating stored on its run when it was committed (TIER-4), so
the home page reads one row, not the province's grants."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.dashboard import bar_chart
from membership.models import Level, RatingRun
from membership.services.rating import GoToneAnnualPolicy


def level_distribution(request: HttpRequest, today: date) -> dict[str, Any]:
    runs = RatingRun.objects.filter(policy=GoToneAnnualPolicy.key)
    committed = runs.filter(state=RatingRun.State.COMMITTED).order_by("-committed_at").first()
    pending = (
        runs.exclude(state=RatingRun.State.COMMITTED)
        .filter(period__gt=committed.period if committed else "")
        .order_by("-created_at")
        .first()
    )
    context: dict[str, Any] = {"committed": committed, "pending": pending}
    if committed is None:
        return context
    counts = committed.counts or {}
    per_level = counts.get("per_level", {})
    rows: list[tuple[str, int, str]] = [
        (str(label), int(per_level.get(level, 0)), f"level-{level}")
        for level, label in Level.choices
    ]
    rows.append((_("Not VIP"), int(per_level.get("none", 0)), ""))
    context["chart"] = bar_chart(rows)
    context["movement"] = bar_chart(
        [
            (_("Upgrades"), int(counts.get("upgrades", 0)), "bar-up"),
            (_("Downgrades"), int(counts.get("downgrades", 0)), "bar-down"),
        ]
    )
    return context
