"""seed_demo: the demo province and one login per role.

servicedesk is the top floor, so it is the one app that may call every app's demo seeder.
Each step is safe to run again: a second `seed_demo` resets the demo passwords and leaves
the data as it is.

Decision D-OPS-3: the demo never sends an SMS and records its batch runs like any run.
The notices its steps store (the level SMS of the demo rating) are recorded as handled
in the transaction that stores them (``outbox_held``), so no worker sends them, with or
without REDIS_URL, and no sweep finds them pending; the calendar jobs it runs (the credit rating of last month, the accrual of every billed month)
go through the job runner (core/jobs.py, inline), so each is a JobRun on /jobs/.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from core import clock
from core.dates import add_months, month_start
from core.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_staff
from core.errors import DomainError
from core.jobs import run_job
from core.roles import MANAGER, ROLE_LABELS
from keyaccounts import demo as keyaccounts_demo
from membership.demo import seed_province, seed_snapshot
from membership.services.rating import GoToneAnnualPolicy
from plans import demo as plans_demo
from points import demo as points_demo
from servicedesk import demo as desk_demo
from servicedesk.services.outbox import outbox_held

DEMO_SEED = 20261125


class Command(BaseCommand):
    help = "Create the demo province (customers, bills, groups, plans, points, halls) and the demo staff logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=3000)

    def handle(self, *args: Any, customers: int, **options: Any) -> None:
        today = clock.today()
        started = clock.now()
        users = seed_staff()
        managers = [users[login.username] for login in DEMO_LOGINS if login.role == MANAGER]
        with outbox_held(gateway_id=desk_demo.DEMO_GATEWAY_ID):  # D-OPS-3: no SMS sent
            # One generator for the province and its groups: the same demo everywhere.
            rng = random.Random(DEMO_SEED)
            counts = seed_province(customers=customers, today=today, rng=rng)
            if counts["customers"]:
                counts |= keyaccounts_demo.seed_groups(managers=managers, rng=rng)
                self.stdout.write(
                    f"demo province: {counts['customers']} customers, {counts['bills']} bills, "
                    f"{counts['groups']} groups, {counts['key_persons']} key persons"
                )
                self._step("plans", plans_demo.seed(today=today))
                self._rating(today)
                last_month = add_months(month_start(today), -1)
                self._job("rate_credit", last_month.strftime("%Y-%m"))
                self._step("groups", keyaccounts_demo.seed(today=today))
                self._step("points", points_demo.seed(today=today))
                self._step("service desk", desk_demo.seed(today=today))
                self._kpi(today)
                self._preview_next_rating(today)
                # SERVICE-14 / SERVICE-9: today's daily jobs, so the gifts due and the
                # birthday minutes of the day are on the screens.
                self._job("vip_birthday_gifts", today.isoformat())
                self._job("grant_birthday_minutes", today.isoformat())
                notices = desk_demo.notices_on_record(since=started)
                self.stdout.write(
                    f"demo notices: {notices} SMS recorded as handled by the demo, "
                    "none queued for sending"
                )
            else:
                self.stdout.write("demo province already present; left as it is")
        self.stdout.write("demo staff logins (username / password / role):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<11} {DEMO_PASSWORD}  {ROLE_LABELS[login.role]}")

    def _step(self, name: str, counts: dict[str, Any]) -> None:
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int))
        self.stdout.write(f"demo {name}: {shown}")

    def _job(self, name: str, period: str) -> None:
        """A calendar job run as its command runs it (inline): a JobRun shown on /jobs/."""
        outcome = run_job(name, period, inline=True)
        if not outcome.ok:
            self.stdout.write(outcome.message)
            return
        self._step(f"{name} {period}", outcome.run.counts)

    def _kpi(self, today: date) -> None:
        """CUST-5 / KPI-1: a snapshot list taken six months ago, then the monthly KPI job of
        every month since, so the KPI page and its chart have figures."""
        self._step("snapshot", seed_snapshot(today=today))
        month = add_months(month_start(today), -6)
        while month < month_start(today):
            self._job("kpi_snapshot", month.strftime("%Y-%m"))
            month = add_months(month, 1)

    def _preview_next_rating(self, today: date) -> None:
        """TIER-4: the rating after the committed one, previewed and left for a supervisor
        to commit — when its year has ended (in January, before the grants of 1 February);
        the rest of the year the last ended year is the committed one (D-OPS-7)."""
        year = self._rating_year(today) + 1
        if date(year, 12, 31) >= today:
            self.stdout.write(f"demo annual rating {year}: the year has not ended, no preview")
            return
        self._job("rate_annual_preview", str(year))

    @staticmethod
    def _rating_year(today: date) -> int:
        return today.year - 1 if today >= date(today.year, 2, 1) else today.year - 2

    def _rating(self, today: date) -> None:
        """TIER-3/4: the rating whose grants are valid today (committed as a supervisor would).
        Its level SMS are stored in the outbox and recorded as handled (D-OPS-3)."""
        year = self._rating_year(today)
        try:
            run = GoToneAnnualPolicy().commit(period=str(year))
        except DomainError as exc:
            self.stdout.write(str(exc))
            return
        self.stdout.write(f"demo annual rating {year}: {run.counts['granted']} grants")
