"""Points screens: permission matrix of every view, the database afterwards, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
    response = client.post(url, {"item": item.pk, "quantity": 1})

    expect(page, persona, ACTORS)
    expect(response, persona, ACTORS, ok=302)
    made = Redemption.objects.filter(customer=customer)
    if persona in ACTORS:
        assert response["Location"] == reverse("points:account", kwargs={"msisdn": "13900000001"})
        assert made.get().points == 3000
        assert balances(customer).redeemable == 2000
    else:
        assert not made.exists()
        assert balances(customer).redeemable == 5000


def test_a_refused_redemption_shows_the_reason_and_writes_nothing(
    client: Client, clerk: Any, customer: Customer
) -> None:
    item = make_item(points_price=6000, stock=5)
    client.force_login(clerk)

    response = client.post(
        reverse("points:redeem", kwargs={"msisdn": customer.msisdn}),
        {"item": item.pk, "quantity": 1},
    )

    assert response.status_code == 200
    assert "needs 6000 points, the redeemable balance is 5000" in response.content.decode()
    assert not Redemption.objects.exists()
    assert RewardItem.objects.get(pk=item.pk).stock == 5


def test_a_frozen_account_is_refused_at_the_counter(
    client: Client, clerk: Any, customer: Customer
) -> None:
    Customer.objects.filter(pk=customer.pk).update(
        status=Status.SUSPENDED, suspension_reason="arrears"
    )
    item = make_item(points_price=10, stock=5)
    client.force_login(clerk)

    response = client.post(
        reverse("points:redeem", kwargs={"msisdn": customer.msisdn}),
        {"item": item.pk, "quantity": 1},
    )

    assert "frozen" in response.content.decode()
    assert not Redemption.objects.exists()


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
