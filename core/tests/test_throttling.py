"""API throttles (core/throttling.py, decision D-TRUST-12): 429 past the rate, per staff
account, counted in the "throttle" cache — Redis when configured — and never a server error
when that cache is down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from tests.services import redis_url

pytestmark = pytest.mark.django_db

REWARDS = "/api/points/rewards/"


def rates(user: str | None = "3/minute", anon: str | None = "2/minute") -> Any:
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }
    )


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def api(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_suite_runs_without_api_throttling(clerk: Any) -> None:
    client = api(clerk)
    assert all(client.get(REWARDS).status_code == 200 for _ in range(30))


@rates()
def test_the_api_answers_429_past_the_rate_of_a_staff_account(clerk: Any, supervisor: Any) -> None:
    client = api(clerk)
    assert [client.get(REWARDS).status_code for _ in range(3)] == [200, 200, 200]

    refused = client.get(REWARDS)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert api(supervisor).get(REWARDS).status_code == 200  # counted per account
    # The pages are not throttled, only the API.
    assert client.get(reverse("membership:lookup")).status_code == 200


@rates(user=None)
def test_a_rate_set_to_off_does_not_throttle(clerk: Any) -> None:
    client = api(clerk)
    assert all(client.get(REWARDS).status_code == 200 for _ in range(10))


@pytest.mark.redis
def test_with_redis_every_server_process_counts_in_the_same_place(clerk: Any) -> None:
    url = redis_url()  # skips without Redis, fails under CI=true
    prefix = f"throttle-test-{uuid.uuid4().hex[:8]}"
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={**settings.CACHES, "throttle": shared}), rates():
        client = api(clerk)
        assert [client.get(REWARDS).status_code for _ in range(4)] == [200, 200, 200, 429]
        # What another process would read: the count is in Redis, not in this process.
        key = f"throttle_user_{clerk.pk}"
        assert len(caches["throttle"].get(key)) == 3
        caches["throttle"].delete(key)  # not clear(): that would flush the whole Redis db


@rates(user="1/minute")
def test_a_throttle_whose_redis_is_down_lets_the_request_through(
    clerk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nobody listens
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={**settings.CACHES, "throttle": dead}):
        client = api(clerk)
        assert [client.get(REWARDS).status_code for _ in range(3)] == [200, 200, 200]
    assert "throttle cache is unreachable" in caplog.text
