"""seed_demo: the demo province and one login per role (servicedesk is the top floor,
so it is the one app that may call every app's demo seeder)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_staff
from core.roles import MANAGER, ROLE_LABELS
from membership.demo import seed_province


class Command(BaseCommand):
    help = "Create the demo province (customers, bills, groups) and the demo staff logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=3000)

    def handle(self, *args: Any, customers: int, **options: Any) -> None:
        users = seed_staff()
        managers = [users[login.username] for login in DEMO_LOGINS if login.role == MANAGER]
        counts = seed_province(managers=managers, customers=customers, today=timezone.localdate())
        if counts["customers"]:
            self.stdout.write(
                f"demo province: {counts['customers']} customers, {counts['bills']} bills, "
                f"{counts['groups']} groups, {counts['key_persons']} key persons"
            )
        else:
            self.stdout.write("demo province already present; left as it is")
        self.stdout.write("demo staff logins (username / password / role):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<11} {DEMO_PASSWORD}  {ROLE_LABELS[login.role]}")
