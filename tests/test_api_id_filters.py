"""Id filters of the API refuse numbers past 64 bits with a 400, not a server error.

Found by fuzzing the API (schemathesis): on SQLite a key of 2**63 reached the driver and
failed with OverflowError (500). On PostgreSQL the same value is an out-of-range bigint.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.filters import MAX_ID

pytestmark = pytest.mark.django_db

ID_FILTERS = [
    "/api/groups/?account_manager={}",
    "/api/contact-logs/?group={}",
    "/api/contact-logs/?key_person={}",
    "/api/key-persons/?group={}",
    "/api/upgrade-requests/?key_person={}",
    "/api/upgrade-requests/?group={}",
    "/api/points/redemptions/?item={}",
]


@pytest.fixture
def client() -> Client:
    user = get_user_model().objects.create_superuser("fuzz", "fuzz@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ID_FILTERS)
@pytest.mark.parametrize("value", [str(MAX_ID + 1), "-1", "0", "1.5", "abc"])
def test_an_id_filter_out_of_range_is_a_400_naming_the_filter(
    client: Client, url: str, value: str
) -> None:
    response = client.get(url.format(value))
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in response.json()


@pytest.mark.parametrize("url", ID_FILTERS)
def test_the_largest_id_is_accepted_and_finds_nothing(client: Client, url: str) -> None:
    response = client.get(url.format(MAX_ID))
    assert response.status_code == 200
    body = response.json()
    assert (body["results"] if isinstance(body, dict) else body) == []
