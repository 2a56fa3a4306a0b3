"""Headless Chromium (D-TRUST-1): a form sent, the browser's Back button, the same form sent
again: the work is done once and the page says it was already done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from keyaccounts.models import ContactLog
from keyaccounts.services.groups import key_person_create
from points.models import Redemption
from points.selectors import balances
from points.tests.builders import earn, make_item
from servicedesk.models import ServiceRequest, UsageCounter
from servicedesk.tests.conftest import give_level
from tests.browser import browser_page, in_a_thread
from tests.builders import make_customer, make_group
from tests.db import reload_data_migration
from tests.services import artifacts_dir

pytestmark = pytest.mark.browser

ALREADY_DONE = "Already done: this form was submitted before, so nothing was done again."


@pytest.fixture
def page() -> Iterator[Any]:
    yield from browser_page()


def log_in(page: Any, base: str, username: str, url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{url}")


def send_back_and_send_again(page: Any, submit: str, result_url: str) -> None:
    """Submit the form, land on its result, go Back to the form and submit it again."""
    form_url = page.url
    page.click(submit)
    page.wait_for_url(result_url)
    assert ALREADY_DONE not in page.content()
    page.go_back()
    page.wait_for_url(form_url)
    page.click(submit)
    page.wait_for_url(result_url)


@pytest.fixture
def rich(db: Any) -> Any:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2024, 3000)
    earn(customer, 2026, 2000)
    return customer


def focused(page: Any) -> str:
    """The ``id`` or ``data-testid`` of the element that has the keyboard focus."""
    return str(
        page.evaluate("document.activeElement.id || document.activeElement.dataset.testid || ''")
    )


@pytest.mark.now("2026-11-25 10:00")
@pytest.mark.django_db(transaction=True)
def test_a_redemption_confirmed_again_after_back_takes_the_points_once(
    live_server: Any, clerk: Any, rich: Any, page: Any
) -> None:
    """POINTS-7 with its confirmation step: confirmed, Back to the confirmation, confirmed
    again: one redemption."""
    item = in_a_thread(lambda: make_item(name="电影票", points_price=800, stock=10))
    base = live_server.url
    form = reverse("points:redeem", kwargs={"msisdn": rich.msisdn})
    account = reverse("points:account", kwargs={"msisdn": rich.msisdn})
    log_in(page, base, "clerk", form)
    page.select_option("#id_item", str(item.pk))
    page.fill("#id_quantity", "1")
    page.click("[data-testid=redeem-continue]")
    page.wait_for_selector("[data-testid=redeem-quote]")
    assert "5,000 points now → 4,200 points after" in page.inner_text("[data-testid=redeem-quote]")
    assert in_a_thread(lambda: Redemption.objects.count()) == 0  # nothing before confirming

    send_back_and_send_again(page, "[data-testid=confirm-redeem]", f"{base}{account}")

    assert ALREADY_DONE in page.locator(".messages").inner_text()
    page.screenshot(path=str(artifacts_dir() / "redemption_sent_twice.png"), full_page=True)
    assert in_a_thread(lambda: Redemption.objects.filter(customer=rich).count()) == 1
    assert in_a_thread(lambda: balances(rich).redeemable) == 5000 - 800


@pytest.mark.now("2026-11-25 10:00")
@pytest.mark.django_db(transaction=True)
def test_a_redemption_at_the_counter_with_the_keyboard_alone(
    live_server: Any, clerk: Any, rich: Any, page: Any
) -> None:
    """Issue 17: the reward list has the focus, arrow down picks the reward, Tab to the
    quantity, Enter continues; the confirm button has the focus, Enter redeems."""
    item = in_a_thread(lambda: make_item(name="电影票", points_price=800, stock=10))
    base = live_server.url
    form = reverse("points:redeem", kwargs={"msisdn": rich.msisdn})
    account = reverse("points:account", kwargs={"msisdn": rich.msisdn})
    log_in(page, base, "clerk", form)

    assert focused(page) == "id_item"
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_item") == str(item.pk)
    page.keyboard.press("Tab")
    assert focused(page) == "id_quantity"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=redeem-quote]")
    assert focused(page) == "confirm-redeem"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{account}")

    assert "Redeemed 电影票 × 1 for 800 points." in page.locator(".messages").inner_text()
    assert in_a_thread(lambda: balances(rich).redeemable) == 5000 - 800


@pytest.fixture
def vip(db: Any) -> Any:
    reload_data_migration("servicedesk.migrations.0002_seed_entitlements", "seed")
    customer = make_customer(msisdn="13812349001", brand="gotone")
    give_level(customer, "gold")
    return customer


@pytest.mark.django_db(transaction=True)
def test_a_lounge_request_sent_again_after_back_holds_one_quota_unit(
    live_server: Any, clerk: Any, vip: Any, page: Any
) -> None:
    base = live_server.url
    form = reverse(
        "servicedesk:request_create", kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"}
    )
    log_in(page, base, "clerk", form)
    page.select_option("#id_lounge_type", "airport")
    page.select_option("#id_location", "in_province")

    send_back_and_send_again(page, "[data-testid=register]", f"{base}/desk/requests/*/")  # glob

    assert ALREADY_DONE in page.locator(".messages").inner_text()
    created = in_a_thread(lambda: list(ServiceRequest.objects.values_list("pk", "status")))
    assert len(created) == 1
    assert created[0][1] == "open"
    assert page.url == base + reverse("servicedesk:request_detail", kwargs={"pk": created[0][0]})
    reserved = in_a_thread(
        lambda: sum(UsageCounter.objects.filter(customer=vip).values_list("reserved", flat=True))
    )
    assert reserved == 1


@pytest.fixture
def person(db: Any, account_manager: Any) -> Any:
    group = make_group(group_class="A", account_manager=account_manager)
    return key_person_create(
        group=group,
        customer=make_customer(birth_date=date(1970, 1, 1)),
        role="contact",
        rank="other",
        actor=account_manager,
    )


@pytest.mark.django_db(transaction=True)
def test_a_contact_log_entry_sent_again_after_back_is_logged_once(
    live_server: Any, account_manager: Any, person: Any, page: Any
) -> None:
    base = live_server.url
    group_id = person.group_id
    form = reverse("keyaccounts:group_contact_create", args=[group_id])
    log_in(page, base, "manager", form)
    page.select_option("#id_key_person", str(person.pk))
    page.select_option("#id_channel", "visit")
    page.fill("#id_notes", "拜访，谈续约")

    detail = reverse("keyaccounts:group_detail", args=[group_id])
    send_back_and_send_again(page, "form button.primary", f"{base}{detail}")

    assert ALREADY_DONE in page.locator(".messages").inner_text()
    assert in_a_thread(lambda: ContactLog.objects.filter(key_person=person).count()) == 1
