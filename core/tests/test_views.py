from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "workspace"),
    [
        ("counter_clerk", "membership:lookup"),
        ("account_manager", "keyaccounts:manager_workspace"),
        ("supervisor", "core:supervisor_home"),
        ("superuser", "core:supervisor_home"),
    ],
)
def test_home_sends_each_role_to_its_workspace(
    client: Client, personas: dict[str, Any], persona: str, workspace: str
) -> None:
    client.force_login(personas[persona])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(workspace)


@override_settings(LANGUAGE_CODE="zh-hans")
def test_home_refuses_a_login_without_a_role_and_says_why(client: Client, outsider: Any) -> None:
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "此账号未分配岗位角色" in response.content.decode()  # zh-hans by default


def test_health_needs_no_login_and_reports_the_database(client: Client) -> None:
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_login_with_the_right_password_lands_on_the_workspace(client: Client, clerk: Any) -> None:
    response = client.post(
        reverse("login"), {"username": "clerk", "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("membership:lookup")
    assert response.context["user"] == clerk


def test_a_wrong_password_keeps_the_username_and_says_so(client: Client, clerk: Any) -> None:
    response = client.post(reverse("login"), {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="clerk"' in body
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_login_out(client: Client, clerk: Any) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clerk", "password": "pw-for-tests"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(LANGUAGE_CODE="zh-hans")
def test_staff_switch_the_language_from_the_header(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    page = client.get(reverse("membership:lookup"))
    assert "柜台工作台" in page.content.decode()  # zh-hans is the default
    client.post(reverse("set_language"), {"language": "en", "next": reverse("membership:lookup")})
    page = client.get(reverse("membership:lookup"))
    assert "Counter workspace" in page.content.decode()


def test_the_header_shows_only_the_pages_the_role_may_open(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    nav = client.get(reverse("membership:lookup")).context["staff_nav"]
    urls = {item["url"] for item in nav}
    assert reverse("membership:lookup") in urls
    assert reverse("core:supervisor_home") not in urls
    assert reverse("admin:index") not in urls


def test_the_supervisor_workspace_links_every_area_the_supervisor_may_open(
    client: Client, supervisor: Any
) -> None:
    client.force_login(supervisor)
    tiles = client.get(reverse("core:supervisor_home")).context["tiles"]
    urls = {tile["url"] for tile in tiles}
    assert reverse("membership:rating_runs") in urls
    assert reverse("keyaccounts:upgrade_inbox") in urls
    assert reverse("core:job_runs") in urls
    assert reverse("servicedesk:club_event_list") in urls
    assert reverse("servicedesk:entitlement_list") in urls  # SERVICE-2, D-DESK-21
    assert len(tiles) == 12


@pytest.mark.parametrize(
    ("context", "word", "chinese"),
    [
        (None, "Left", "剩余"),  # what is left of a quota
        ("customer left the queue", "Left", "已离开"),
        (None, "Line", "号码"),  # a phone line
        ("line of a file", "Line", "行号"),
        (None, "Name", "姓名"),  # a person's name
        ("name of a group", "Name", "名称"),
        (None, "Province", "省份"),
        ("KPI-1 figure of the whole province", "Province", "全省"),
        ("plan availability", "Open", "开放办理"),
    ],
)
def test_a_word_with_two_meanings_gets_the_chinese_of_its_context(
    context: str | None, word: str, chinese: str
) -> None:
    with translation.override("zh-hans"):
        said = translation.pgettext(context, word) if context else translation.gettext(word)
    assert said == chinese
