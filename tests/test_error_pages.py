"""The site's own error pages (issue: operations): 400, 403, 404 and 500 render in the site's
look, in Chinese, with DEBUG off, and never print exception text; only the messages the
project wrote for staff (core.errors.NotFound, Forbidden) are shown."""

from typing import Any

import pytest
from django.test import Client

from tests.builders import make_customer

pytestmark = pytest.mark.django_db

ZH = {"Accept-Language": "zh-hans"}
EXCEPTION_TEXT = ("Resolver404", "Traceback", "matches the given query", "KeyError", "boom")


def _page(response: Any) -> str:
    return response.content.decode()


def _assert_error_page(response: Any, status: int, title: str) -> str:
    assert response.status_code == status
    page = _page(response)
    assert 'data-testid="error-page"' in page
    assert f"<h1>{title}</h1>" in page
    assert '<html lang="zh-hans">' in page
    assert "/static/css/app.css" in page
    for text in EXCEPTION_TEXT:
        assert text not in page
    return page


def test_debug_is_off(settings: Any) -> None:
    assert settings.DEBUG is False


def test_unknown_url_is_our_404_without_the_resolver(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    page = _assert_error_page(client.get("/no/such/page/", headers=ZH), 404, "未找到")
    assert "此地址没有内容。" in page


def test_missing_object_404_hides_the_model_message(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    page = _assert_error_page(client.get("/jobs/987654/", headers=ZH), 404, "未找到")
    assert "JobRun" not in page


def test_a_404_written_for_staff_shows_its_message(client: Client, clerk: Any) -> None:
    """membership.access raises NotFound with a message a clerk can act on."""
    client.force_login(clerk)
    page = _assert_error_page(client.get("/desk/customer/13900000000/", headers=ZH), 404, "未找到")
    assert "13900000000" in page


def test_403_shows_the_role_message_in_chinese(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    page = _assert_error_page(client.get("/jobs/", headers=ZH), 403, "无权访问")
    assert "PermissionDenied" not in page


def test_400_for_a_bad_host(client: Client, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    page = _assert_error_page(
        client.get("/", headers={**ZH, "Host": "evil.example"}), 400, "请求有误"
    )
    assert "evil.example" not in page


def test_500_is_our_page_and_needs_no_context(clerk: Any, monkeypatch: Any) -> None:
    def boom(user: Any) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("core.views.primary_role", boom)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    page = _assert_error_page(client.get("/", headers=ZH), 500, "服务器错误")
    assert "已记录日志" in page


def test_expired_csrf_token_gets_our_page(clerk: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"}, headers=ZH)
    page = _assert_error_page(response, 403, "表单已失效")
    assert "CSRF" not in page


def test_admin_breadcrumb_home_is_not_the_home_area(client: Client, superuser: Any) -> None:
    """The desk card's "Home" (the customer's home area) has a message context, so Django's
    own "Home" in the admin keeps its translation."""
    client.force_login(superuser)
    page = _page(client.get("/admin/django_celery_beat/periodictask/", headers=ZH))
    assert "归属地" not in page
    assert "通话分钟数" not in page


def test_desk_card_home_area_still_translated(client: Client, clerk: Any) -> None:
    customer = make_customer()
    client.force_login(clerk)
    response = client.get(f"/desk/customer/{customer.msisdn}/", headers=ZH)
    assert response.status_code == 200
    assert "<dt>归属地</dt>" in _page(response)


def test_plan_list_minutes_still_translated(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.get("/plans/", headers=ZH)
    assert response.status_code == 200
    assert "通话分钟数" in _page(response)
