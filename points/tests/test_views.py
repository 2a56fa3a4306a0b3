"""Points screens: permission matrix of every view, the database afterwards, query counts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.idempotency import FORM_FIELD
from membership.models import Customer, Status
from points.models import Redemption, RewardItem, Transfer, TransferRecipient
from points.selectors import balances
from points.services import redemption_create, transfer_recipient_register
from points.tests.builders import earn, make_customer, make_item

# Lots are earned in years counted back from THIS_YEAR, and their expiry depends on today.
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

ALL = ("counter_clerk", "account_manager", "supervisor", "superuser")
ACTORS = ("counter_clerk", "supervisor", "superuser")
THIS_YEAR = 2026


@pytest.fixture
def customer() -> Customer:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, THIS_YEAR - 2, 3000)
    earn(customer, THIS_YEAR, 2000)
    return customer


@pytest.fixture
def recipient() -> Customer:
    return make_customer(msisdn="13900000002", joined_on=date(2018, 1, 1))


def login(client: Client, personas: dict[str, Any], persona: str) -> None:
    user = personas[persona]
    if user is not None:
        client.force_login(user)


def expect(response: Any, persona: str, allowed: tuple[str, ...], ok: int = 200) -> None:
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona in allowed:
        assert response.status_code == ok, (persona, response.status_code)
    else:
        assert response.status_code == 403, (persona, response.status_code)


PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_points_tab_is_open_to_every_staff_role(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    login(client, personas, persona)

    response = client.get(reverse("points:account", kwargs={"msisdn": customer.msisdn}))

    expect(response, persona, ALL)
    if response.status_code == 200:
        body = response.content.decode()
        assert "5,000" in body  # redeemable
        assert f"{THIS_YEAR}-12-31" in body  # the oldest lot's expiry
        shows_actions = 'data-testid="points-actions"' in body
        assert shows_actions == (persona in ACTORS)


def test_the_points_tab_of_an_unknown_number_is_404(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.get(reverse("points:account", kwargs={"msisdn": "13900000000"}))
    assert response.status_code == 404


def test_the_points_tab_filters_and_paginates_the_ledger(
    client: Client, clerk: Any, customer: Customer
) -> None:
    for month in range(1, 13):
        earn(customer, THIS_YEAR - 1, 10, month=month)
    for n in range(20):
        earn(make_customer(msisdn=f"1380000{n:04d}"), THIS_YEAR, 1)
    client.force_login(clerk)
    url = reverse("points:account", kwargs={"msisdn": customer.msisdn})

    first = client.get(url)
    filtered = client.get(url, {"year": str(THIS_YEAR - 1), "kind": "accrual"})

    assert first.context["page"].paginator.count == 14
    assert len(first.context["page"].object_list) == 14
    assert filtered.context["page"].paginator.count == 12
    paged = client.get(url, {"page": 2})
    assert paged.status_code == 200


def test_the_points_tab_runs_a_fixed_number_of_queries(
    client: Client, clerk: Any, customer: Customer
) -> None:
    client.force_login(clerk)
    url = reverse("points:account", kwargs={"msisdn": customer.msisdn})
    client.get(url)  # warm the session and the content types

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in range(1, 13):
        earn(customer, THIS_YEAR - 1, 10, month=month)
    item = make_item(points_price=10, stock=50)
    for _n in range(5):
        redemption_create(customer=customer, item=item)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_points_tab_query_count_is_pinned(
    client: Client, clerk: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    client.force_login(clerk)
    url = reverse("points:account", kwargs={"msisdn": customer.msisdn})
    client.get(url)

    # 11: the balances are one aggregate (POINTS-5) and the expiring points come from the
    # lots already read (POINTS-6), where each took two queries before.
    with django_assert_num_queries(11):
        client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_redeeming_from_the_counter(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    item = make_item(name="30元话费", points_price=3000, stock=5)
    login(client, personas, persona)
    url = reverse("points:redeem", kwargs={"msisdn": customer.msisdn})

    page = client.get(url)
    confirm = client.get(url, {"item": str(item.pk), "quantity": "1", "step": "confirm"})
    response = client.post(url, {"item": item.pk, "quantity": 1, "confirmed": "1"})

    expect(page, persona, ACTORS)
    expect(confirm, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    made = Redemption.objects.filter(customer=customer)
    if persona in ACTORS:
        assert response["Location"] == reverse("points:account", kwargs={"msisdn": "13900000001"})
        assert made.get().points == 3000
        assert balances(customer).redeemable == 2000
    else:
        assert not made.exists()
        assert balances(customer).redeemable == 5000


# --- POINTS-7 at the counter: a confirmation step (issue 17) -------------------------------------


def redeem_url(customer: Customer) -> str:
    return reverse("points:redeem", kwargs={"msisdn": customer.msisdn})


def confirmation(client: Client, customer: Customer, item: RewardItem, quantity: int = 1) -> Any:
    """The form sent: by GET, as it changes nothing, to the confirmation page."""
    return client.get(
        redeem_url(customer), {"item": str(item.pk), "quantity": str(quantity), "step": "confirm"}
    )


def test_points_7_the_confirmation_shows_the_balance_before_and_after_and_takes_nothing(
    client: Client, clerk: Any, customer: Customer
) -> None:
    """The first step only shows what the redemption would do: the reward and its points, the
    stock left, labelled, the balance before → after and the lots it takes, oldest first
    (POINTS-5); nothing is taken until the confirm button is pressed."""
    item = make_item(name="电影票", points_price=1600, stock=10)
    client.force_login(clerk)

    page = confirmation(client, customer, item, 2)

    assert page.status_code == 200
    quote = page.context["quote"]
    assert (quote.cost, quote.balance_before, quote.balance_after) == (3200, 5000, 1800)
    assert [(t.year, t.points) for t in quote.takes] == [(THIS_YEAR - 2, 3000), (THIS_YEAR, 200)]
    body = page.content.decode()
    assert "电影票 × 2" in body
    assert re.search(r"Stock</dt><dd[^>]*>10 now, 8 after this redemption</dd>", body)
    assert "5,000 points now → 1,800 points after" in body
    assert f"{THIS_YEAR}-12-31" in body  # the oldest lot's last day
    assert 'name="confirmed" value="1"' in body
    # A POST without "confirmed" (a page of the form as it was) confirms first too.
    posted = client.post(redeem_url(customer), {"item": item.pk, "quantity": 2})
    assert posted.context["quote"].balance_after == 1800
    assert not Redemption.objects.exists()
    assert balances(customer).redeemable == 5000
    assert RewardItem.objects.get(pk=item.pk).stock == 10


def test_points_7_the_confirmation_page_reads_in_chinese(clerk: Any, customer: Customer) -> None:
    """The stock is labelled 库存 N 件 and the balance before and after is in Chinese."""
    item = make_item(name="电影票", points_price=800, stock=10, category="physical")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(clerk)

    form = client.get(redeem_url(customer)).content.decode()
    page = confirmation(client, customer, item).content.decode()

    assert "电影票 · 800 积分 · 实物类 · 库存 10 件" in form
    assert re.search(r"库存</dt><dd[^>]*>10 件，兑换后剩 9 件</dd>", page)
    assert "当前 5000 积分 → 兑换后 4200 积分" in page
    assert "确认兑换" in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])  # the text, not the markup
    for english in ("Stock", "now", "points", "Confirm the redemption", "Earned in"):
        assert english not in shown


def test_points_7_only_the_gifts_the_customer_can_afford_and_in_stock_are_offered(
    client: Client, clerk: Any, customer: Customer
) -> None:
    affordable = make_item(name="电影票", points_price=5000, stock=3)
    dear = make_item(name="蓝牙耳机", points_price=5001, stock=3)
    sold_out = make_item(name="保温杯", points_price=100, stock=0)
    withdrawn = make_item(name="雨伞", points_price=100, stock=3, active=False)
    client.force_login(clerk)

    page = client.get(redeem_url(customer))

    offered = list(page.context["form"].fields["item"].queryset)
    assert offered == [affordable]
    body = page.content.decode()
    assert f"电影票 · 5000 points · {affordable.get_category_display()} · 3 in stock" in body
    for item in (dear, sold_out, withdrawn):
        assert item.name not in body


def test_points_7_a_gift_beyond_the_balance_posted_anyway_is_refused_with_a_reason(
    client: Client, clerk: Any, customer: Customer
) -> None:
    """A reward no longer within the balance (spent meanwhile, or a crafted post) is refused
    in words a clerk can read, and the quantity typed is kept."""
    make_item(points_price=100, stock=5)
    dear = make_item(points_price=6000, stock=5)
    client.force_login(clerk)

    chosen: dict[str, Any] = {"item": dear.pk, "quantity": 3}
    shown = client.get(redeem_url(customer), {**chosen, "step": "confirm"})
    confirmed = client.post(redeem_url(customer), {**chosen, "confirmed": "1"})

    for response in (shown, confirmed):
        assert response.status_code == 200
        assert response.context["quote"] is None
        body = response.content.decode()
        assert "This reward is not on offer to this customer" in body
        assert 'name="quantity" value="3"' in body
    assert not Redemption.objects.exists()
    assert RewardItem.objects.get(pk=dear.pk).stock == 5


def test_points_7_when_no_gift_is_affordable_the_page_says_so_and_offers_no_form(
    client: Client, clerk: Any
) -> None:
    poor = make_customer(msisdn="13900000009", joined_on=date(2015, 3, 15))
    earn(poor, THIS_YEAR, 99)
    make_item(points_price=100, stock=5)
    client.force_login(clerk)

    body = client.get(redeem_url(poor)).content.decode()

    assert 'data-testid="nothing-affordable"' in body
    assert "No reward in stock costs 99 points or fewer" in body
    assert 'name="item"' not in body


def test_points_7_a_rejected_form_keeps_what_was_typed_with_the_reason(
    client: Client, clerk: Any, customer: Customer
) -> None:
    """Three of a reward the balance pays once: the service's reason is shown, the reward and
    the quantity stay as typed, and no confirmation is offered."""
    item = make_item(points_price=3000, stock=5)
    client.force_login(clerk)

    shown = confirmation(client, customer, item, 3)

    assert shown.status_code == 200
    assert shown.context["quote"] is None
    body = shown.content.decode()
    assert "needs 9000 points, the redeemable balance is 5000" in body
    assert f'<option value="{item.pk}" selected>' in body
    assert 'name="quantity" value="3"' in body
    assert 'name="confirmed"' not in body
    assert not Redemption.objects.exists()
    assert RewardItem.objects.get(pk=item.pk).stock == 5


def test_points_7_change_goes_back_to_the_form_with_the_choice_kept(
    client: Client, clerk: Any, customer: Customer
) -> None:
    item = make_item(points_price=800, stock=5)
    client.force_login(clerk)
    confirm = confirmation(client, customer, item, 2)
    change = f"{redeem_url(customer)}?item={item.pk}&amp;quantity=2"
    assert change in confirm.content.decode()

    page = client.get(redeem_url(customer), {"item": str(item.pk), "quantity": "2"})

    body = page.content.decode()
    assert f'<option value="{item.pk}" selected>' in body
    assert 'name="quantity" value="2"' in body
    assert page.context["quote"] is None


def test_points_7_the_counter_can_redeem_with_the_keyboard_alone(
    client: Client, clerk: Any, customer: Customer
) -> None:
    """The first field has the focus and every input a label; the confirm page focuses its
    confirm button, so Enter on the quantity then Enter again redeems."""
    item = make_item(points_price=800, stock=5)
    client.force_login(clerk)

    form = client.get(redeem_url(customer)).content.decode()
    confirm = confirmation(client, customer, item).content.decode()

    assert '<form method="get"' in form  # Enter in the quantity sends it: it changes nothing
    assert re.search(r'<select name="item"[^>]*autofocus', form)
    assert '<label for="id_item">' in form
    assert '<label for="id_quantity">' in form
    assert re.search(r'<button type="submit" class="primary" autofocus', confirm)
    assert confirm.count("autofocus") == 1


def test_points_7_a_confirmation_sent_twice_redeems_once(
    client: Client, clerk: Any, customer: Customer
) -> None:
    """D-TRUST-1: the confirm page's one-time token; a double click (or Back and confirm
    again) sends it twice, and the second does nothing but say it was already done."""
    item = make_item(name="电影票", points_price=800, stock=10)
    client.force_login(clerk)
    page = confirmation(client, customer, item).content.decode()
    token = re.search(rf'name="{FORM_FIELD}" value="([^"]+)"', page)
    assert token
    confirm = {"item": item.pk, "quantity": 1, "confirmed": "1", FORM_FIELD: token.group(1)}

    first = client.post(redeem_url(customer), confirm)
    again = client.post(redeem_url(customer), confirm)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Redemption.objects.filter(customer=customer).count() == 1
    assert balances(customer).redeemable == 5000 - 800
    assert RewardItem.objects.get(pk=item.pk).stock == 9
    assert "Already done" in client.get(again["Location"]).content.decode()


@pytest.mark.parametrize(
    ("status", "reason", "said"),
    [
        (Status.SUSPENDED, "arrears", "frozen"),
        (Status.PRE_CANCEL, "", "frozen"),
        (Status.CANCELLED, "", "The line is cancelled"),
    ],
)
def test_points_9_points_10_a_frozen_or_cancelled_account_is_refused_up_front(
    client: Client, clerk: Any, customer: Customer, status: str, reason: str, said: str
) -> None:
    """POINTS-9 / POINTS-10: the page says why before anything is typed and offers no form;
    a post (from a page opened before) redeems nothing either."""
    item = make_item(points_price=10, stock=5)
    Customer.objects.filter(pk=customer.pk).update(status=status, suspension_reason=reason)
    client.force_login(clerk)

    page = client.get(redeem_url(customer))
    posted = client.post(redeem_url(customer), {"item": item.pk, "quantity": 1, "confirmed": "1"})

    for response in (page, posted):
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="redeem-refused"' in body
        assert said in body
        assert "<form" not in body.split('data-testid="redeem"')[1]
    assert not Redemption.objects.exists()
    assert RewardItem.objects.get(pk=item.pk).stock == 5


@pytest.mark.parametrize("persona", PERSONAS)
def test_cancelling_a_redemption_asks_first_then_returns_the_points(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    redemption = redemption_create(customer=customer, item=make_item(points_price=4000, stock=1))
    login(client, personas, persona)
    url = reverse(
        "points:redemption_cancel", kwargs={"msisdn": customer.msisdn, "pk": redemption.pk}
    )

    page = client.get(url)
    response = client.post(url, {"note": "wrong colour"})

    expect(page, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    redemption.refresh_from_db()
    if persona in ACTORS:
        assert 'data-confirm="' in page.content.decode()
        assert redemption.status == Redemption.Status.CANCELLED
        assert balances(customer).redeemable == 5000
    else:
        assert redemption.status == Redemption.Status.REQUESTED
        assert balances(customer).redeemable == 1000


def test_a_redemption_of_another_line_is_404(
    client: Client, clerk: Any, customer: Customer, recipient: Customer
) -> None:
    redemption = redemption_create(customer=customer, item=make_item(points_price=10))
    client.force_login(clerk)

    response = client.get(
        reverse(
            "points:redemption_cancel", kwargs={"msisdn": recipient.msisdn, "pk": redemption.pk}
        )
    )

    assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_marking_a_redemption_fulfilled(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    redemption = redemption_create(customer=customer, item=make_item(points_price=10))
    login(client, personas, persona)
    url = reverse(
        "points:redemption_fulfil", kwargs={"msisdn": customer.msisdn, "pk": redemption.pk}
    )

    response = client.post(url)

    expect(response, persona, ACTORS, ok=302)
    redemption.refresh_from_db()
    expected = "fulfilled" if persona in ACTORS else "requested"
    assert redemption.status == expected
    if persona in ACTORS:
        assert client.get(url).status_code == 405  # POST only


@pytest.mark.parametrize("persona", PERSONAS)
def test_registering_a_recipient(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer, recipient: Customer
) -> None:
    login(client, personas, persona)
    url = reverse("points:recipients", kwargs={"msisdn": customer.msisdn})

    page = client.get(url)
    response = client.post(url, {"msisdn": "139 0000 0002"})

    expect(page, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    registered = TransferRecipient.objects.filter(sender=customer, recipient=recipient)
    assert registered.exists() == (persona in ACTORS)


def test_registering_an_unknown_number_says_so(
    client: Client, clerk: Any, customer: Customer
) -> None:
    client.force_login(clerk)
    response = client.post(
        reverse("points:recipients", kwargs={"msisdn": customer.msisdn}), {"msisdn": "13912345678"}
    )
    assert "No customer has the number 13912345678" in response.content.decode()
    assert not TransferRecipient.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_removing_a_recipient_asks_first(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer, recipient: Customer
) -> None:
    registration = transfer_recipient_register(sender=customer, recipient=recipient)
    login(client, personas, persona)
    url = reverse(
        "points:recipient_remove", kwargs={"msisdn": customer.msisdn, "pk": registration.pk}
    )

    page = client.get(url)
    response = client.post(url)

    expect(page, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    assert TransferRecipient.objects.exists() == (persona not in ACTORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_transferring_points_from_the_counter(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer, recipient: Customer
) -> None:
    registration = transfer_recipient_register(sender=customer, recipient=recipient)
    login(client, personas, persona)
    url = reverse("points:transfer", kwargs={"msisdn": customer.msisdn})

    page = client.get(url)
    response = client.post(url, {"recipient": registration.pk, "points": 3500})

    expect(page, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    if persona in ACTORS:
        transfer = Transfer.objects.get()
        assert (transfer.sender, transfer.recipient, transfer.points) == (
            customer,
            recipient,
            3500,
        )
        assert balances(recipient).redeemable == 3500
    else:
        assert not Transfer.objects.exists()
        assert balances(customer).redeemable == 5000


def test_a_refused_transfer_shows_the_reason(
    client: Client, clerk: Any, customer: Customer, recipient: Customer
) -> None:
    registration = transfer_recipient_register(sender=customer, recipient=recipient)
    client.force_login(clerk)

    response = client.post(
        reverse("points:transfer", kwargs={"msisdn": customer.msisdn}),
        {"recipient": registration.pk, "points": 5001},
    )

    assert "Not enough points" in response.content.decode()
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_overview_is_for_supervisors(
    client: Client, personas: dict[str, Any], persona: str, customer: Customer
) -> None:
    redemption_create(customer=customer, item=make_item(points_price=500))
    login(client, personas, persona)

    response = client.get(reverse("points:overview"))

    expect(response, persona, ("supervisor", "superuser"))
    if response.status_code == 200:
        overview = response.context["overview"]
        assert overview.outstanding == 4500
        assert overview.expiring_points == 2500  # the rest of the lot of two years ago
        this_month = overview.months[-1]
        assert (this_month.redeemed, this_month.redemptions) == (500, 1)


def test_the_overview_runs_a_fixed_number_of_queries(
    client: Client, supervisor: Any, customer: Customer, django_assert_num_queries: Any
) -> None:
    for n in range(10):
        other = make_customer(msisdn=f"1370000{n:04d}")
        earn(other, THIS_YEAR - 3 + n % 4, 100)
    client.force_login(supervisor)
    client.get(reverse("points:overview"))

    # 10: FIN-1 adds the ledger's total (the check against the lots), the valuation rates
    # and the redemptions per month, counted on their own table.
    with django_assert_num_queries(10):
        client.get(reverse("points:overview"))


def test_the_customer_card_shows_the_points_panel(
    client: Client, clerk: Any, customer: Customer
) -> None:
    client.force_login(clerk)

    response = client.get(reverse("membership:customer_card", kwargs={"msisdn": customer.msisdn}))

    body = response.content.decode()
    assert 'data-testid="points-panel"' in body
    assert reverse("points:account", kwargs={"msisdn": customer.msisdn}) in body
