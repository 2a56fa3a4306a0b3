"""Login lockout per user and per address (core/lockout.py, decision D-TRUST-11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.lockout import client_ip

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests"
HALL = "10.0.0.1"
HOME = "10.0.0.2"


def login(client: Client, username: str, password: str, address: str, via: str = "") -> Any:
    """A login from ``address`` (through a proxy that forwarded ``via``, if given)."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        headers={"X-Forwarded-For": via} if via else None,
        REMOTE_ADDR=address,
    )


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_wrong_passwords_lock_that_user_out_from_that_address_only(
    clerk: Any, account_manager: Any
) -> None:
    for _ in range(4):
        assert login(Client(), "clerk", "wrong", HALL).status_code == 200
    assert login(Client(), "clerk", "wrong", HALL).status_code == 429  # the fifth

    assert login(Client(), "clerk", RIGHT, HALL).status_code == 429
    assert logged_in(login(Client(), "clerk", RIGHT, HOME))  # the pair is locked, not the user
    assert logged_in(login(Client(), "manager", RIGHT, HALL))  # nor the address, yet


def test_one_address_trying_many_usernames_is_locked_out_at_the_address_limit(
    clerk: Any,
) -> None:
    for n in range(19):  # one try each: no username reaches its own five
        assert login(Client(), f"guess{n}", "123456", HALL).status_code == 200
    assert logged_in(login(Client(), "clerk", RIGHT, HALL))  # 19 < 20: still open

    assert login(Client(), "guess19", "123456", HALL).status_code == 429  # the twentieth

    assert login(Client(), "clerk", RIGHT, HALL).status_code == 429  # the whole address
    assert logged_in(login(Client(), "clerk", RIGHT, HOME))


def test_a_successful_login_forgives_only_the_users_own_failures(clerk: Any) -> None:
    for n in range(16):
        login(Client(), f"guess{n}", "123456", HALL)
    for _ in range(3):
        login(Client(), "clerk", "typo", HALL)
    assert logged_in(login(Client(), "clerk", RIGHT, HALL))  # clears the clerk's three

    for n in range(4):  # 16 others + 4 = 20 (axes alone would have wiped the 16 above)
        login(Client(), f"other{n}", "123456", HALL)

    assert login(Client(), "clerk", RIGHT, HALL).status_code == 429


@override_settings(LOCKOUT_USER_FAILURES=2, LOCKOUT_ADDRESS_FAILURES=3)
def test_the_limits_come_from_the_settings(clerk: Any) -> None:
    login(Client(), "clerk", "wrong", HALL)
    assert login(Client(), "clerk", "wrong", HALL).status_code == 429
    login(Client(), "someone", "wrong", HOME)
    login(Client(), "else", "wrong", HOME)
    assert login(Client(), "third", "wrong", HOME).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_is_counted_by_its_own_address(clerk: Any) -> None:
    proxy = "127.0.0.1"
    for _ in range(5):  # a client who also forges an X-Forwarded-For entry of its own
        login(Client(), "clerk", "wrong", proxy, via=f"1.1.1.1, {HALL}")

    assert login(Client(), "clerk", RIGHT, proxy, via=HALL).status_code == 429
    assert logged_in(login(Client(), "clerk", RIGHT, proxy, via=HOME))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "192.0.2.9"),
        (0, "203.0.113.5", "192.0.2.9"),  # no proxy trusted: the header is the client's word
        (1, "", "192.0.2.9"),  # reached the server directly
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the left entry was forged
        (2, "6.6.6.6, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
        (1, "not-an-address", "192.0.2.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_behind_the_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", headers={"X-Forwarded-For": forwarded} if forwarded else None, REMOTE_ADDR="192.0.2.9"
    )

    assert client_ip(request) == expected
