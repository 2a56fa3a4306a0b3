"""The role × URL matrix: every URL pattern has an entry, and every entry holds for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.access import PUBLIC, URL_ACCESS, rule_for

# Keyword arguments for URL names that need them; later modules add their objects here.
SAMPLE_KWARGS: dict[str, dict[str, Any]] = {}

# A wildcard entry is exercised through these representative URLs.
WILDCARD_SAMPLES = {
    "admin:*": [
        "admin:index",
        "admin:membership_customer_changelist",
        "admin:django_celery_beat_periodictask_changelist",
    ],
}

PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")


def all_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(entry.url_patterns, full)
            elif isinstance(entry, URLPattern) and entry.name:
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


def test_every_url_pattern_has_an_entry_in_the_access_matrix() -> None:
    missing = [name for name in all_url_names() if rule_for(name) is None]
    assert missing == [], f"URL names without an access entry in core/access.py: {missing}"


def test_every_matrix_entry_names_a_real_url() -> None:
    names = set(all_url_names())
    namespaces = {n.rsplit(":", 1)[0] for n in names if ":" in n}
    stale = [
        key
        for key in URL_ACCESS
        if (key.endswith(":*") and key[:-2] not in namespaces)
        or (not key.endswith(":*") and key not in names)
    ]
    assert stale == []


def matrix_cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    for key in URL_ACCESS:
        for name in WILDCARD_SAMPLES.get(key, [key]):
            cases.extend((name, persona) for persona in PERSONAS)
    return cases


def expected_allowed(name: str, persona: str) -> bool:
    rule = rule_for(name)
    assert rule is not None
    if rule is PUBLIC or persona == "superuser":
        return True
    return persona in rule


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), matrix_cases())
def test_role_may_open_url_as_the_matrix_says(
    name: str, persona: str, personas: dict[str, Any]
) -> None:
    client = Client()
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=SAMPLE_KWARGS.get(name))
    response = client.get(url)
    login_redirect = response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )

    if expected_allowed(name, persona):
        assert response.status_code not in (401, 403), (url, persona, response.status_code)
        assert not login_redirect, (url, persona)
    elif user is None and not name.startswith("api:"):
        assert login_redirect, (url, persona, response.status_code)
    else:
        assert response.status_code in (401, 403), (url, persona, response.status_code)
