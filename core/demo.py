"""Demo staff: one login per role (and a second account manager), for `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import CLERK, MANAGER, SUPERVISOR

DEMO_PASSWORD = "gotone-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    full_name: str


DEMO_LOGINS = (
    DemoLogin("clerk", CLERK, "王芳"),
    DemoLogin("manager", MANAGER, "李强"),
    DemoLogin("manager2", MANAGER, "陈静"),
    DemoLogin("supervisor", SUPERVISOR, "张伟"),
)


def seed_staff(*, password: str = DEMO_PASSWORD) -> dict[str, object]:
    """Create (or reset) the demo logins; returns the users by username."""
    user_model = get_user_model()
    users: dict[str, object] = {}
    for login in DEMO_LOGINS:
        user, _created = user_model.objects.get_or_create(username=login.username)
        user.first_name = login.full_name[1:]
        user.last_name = login.full_name[:1]
        user.is_staff = login.role == SUPERVISOR  # the admin is the supervisors' tool
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=login.role)])
        users[login.username] = user
    return users
