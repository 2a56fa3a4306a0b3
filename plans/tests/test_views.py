"""Plan screens: permission matrix for every view, the database after each post, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months, month_start
from membership.extensions import CUSTOMER_CARD_PANELS
from plans.models import Subscription, SubscriptionStatus
from plans.receivers import customer_panel_context
from plans.services import subscription_order
from plans.tests.conftest import customer_in, plan

pytestmark = pytest.mark.django_db
READERS = ("counter_clerk", "account_manager", "supervisor", "superuser")
WRITERS = ("counter_clerk", "supervisor", "superuser")
ALL = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")


def _client(personas: dict[str, Any], persona: str) -> Client:
    client = Client()
    if personas[persona] is not None:
        client.force_login(personas[persona])
    return client


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _next_month() -> date:
    return add_months(month_start(timezone.localdate()), 1)


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("view", ["catalogue", "customer_plans", "advice"])
def test_reading_screens_are_open_to_every_staff_role(
    personas: dict[str, Any], persona: str, view: str
) -> None:
    customer = customer_in("南京")
    kwargs = {} if view == "catalogue" else {"msisdn": customer.msisdn}
    response = _client(personas, persona).get(reverse(f"plans:{view}", kwargs=kwargs))
    if persona == "anonymous":
        assert _is_login_redirect(response)
    elif persona in READERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ALL)
def test_order_form_permission_matrix_and_database(personas: dict[str, Any], persona: str) -> None:
    customer = customer_in("南京")
    url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})
    client = _client(personas, persona)
    get = client.get(url)
    post = client.post(url, {"plan": plan("bt-288").pk, "channel": "hotline", "note": "电话办理"})
    if persona in WRITERS:
        assert get.status_code == 200
        assert post.status_code == 302
        assert post["Location"] == reverse(
            "plans:customer_plans", kwargs={"msisdn": customer.msisdn}
        )
        order = Subscription.objects.get(customer=customer)
        assert (order.plan.code, order.status, order.channel) == (
            "bt-288",
            SubscriptionStatus.SCHEDULED,
            "hotline",
        )
        assert order.effective_from == _next_month()
        assert order.created_by == personas[persona]
        assert order.note == "电话办理"
    else:
        assert not Subscription.objects.exists()
        if persona == "anonymous":
            assert _is_login_redirect(get)
            assert _is_login_redirect(post)
        else:
            assert get.status_code == post.status_code == 403


def test_order_form_for_a_new_customer_asks_the_first_month_option(clerk: Any) -> None:
    customer = customer_in("南京", joined_on=timezone.localdate())
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})
    page = client.get(url)
    assert "first_month_option" in page.content.decode()
    missing = client.post(url, {"plan": plan("bt-58").pk, "channel": "counter"})
    assert missing.status_code == 200
    assert not Subscription.objects.exists()
    done = client.post(
        url, {"plan": plan("bt-58").pk, "channel": "counter", "first_month_option": "half"}
    )
    assert done.status_code == 302
    order = Subscription.objects.get()
    assert (order.status, order.first_month_fee, order.first_month_minutes) == (
        SubscriptionStatus.EFFECTIVE,
        29,
        75,
    )


def test_order_form_shows_the_reason_when_the_city_refuses(clerk: Any) -> None:
    customer = customer_in("苏州")
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})
    refused = client.post(url, {"plan": plan("bt-88").pk, "channel": "counter"})
    assert refused.status_code == 200
    assert "tick that the customer asked" in refused.content.decode()
    assert not Subscription.objects.exists()
    asked = client.post(
        url, {"plan": plan("bt-88").pk, "channel": "counter", "customer_asked": "on"}
    )
    assert asked.status_code == 302
    assert Subscription.objects.get().customer_asked is True


def test_order_form_offers_huaians_designated_stores(clerk: Any) -> None:
    from plans.models import DesignatedStore

    customer = customer_in("淮安")
    store = DesignatedStore.objects.filter(city="淮安").first()
    assert store is not None
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})
    assert store.name in client.get(url).content.decode()
    response = client.post(
        url,
        {"plan": plan("bt-88").pk, "channel": "counter", "customer_asked": "on", "store": store.pk},
    )
    assert response.status_code == 302
    assert Subscription.objects.get().store == store


def test_order_form_for_an_unknown_number_is_404(clerk: Any) -> None:
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("plans:order", kwargs={"msisdn": "13900000000"})).status_code == 404


@pytest.mark.parametrize("persona", ALL)
def test_cancel_permission_matrix_and_database(personas: dict[str, Any], persona: str) -> None:
    customer = customer_in("南京")
    order = subscription_order(customer=customer, plan=plan("bt-88"), channel="counter")
    url = reverse("plans:order_cancel", kwargs={"pk": order.pk})
    client = _client(personas, persona)
    get = client.get(url)
    post = client.post(url, {"note": "客户撤回"})
    order.refresh_from_db()
    if persona in WRITERS:
        assert get.status_code == 200
        assert "data-confirm" in get.content.decode()
        assert post.status_code == 302
        assert order.status == SubscriptionStatus.CANCELLED
        last = order.events.last()
        assert last is not None
        assert (last.note, last.actor) == ("客户撤回", personas[persona])
    else:
        assert order.status == SubscriptionStatus.SCHEDULED
        if persona == "anonymous":
            assert _is_login_redirect(get)
            assert _is_login_redirect(post)
        else:
            assert get.status_code == post.status_code == 403


def test_cancelling_an_order_in_force_is_refused_with_a_message(clerk: Any) -> None:
    customer = customer_in("南京", joined_on=timezone.localdate())
    order = subscription_order(
        customer=customer, plan=plan("bt-58"), channel="counter", first_month_option="full"
    )
    client = Client()
    client.force_login(clerk)
    response = client.post(reverse("plans:order_cancel", kwargs={"pk": order.pk}), follow=True)
    order.refresh_from_db()
    assert order.status == SubscriptionStatus.EFFECTIVE
    assert "not yet in force" in response.content.decode()


def test_catalogue_filters_by_family_and_shows_city_availability(clerk: Any) -> None:
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("plans:catalogue"), {"family": "internet", "city": "苏州"})
    html = page.content.decode()
    assert "全球通上网88套餐" in html
    assert "全球通商旅58套餐" not in html
    assert "availability-on_request" in html
    by_level = client.get(reverse("plans:catalogue"), {"level": "gold"}).content.decode()
    assert "全球通商旅388套餐" in by_level
    assert "全球通商旅288套餐" not in by_level


def test_catalogue_query_count_does_not_grow_with_the_catalogue(
    clerk: Any, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:catalogue")
    client.get(url)  # warm the session
    with django_assert_num_queries(9):
        client.get(url, {"city": "苏州"})
    from tests.factories import PlanFactory

    for n in range(5):
        PlanFactory(code=f"extra-{n}")
    with django_assert_num_queries(9):
        client.get(url, {"city": "苏州"})


def test_customer_plans_query_count_does_not_grow_with_the_history(
    clerk: Any, django_assert_num_queries: Any
) -> None:
    customer = customer_in("南京")
    client = Client()
    client.force_login(clerk)
    url = reverse("plans:customer_plans", kwargs={"msisdn": customer.msisdn})
    subscription_order(customer=customer, plan=plan("bt-88"), channel="counter")
    client.get(url)
    with django_assert_num_queries(9):
        page = client.get(url)
    for code in ("bt-128", "bt-158", "bt-188"):
        subscription_order(customer=customer, plan=plan(code), channel="counter")
    with django_assert_num_queries(9):
        page = client.get(url)
    html = page.content.decode()
    assert "全球通商旅188套餐" in html
    assert "replaced by a newer request" in html  # PLAN-6: the older order's history


def test_advice_page_shows_the_arithmetic(account_manager: Any) -> None:
    from decimal import Decimal

    from membership.models import Usage

    customer = customer_in("常州")
    last_month = add_months(month_start(timezone.localdate()), -1)
    Usage.objects.create(
        customer=customer, date=last_month, category="domestic_voice", amount=Decimal("180.00")
    )
    client = Client()
    client.force_login(account_manager)
    html = client.get(reverse("plans:advice", kwargs={"msisdn": customer.msisdn})).content.decode()
    # 180 yuan over 3 months = 60.00 a month ÷ 0.40 = 150 minutes
    assert "60.00 yuan ÷ 0.40 yuan/min" in html
    assert "150 min" in html
    assert 'data-testid="advice-bt-58"' in html
    assert reverse("plans:order", kwargs={"msisdn": customer.msisdn}) not in html  # may not order


def test_the_customer_card_panel_is_registered_and_renders(rf: Any, clerk: Any) -> None:
    from django.template.loader import render_to_string

    panel = CUSTOMER_CARD_PANELS["plans"]
    assert panel.template == "plans/partials/customer_panel.html"
    customer = customer_in("南京")
    subscription_order(customer=customer, plan=plan("bt-388"), channel="counter")
    request = rf.get("/")
    request.user = clerk
    context = customer_panel_context(request, customer, timezone.localdate())
    html = render_to_string(panel.template, {"panel": context}, request=request)
    assert "全球通商旅388套餐" in html  # the pending change
    assert reverse("plans:order", kwargs={"msisdn": customer.msisdn}) in html
    assert reverse("plans:advice", kwargs={"msisdn": customer.msisdn}) in html


def test_the_customer_card_shows_the_plan_panel(clerk: Any) -> None:
    customer = customer_in("南京")
    client = Client()
    client.force_login(clerk)
    response = client.get(reverse("membership:customer_card", kwargs={"msisdn": customer.msisdn}))
    assert 'data-testid="plans-panel"' in response.content.decode()
