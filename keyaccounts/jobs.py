"""keyaccounts' jobs of the programme's calendar (with their schedules), for the runner in
core/jobs.py, which imports this module on first use. Each takes the period as the command
of docs/interfaces.md does and returns the counts the JobRun keeps.

``kpi_snapshot`` stores a month's KPI-1 figures (set-based, CONV-5). The two daily digests
(``birthday_reminders``, ``overdue_approvals``) count what the account managers' care
calendar and the supervisors' inbox show that day, per person, so the run record says who
has something due; the screens themselves are always live (there is no e-mail channel to
staff in this back office). ``vip_birthday_gifts`` opens the VIP customers' birthday gifts
(SERVICE-14), set-based like the snapshot.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.dates import parse_month
from core.jobs import PeriodKind, Schedule, whole_job
from keyaccounts.models import KeyPerson, UpgradeRequest, UpgradeStatus
from keyaccounts.selectors.care import care_calendar
from keyaccounts.selectors.groups import upgrade_overdue_before
from keyaccounts.services.gifts import birthday_gifts_open
from keyaccounts.services.kpi import kpi_snapshot


@whole_job(
    "kpi_snapshot",
    period_kind=PeriodKind.MONTH,
    title=_("KPI-1 snapshot"),
    rules=("KPI-1",),
    schedule=Schedule(hour=3, minute=30, day_of_month="MONTHLY_CLOSE_DAY"),
    period_offset=-1,
)
def kpi_snapshot_month(period: str) -> dict[str, Any]:
    """KPI-1: the month's figures."""
    result = kpi_snapshot(month=parse_month(period))
    return {
        "month": period,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
    }


@whole_job(  # GROUP-4 / SERVICE-2: account managers are told of coming birthdays.
    "birthday_reminders",
    period_kind=PeriodKind.DAY,
    title=_("Birthday reminders to account managers"),
    rules=("GROUP-4",),
    schedule=Schedule(hour=7, minute=0),
)
def birthday_reminders(period: str) -> dict[str, Any]:
    """GROUP-4: key-person birthdays in the next 7 days (gift 3 days before), per manager."""
    today = date.fromisoformat(period)
    per_manager: dict[str, int] = {}
    people = KeyPerson.objects.filter(ended_at__isnull=True).select_related(
        "group__account_manager", "customer"
    )
    for manager_id in people.values_list("group__account_manager", flat=True).distinct():
        calendar = care_calendar(people.filter(group__account_manager=manager_id), today)
        if calendar.birthdays:
            per_manager[str(manager_id)] = len(calendar.birthdays)
    return {"birthdays": sum(per_manager.values()), "per_manager": per_manager}


@whole_job(
    "overdue_approvals",
    period_kind=PeriodKind.DAY,
    title=_("Overdue upgrade approvals"),
    rules=("TIER-7",),
    schedule=Schedule(hour=8, minute=0),
)
def overdue_approvals(period: str) -> dict[str, Any]:
    """TIER-7: pending upgrade requests older than the decision limit (working days)."""
    cutoff = upgrade_overdue_before(date.fromisoformat(period))
    overdue = UpgradeRequest.objects.filter(status=UpgradeStatus.PENDING, requested_at__lt=cutoff)
    return {"overdue": overdue.count()}


@whole_job(  # SERVICE-14: the VIP customers' birthday gifts, 3 days before the birthday.
    "vip_birthday_gifts",
    period_kind=PeriodKind.DAY,
    title=_("Birthday gifts of VIP customers"),
    rules=("SERVICE-14",),
    schedule=Schedule(hour=6, minute=30),
)
def vip_birthday_gifts(period: str) -> dict[str, Any]:
    """SERVICE-14: open the gifts of the birthdays 3 days ahead (one INSERT … SELECT)."""
    day = date.fromisoformat(period)
    return {"day": period, "opened": birthday_gifts_open(day=day)}
