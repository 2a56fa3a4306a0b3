"""The role × URL matrix: every URL pattern has an entry, and every entry holds for every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.access import PUBLIC, URL_ACCESS, access_table, rule_for

# Keyword arguments for URL names that need them; later modules add their objects here.
SAMPLE_KWARGS: dict[str, dict[str, Any]] = {
    # core: the jobs page, an unknown run (allowed roles get 404).
    "core:job_run_detail": {"pk": 999999},
    "core:job_run_again": {"pk": 999999},
    "core:job_run_resume": {"pk": 999999},
    "core:job_run_progress": {"pk": 999999},
    # membership: the customer card and API detail of an unknown number (404 when allowed).
    "membership:customer_card": {"msisdn": "13900000000"},
    "api:customer-detail": {"msisdn": "13900000000"},
    # membership life cycle and credit: an unknown number (allowed roles get 404).
    "membership:customer_status": {"msisdn": "13900000000"},
    "membership:customer_transfer": {"msisdn": "13900000000"},
    "membership:customer_number": {"msisdn": "13900000000"},
    "membership:customer_move": {"msisdn": "13900000000"},
    "membership:customer_credit": {"msisdn": "13900000000"},
    "membership:customer_timeline": {"msisdn": "13900000000"},
    "membership:customer_identity_check": {"msisdn": "13900000000"},  # CUST-10 (POST only)
    "membership:snapshot_members_csv": {"pk": 999999},  # CUST-5: an unknown snapshot list
    "api:customer-credit": {"msisdn": "13900000000"},
    # membership billing feeds: an unknown import run (allowed roles get 404).
    "membership:import_run_detail": {"pk": 999999},
    "membership:import_run_again": {"pk": 999999},
    "membership:import_run_apply": {"pk": 999999},
    "membership:import_run_progress": {"pk": 999999},
    # keyaccounts groups, upgrades (TIER-7): unknown objects (allowed roles get 404; GET on a
    # POST-only API action 405).
    "keyaccounts:group_detail": {"group_id": 999999},
    "keyaccounts:group_update": {"group_id": 999999},
    "keyaccounts:group_change_class": {"group_id": 999999},
    "keyaccounts:group_contacts": {"group_id": 999999},
    "keyaccounts:group_contact_create": {"group_id": 999999},
    "keyaccounts:group_member_add": {"group_id": 999999},
    "keyaccounts:group_member_remove": {"group_id": 999999, "member_id": 999999},
    "keyaccounts:key_person_create": {"group_id": 999999},
    "keyaccounts:key_person_detail": {"key_person_id": 999999},
    "keyaccounts:key_person_update": {"key_person_id": 999999},
    "keyaccounts:key_person_remove": {"key_person_id": 999999},
    "keyaccounts:key_person_contact_create": {"key_person_id": 999999},
    "keyaccounts:upgrade_create": {"key_person_id": 999999},
    "keyaccounts:upgrade_detail": {"request_id": 999999},
    "keyaccounts:upgrade_approve": {"request_id": 999999},
    "keyaccounts:upgrade_reject": {"request_id": 999999},
    "keyaccounts:upgrade_withdraw": {"request_id": 999999},
    "keyaccounts:vip_gift_detail": {"gift_id": 999999},  # SERVICE-14
    "keyaccounts:vip_gift_step": {"gift_id": 999999, "step": "contact"},
    "api:group-detail": {"pk": 999999},
    "api:key-person-detail": {"pk": 999999},
    "api:contact-log-detail": {"pk": 999999},
    "api:upgrade-request-detail": {"pk": 999999},
    "api:upgrade-request-approve": {"pk": 999999},
    "api:upgrade-request-reject": {"pk": 999999},
    "api:upgrade-request-withdraw": {"pk": 999999},
    # plans: an unknown number or order (allowed roles get 404; GET on cancel actions 405).
    "plans:customer_plans": {"msisdn": "13900000000"},
    "plans:order": {"msisdn": "13900000000"},
    "plans:advice": {"msisdn": "13900000000"},
    "plans:order_cancel": {"pk": 999999},
    "api:plan-detail": {"pk": 999999},
    "api:plan-order-detail": {"pk": 999999},
    "api:plan-order-cancel": {"pk": 999999},
    "api:plan-advice": {"msisdn": "13900000000"},
    # points: an unknown number, redemption or recipient (allowed roles get 404; GET on
    # a POST-only action 405).
    "points:account": {"msisdn": "13900000000"},
    "points:redemptions": {"msisdn": "13900000000"},
    "points:redeem": {"msisdn": "13900000000"},
    "points:redemption_cancel": {"msisdn": "13900000000", "pk": 999999},
    "points:redemption_fulfil": {"msisdn": "13900000000", "pk": 999999},
    "points:transfer": {"msisdn": "13900000000"},
    "points:recipients": {"msisdn": "13900000000"},
    "points:recipient_remove": {"msisdn": "13900000000", "pk": 999999},
    "api:points-account": {"msisdn": "13900000000"},
    "api:points-account-entries": {"msisdn": "13900000000"},
    "api:points-reward-detail": {"pk": 999999},
    "api:points-redemption-detail": {"pk": 999999},
    "api:points-redemption-cancel": {"pk": 999999},
    "api:points-redemption-fulfil": {"pk": 999999},
    "api:points-transfer-detail": {"pk": 999999},
    # servicedesk: an unknown number, request, hall or ticket (allowed roles get 404; GET on
    # a POST-only queue action 405).
    "servicedesk:desk_card": {"msisdn": "13900000000"},
    "servicedesk:birthday_minutes_add": {"msisdn": "13900000000"},
    "servicedesk:request_create": {"msisdn": "13900000000", "kind": "complaint"},
    "servicedesk:request_detail": {"pk": 999999},
    "servicedesk:request_transition": {"pk": 999999, "action": "cancel"},
    "servicedesk:hall_desk": {"code": "no-such-hall"},
    "servicedesk:ticket_issue": {"code": "no-such-hall"},
    "servicedesk:ticket_call_next": {"code": "no-such-hall"},
    "servicedesk:hall_board": {"code": "no-such-hall"},
    "servicedesk:hall_board_data": {"code": "no-such-hall"},
    "servicedesk:ticket_action": {"pk": 999999, "action": "served"},
    "servicedesk:club_event_detail": {"pk": 999999},
    "servicedesk:club_event_edit": {"pk": 999999},
    "servicedesk:club_event_export": {"pk": 999999},
    "servicedesk:club_signup_transition": {"pk": 999999, "action": "cancel"},
    "servicedesk:club_signup_create": {"msisdn": "13900000000"},
    "servicedesk:desk_ticket": {"msisdn": "13900000000", "action": "take"},
    "servicedesk:entitlement_edit": {"pk": 999999},
    "servicedesk:entitlement_delete": {"pk": 999999},
    "servicedesk:entitlement_history": {"pk": 999999},
    "api:service-request-detail": {"pk": 999999},
    "api:ticket-detail": {"pk": 999999},
    "api:entitlement-detail": {"pk": 999999},
}

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


def test_docs_access_md_shows_the_matrix_as_it_is() -> None:
    """docs/access.md carries the table ``manage.py access_table`` prints from URL_ACCESS."""
    document = (Path(__file__).resolve().parent.parent / "docs" / "access.md").read_text()
    assert access_table() in document
