"""create_staff: a deployment's first staff logins, one role each (D-OPS-2)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from core.roles import CLERK, SUPERVISOR, primary_role, roles_of

pytestmark = pytest.mark.django_db

PASSWORD = "Qm7-hall-counter-2026"


def test_a_supervisor_is_created_with_the_role_and_the_admin(
    monkeypatch: pytest.MonkeyPatch, rf: RequestFactory
) -> None:
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    out = StringIO()

    call_command(
        "create_staff", "zhangwei", "--role", "supervisor", "--last-name", "张", "--noinput",
        stdout=out,
    )  # fmt: skip

    user: Any = authenticate(rf.post("/"), username="zhangwei", password=PASSWORD)
    assert user is not None
    assert roles_of(user) == {SUPERVISOR}
    assert primary_role(user) == SUPERVISOR
    assert user.is_staff
    assert not user.is_superuser
    assert user.last_name == "张"
    assert out.getvalue().startswith("created zhangwei: ")


def test_a_clerk_by_short_name_gets_no_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)

    call_command("create_staff", "wangfang", "--role", "clerk", "--noinput", stdout=StringIO())

    user: Any = get_user_model().objects.get(username="wangfang")
    assert roles_of(user) == {CLERK}
    assert not user.is_staff


def test_an_existing_username_is_refused_and_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)
    call_command("create_staff", "lq", "--role", "manager", "--noinput", stdout=StringIO())

    with pytest.raises(CommandError, match="exists already"):
        call_command("create_staff", "lq", "--role", "supervisor", "--noinput", stdout=StringIO())

    user: Any = get_user_model().objects.get(username="lq")
    assert primary_role(user) != SUPERVISOR


def test_a_weak_or_missing_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_STAFF_PASSWORD"):
        call_command("create_staff", "a1", "--role", "clerk", "--noinput", stdout=StringIO())

    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "12345678")
    with pytest.raises(CommandError):
        call_command("create_staff", "a1", "--role", "clerk", "--noinput", stdout=StringIO())
    assert not get_user_model().objects.filter(username="a1").exists()


def test_the_password_is_asked_twice_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["one-Password-77", "another-Password-77", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    err = StringIO()

    call_command("create_staff", "chenjing", "--role", "manager", stdout=StringIO(), stderr=err)

    assert "differ" in err.getvalue()
    assert get_user_model().objects.get(username="chenjing").check_password(PASSWORD)
