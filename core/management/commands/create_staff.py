"""create_staff: one staff login with one role, for a deployment's first users (D-OPS-2).

    manage.py create_staff USERNAME --role supervisor [--first-name 伟 --last-name 张]

The role is a group of core/roles.py (``counter_clerk``, ``account_manager``,
``supervisor``; or ``clerk``, ``manager``). A supervisor also gets ``is_staff`` (the admin
is the supervisors' tool), as the demo logins do; nobody gets ``is_superuser`` from here
(that is ``createsuperuser``, for the operator's own account). The password is asked twice
on the terminal, or read from ``DJANGO_STAFF_PASSWORD`` with ``--noinput``, and must pass
the site's password validators. An existing username is refused: the command never
changes somebody else's password or role by accident.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.roles import CLERK, MANAGER, ROLE_LABELS, SUPERVISOR

ROLE_NAMES = {
    CLERK: CLERK,
    MANAGER: MANAGER,
    SUPERVISOR: SUPERVISOR,
    "clerk": CLERK,
    "manager": MANAGER,
}
PASSWORD_VARIABLE = "DJANGO_STAFF_PASSWORD"


class Command(BaseCommand):
    help = "Create one staff login with a role (counter clerk, account manager or supervisor)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_NAMES))
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Read the password from {PASSWORD_VARIABLE} instead of asking for it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        role = ROLE_NAMES[options["role"]]
        user_model = get_user_model()
        if not username:
            raise CommandError("The username is empty.")
        if user_model.objects.filter(username=username).exists():
            raise CommandError(
                f"A user {username!r} exists already; change it in the admin instead."
            )
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise CommandError(f"The role group {role!r} is missing: run `migrate` first.")
        user = user_model(
            username=username,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            is_staff=role == SUPERVISOR,
        )
        password = self._password(user, interactive=options["interactive"])
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.set([group])
        admin = " (with access to the admin)" if user.is_staff else ""
        self.stdout.write(f"created {username}: {ROLE_LABELS[role]}{admin}")

    def _password(self, user: Any, *, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--noinput needs the password in {PASSWORD_VARIABLE}.")
            self._validate(password, user)
            return password
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                self._validate(password, user)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            return password

    @staticmethod
    def _validate(password: str, user: Any) -> None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
