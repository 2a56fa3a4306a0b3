"""seed_demo: the demo province and one login per role.

servicedesk is the top floor, so it is the one app that may call every app's demo seeder.
Each step is safe to run again: a second `seed_demo` resets the demo passwords and leaves
the data as it is.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from core import clock
from core.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_staff
from core.errors import DomainError
from core.roles import MANAGER, ROLE_LABELS
from membership import demo_groups
from membership.dates import add_months, month_start
from membership.demo import seed_province
from membership.services.credit import credit_rate_month
from membership.services.rating import GoToneAnnualPolicy
from plans import demo as plans_demo
from points import demo as points_demo
from servicedesk import demo as desk_demo


class Command(BaseCommand):
    help = "Create the demo province (customers, bills, groups, plans, points, halls) and the demo staff logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=3000)

    def handle(self, *args: Any, customers: int, **options: Any) -> None:
        today = clock.today()
        users = seed_staff()
        managers = [users[login.username] for login in DEMO_LOGINS if login.role == MANAGER]
        counts = seed_province(managers=managers, customers=customers, today=today)
        if counts["customers"]:
            self.stdout.write(
                f"demo province: {counts['customers']} customers, {counts['bills']} bills, "
                f"{counts['groups']} groups, {counts['key_persons']} key persons"
            )
            self._step("plans", plans_demo.seed(today=today))
            self._rating(today)
            self._step("credit", credit_rate_month(month=add_months(month_start(today), -1)))
            self._step("groups", demo_groups.seed(today=today))
            self._step("points", points_demo.seed(today=today))
            self._step("service desk", desk_demo.seed(today=today))
        else:
            self.stdout.write("demo province already present; left as it is")
        self.stdout.write("demo staff logins (username / password / role):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<11} {DEMO_PASSWORD}  {ROLE_LABELS[login.role]}")

    def _step(self, name: str, counts: dict[str, Any]) -> None:
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int))
        self.stdout.write(f"demo {name}: {shown}")

    def _rating(self, today: date) -> None:
        """TIER-3/4: the rating whose grants are valid today (committed as a supervisor would).
        Its level SMS go through the outbox quietly (one log line each otherwise)."""
        logging.getLogger("servicedesk.sms").setLevel(logging.WARNING)
        year = today.year - 1 if today >= date(today.year, 2, 1) else today.year - 2
        try:
            run = GoToneAnnualPolicy().commit(period=str(year))
        except DomainError as exc:
            self.stdout.write(str(exc))
            return
        self.stdout.write(f"demo annual rating {year}: {run.counts['granted']} grants")
