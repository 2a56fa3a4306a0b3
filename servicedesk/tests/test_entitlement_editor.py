"""SERVICE-2: the entitlements table edited in the app by supervisors (issue 17): list, edit
with a confirmation showing before → after, add, delete with a confirmation, each row's
history (who changed what, when); clerks are refused; the form validates."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.idempotency import FORM_FIELD
from servicedesk.models import Entitlement

pytestmark = pytest.mark.django_db


def airport_gold() -> Entitlement:
    return Entitlement.objects.get(benefit="airport_lounge", audience="gold", scope="national")


def form_data(row: Entitlement, **changes: Any) -> dict[str, Any]:
    data = {
        "benefit": row.benefit,
        "audience": row.audience,
        "scope": row.scope,
        "quota": "" if row.quota is None else row.quota,
        "period": row.period,
        "allowance": "" if row.allowance is None else row.allowance,
        "valid_days": "" if row.valid_days is None else row.valid_days,
        "note": row.note,
    }
    if row.free:
        data["free"] = "on"
    data.update(changes)
    return data


def page_token(response: Any) -> str:
    found = re.search(rf'name="{FORM_FIELD}" value="([^"]+)"', response.content.decode())
    assert found
    return found[1]


def test_service_2_supervisors_list_the_table_with_csv(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    url = reverse("servicedesk:entitlement_list")
    html = client.get(url, {"benefit": "airport_lounge", "sort": "quota"}).content.decode()
    assert f'data-testid="entitlement-{airport_gold().pk}"' in html
    assert "Railway lounge" not in html.split('data-testid="entitlements"')[1]
    response = client.get(url, {"benefit": "airport_lounge", "format": "csv"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeffbenefit,level,scope,quota,period")
    assert (
        len(body.strip().splitlines())
        == 1 + Entitlement.objects.filter(benefit="airport_lounge").count()
    )


@pytest.mark.parametrize("persona", ["counter_clerk", "account_manager"])
def test_service_2_clerks_and_managers_may_not_open_the_editor(
    client: Client, personas: dict[str, Any], persona: str
) -> None:
    client.force_login(personas[persona])
    row = airport_gold()
    for url in (
        reverse("servicedesk:entitlement_list"),
        reverse("servicedesk:entitlement_edit", kwargs={"pk": row.pk}),
        reverse("servicedesk:entitlement_history", kwargs={"pk": row.pk}),
        reverse("servicedesk:entitlement_delete", kwargs={"pk": row.pk}),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("servicedesk:entitlement_edit", kwargs={"pk": row.pk}),
        form_data(row, quota=99, confirm="1"),
    )
    assert response.status_code == 403
    assert airport_gold().quota != 99


def test_service_2_an_edit_is_confirmed_before_after_then_kept_in_the_history(
    client: Client, supervisor: Any
) -> None:
    client.force_login(supervisor)
    row = airport_gold()
    old_quota = row.quota
    assert old_quota is not None
    url = reverse("servicedesk:entitlement_edit", kwargs={"pk": row.pk})
    assert client.get(url).status_code == 200
    confirm = client.post(url, form_data(row, quota=old_quota + 2))
    html = confirm.content.decode()
    assert 'data-testid="entitlement-changes"' in html
    assert f"<td>{old_quota}</td><td><strong>{old_quota + 2}</strong>" in html
    assert airport_gold().quota == old_quota  # nothing saved yet
    token = page_token(confirm)
    data = form_data(row, quota=old_quota + 2, confirm="1", reason="2027 programme")
    response = client.post(url, {**data, FORM_FIELD: token})
    assert response.status_code == 302
    assert airport_gold().quota == old_quota + 2
    client.post(url, {**data, FORM_FIELD: token})  # a double submit: nothing more
    assert airport_gold().history.filter(history_type="~").count() == 1

    history = client.get(reverse("servicedesk:entitlement_history", kwargs={"pk": row.pk}))
    html = history.content.decode()
    assert 'data-testid="history-user">王芳' in html
    assert f"{old_quota} → <strong>{old_quota + 2}</strong>" in html
    assert "2027 programme" in html


def test_service_2_the_form_refuses_a_quota_without_period_and_a_duplicate(
    client: Client, supervisor: Any
) -> None:
    client.force_login(supervisor)
    row = airport_gold()
    url = reverse("servicedesk:entitlement_edit", kwargs={"pk": row.pk})
    response = client.post(url, form_data(row, quota=3, period="unlimited", confirm="1"))
    assert response.status_code == 200
    assert "A counted quota needs a period" in response.content.decode()
    assert 'value="3"' in response.content.decode()  # what was typed stays
    duplicate = client.post(reverse("servicedesk:entitlement_create"), form_data(row, confirm="1"))
    assert duplicate.status_code == 200
    assert "errorlist" in duplicate.content.decode() or "errors" in duplicate.content.decode()
    assert (
        Entitlement.objects.filter(
            benefit=row.benefit, audience=row.audience, scope=row.scope
        ).count()
        == 1
    )
    negative = client.post(url, form_data(row, quota=-1))
    assert "entitlement-changes" not in negative.content.decode()


def test_service_2_add_and_delete_with_confirmation_history_stays(
    client: Client, supervisor: Any
) -> None:
    client.force_login(supervisor)
    Entitlement.objects.filter(benefit="magazine", audience="silver").delete()
    data = {
        "benefit": "magazine",
        "audience": "silver",
        "scope": "national",
        "quota": "1",
        "period": "year",
        "free": "on",
        "allowance": "12",
        "valid_days": "",
        "note": "",
    }
    create = reverse("servicedesk:entitlement_create")
    confirm = client.post(create, data)
    assert 'data-testid="entitlement-changes"' in confirm.content.decode()
    client.post(create, {**data, "confirm": "1", FORM_FIELD: page_token(confirm)})
    row = Entitlement.objects.get(benefit="magazine", audience="silver", scope="national")

    delete = reverse("servicedesk:entitlement_delete", kwargs={"pk": row.pk})
    page = client.get(delete)
    assert 'data-testid="entitlement-delete-confirm"' in page.content.decode()
    assert Entitlement.objects.filter(pk=row.pk).exists()  # GET deletes nothing
    client.post(delete, {FORM_FIELD: page_token(page), "reason": "not in 2027"})
    assert not Entitlement.objects.filter(pk=row.pk).exists()

    history = client.get(reverse("servicedesk:entitlement_history", kwargs={"pk": row.pk}))
    assert history.status_code == 200
    html = history.content.decode()
    assert "This entitlement has been deleted." in html
    assert "not in 2027" in html
    assert html.count('data-testid="history-user">王芳') == 2


def test_service_2_the_supervisor_tile_leads_to_the_editor(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    html = client.get(reverse("core:supervisor_home")).content.decode()
    assert reverse("servicedesk:entitlement_list") in html
    assert "/admin/servicedesk/entitlement" not in html
