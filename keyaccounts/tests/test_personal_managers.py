"""SERVICE-8: personal account managers 专属客户经理 of VIP customers — eligibility, the
supervisor's assignment and portfolio moves (history kept, one current row), the manager's
workspace (their own customers only, five-star flagged) and the supervisors-only pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core.errors import DomainError
from core.idempotency import FORM_FIELD
from keyaccounts.access import personal_customers_visible_to
from keyaccounts.models import PersonalManager
from keyaccounts.selectors.personal import (
    eligible_customers,
    eligible_without_manager,
    manager_portfolios,
)
from keyaccounts.services.personal import personal_manager_assign, personal_manager_rebalance
from membership.models import Customer, GrantSource, LevelGrant, Status
from membership.services.grants import grant_create
from tests.builders import make_customer, make_group
from tests.factories import CreditRatingFactory, KeyPersonFactory
from tests.test_idempotent_forms import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

TODAY = date(2026, 11, 25)


def vip(level: str = "gold", *, until: date | None = None, **kwargs: Any) -> Customer:
    customer = make_customer(**kwargs)
    grant_create(
        customer=customer,
        level=level,
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 1, 1),
        valid_until=until,
    )
    return customer


def five_star(**kwargs: Any) -> Customer:
    customer = make_customer(**kwargs)
    CreditRatingFactory(customer=customer, month=date(2026, 10, 1), score=520, stars=5)
    return customer


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---- eligibility ----


def test_service_8_diamond_platinum_gold_and_five_star_customers_are_eligible() -> None:
    diamond, platinum, gold = vip("diamond"), vip("platinum"), vip("gold")
    stars = five_star()
    silver, guest = vip("silver"), vip("guest")
    four_stars = make_customer()
    CreditRatingFactory(customer=four_stars, month=date(2026, 10, 1), score=450, stars=4)
    nobody = make_customer()

    eligible = set(eligible_customers(TODAY).values_list("pk", flat=True))

    assert eligible == {diamond.pk, platinum.pk, gold.pk, stars.pk}
    assert not {silver.pk, guest.pk, four_stars.pk, nobody.pk} & eligible


def test_service_8_eligibility_is_the_effective_level_of_today() -> None:
    expired = vip("diamond", until=TODAY - timedelta(days=1))
    later = make_customer()
    grant_create(
        customer=later, level="gold", source=GrantSource.UPGRADE, valid_from=TODAY + timedelta(1)
    )
    # an older five-star rating does not count once a newer month gives fewer stars
    was_five = five_star()
    CreditRatingFactory(customer=was_five, month=date(2026, 11, 1), score=420, stars=4)
    cancelled = vip("gold", status=Status.CANCELLED)

    assert not eligible_customers(TODAY).filter(
        pk__in=[expired.pk, later.pk, was_five.pk, cancelled.pk]
    )


def test_service_8_the_list_without_a_manager_leaves_out_the_assigned(
    supervisor: Any, account_manager: Any
) -> None:
    assigned, waiting = vip("gold", msisdn="13900000001"), vip("diamond", msisdn="13900000002")
    personal_manager_assign(customer=assigned, manager=account_manager, actor=supervisor)

    assert list(eligible_without_manager(TODAY)) == [waiting]
    assert list(eligible_without_manager(TODAY, q="139000000")) == [waiting]
    assert list(eligible_without_manager(TODAY, q="138")) == []


# ---- assignment ----


def test_service_8_a_supervisor_assigns_and_the_row_says_who_and_since_when(
    supervisor: Any, account_manager: Any
) -> None:
    customer = vip("platinum")

    row = personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)

    assert (row.customer, row.manager, row.assigned_by) == (customer, account_manager, supervisor)
    assert row.started_on == TODAY
    assert row.ended_on is None
    assert row.reason == PersonalManager.Reason.ASSIGN


def test_service_8_it_refuses_an_ineligible_customer(supervisor: Any, account_manager: Any) -> None:
    customer = vip("silver")
    with pytest.raises(DomainError, match="may not have a personal account manager"):
        personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    assert not PersonalManager.objects.exists()


def test_service_8_it_refuses_a_user_who_is_not_an_account_manager(
    supervisor: Any, clerk: Any
) -> None:
    with pytest.raises(DomainError, match="is not an account manager"):
        personal_manager_assign(customer=vip(), manager=clerk, actor=supervisor)
    with pytest.raises(DomainError, match="is not an account manager"):
        personal_manager_assign(customer=vip(), manager=supervisor, actor=supervisor)
    assert not PersonalManager.objects.exists()


def test_service_8_only_a_supervisor_may_assign(
    account_manager: Any, other_account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="Only a supervisor") as caught:
        personal_manager_assign(
            customer=vip(), manager=other_account_manager, actor=account_manager
        )
    assert caught.value.code == "forbidden"
    assert not PersonalManager.objects.exists()


def test_service_8_reassigning_keeps_the_history_and_one_current_row(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    customer = vip("gold")
    first = personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    second = personal_manager_assign(
        customer=customer, manager=other_account_manager, actor=supervisor
    )

    first.refresh_from_db()
    assert (first.ended_on, first.ended_by) == (TODAY, supervisor)
    assert first.ended_at is not None
    assert second.ended_on is None
    assert list(
        PersonalManager.objects.filter(customer=customer)
        .order_by("id")
        .values_list("manager", "ended_on")
    ) == [(account_manager.pk, TODAY), (other_account_manager.pk, None)]
    with pytest.raises(DomainError, match="already the personal account manager"):
        personal_manager_assign(customer=customer, manager=other_account_manager, actor=supervisor)


def test_service_8_the_database_allows_one_current_row_per_customer(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    row = personal_manager_assign(customer=vip(), manager=account_manager, actor=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalManager.objects.create(
            customer=row.customer,
            manager=other_account_manager,
            started_on=TODAY,
            reason="assign",
            assigned_at=row.assigned_at,
            assigned_by=supervisor,
        )


# ---- rebalance ----


@pytest.fixture
def portfolio(supervisor: Any, account_manager: Any) -> list[Customer]:
    customers = [vip("gold", msisdn=f"1390000000{n}") for n in range(5)]
    for customer in customers:
        personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    return customers


def test_service_8_rebalance_moves_exactly_the_chosen_customers(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    chosen = [portfolio[1], portfolio[3]]
    moved = personal_manager_rebalance(
        from_manager=account_manager,
        to_manager=other_account_manager,
        customers=chosen,
        actor=supervisor,
    )

    assert {r.customer_id for r in moved} == {c.pk for c in chosen}
    current = dict(
        PersonalManager.objects.filter(ended_on__isnull=True).values_list("customer", "manager")
    )
    assert current == {
        c.pk: (other_account_manager.pk if c in chosen else account_manager.pk) for c in portfolio
    }
    ended = PersonalManager.objects.filter(ended_on__isnull=False)
    assert {r.customer_id for r in ended} == {c.pk for c in chosen}
    assert {r.ended_by_id for r in ended} == {supervisor.pk}
    assert {r.reason for r in moved} == {PersonalManager.Reason.REBALANCE}


def test_service_8_rebalance_of_a_count_moves_the_first_by_number(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    moved = personal_manager_rebalance(
        from_manager=account_manager, to_manager=other_account_manager, count=2, actor=supervisor
    )
    assert sorted(r.customer_id for r in moved) == [portfolio[0].pk, portfolio[1].pk]
    assert PersonalManager.objects.filter(manager=account_manager, ended_on=None).count() == 3


def test_service_8_rebalance_refuses_a_customer_of_someone_else_and_moves_nothing(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    stranger = vip("gold", msisdn="13800000000")
    with pytest.raises(DomainError, match="13800000000"):
        personal_manager_rebalance(
            from_manager=account_manager,
            to_manager=other_account_manager,
            customers=[portfolio[0], stranger],
            actor=supervisor,
        )
    with pytest.raises(DomainError, match="cannot be moved"):
        personal_manager_rebalance(
            from_manager=account_manager,
            to_manager=other_account_manager,
            count=6,
            actor=supervisor,
        )
    with pytest.raises(DomainError, match="Only a supervisor"):
        personal_manager_rebalance(
            from_manager=account_manager,
            to_manager=other_account_manager,
            count=1,
            actor=account_manager,
        )
    assert not PersonalManager.objects.filter(manager=other_account_manager).exists()
    assert not PersonalManager.objects.filter(ended_on__isnull=False).exists()


def test_service_8_the_portfolio_counts_vip_customers_lost_ones_and_key_persons(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    group = make_group(account_manager=other_account_manager)
    KeyPersonFactory(group=group)
    lost = portfolio[0]
    LevelGrant.objects.filter(customer=lost).update(valid_until=TODAY - timedelta(days=1))

    rows = {m.pk: m for m in manager_portfolios(TODAY)}

    assert (rows[account_manager.pk].vip_count, rows[account_manager.pk].lost_count) == (5, 1)
    assert rows[account_manager.pk].key_person_count == 0
    assert (
        rows[other_account_manager.pk].vip_count,
        rows[other_account_manager.pk].lost_count,
    ) == (
        0,
        0,
    )
    assert rows[other_account_manager.pk].key_person_count == 1


# ---- object access and the workspace ----


def test_service_8_a_manager_sees_only_their_own_personal_customers(
    supervisor: Any, account_manager: Any, other_account_manager: Any, clerk: Any
) -> None:
    mine = personal_manager_assign(customer=vip(), manager=account_manager, actor=supervisor)
    theirs = personal_manager_assign(
        customer=vip(), manager=other_account_manager, actor=supervisor
    )
    assert list(personal_customers_visible_to(account_manager)) == [mine]
    assert set(personal_customers_visible_to(supervisor)) == {mine, theirs}
    assert not personal_customers_visible_to(clerk).exists()


def test_service_8_the_workspace_shows_my_vip_customers_unmasked_and_five_stars_flagged(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    gold = vip("gold", msisdn="13900000011", name="王小明")
    stars = five_star(msisdn="13900000012", name="李大伟")
    other = vip("diamond", msisdn="13900000013", name="赵六")
    for customer in (gold, stars):
        personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    personal_manager_assign(customer=other, manager=other_account_manager, actor=supervisor)

    response = login(account_manager).get(reverse("keyaccounts:manager_workspace"))

    assert response.status_code == 200
    rows = list(response.context["vip_customers"])
    assert [r.customer for r in rows] == [stars, gold]  # five-star first
    assert response.context["vip_total"] == 2
    body = response.content.decode()
    assert 'data-testid="my-vip-customers"' in body
    assert "13900000011" in body
    assert "13900000012" in body
    assert "13900000013" not in body  # another manager's customer
    # D-CUST-13 (amends CUST-8): the manager's own personal customer, in full
    assert "王小明" in body
    assert body.count('data-testid="home-visits"') == 1


def test_service_8_a_customer_who_lost_eligibility_is_kept_and_flagged(
    supervisor: Any, account_manager: Any
) -> None:
    customer = vip("gold", until=TODAY + timedelta(days=30))
    personal_manager_assign(customer=customer, manager=account_manager, actor=supervisor)
    LevelGrant.objects.filter(customer=customer).update(valid_until=TODAY - timedelta(days=1))

    response = login(account_manager).get(reverse("keyaccounts:manager_workspace"))

    assert [r.customer for r in response.context["vip_customers"]] == [customer]
    assert 'data-testid="no-longer-eligible"' in response.content.decode()
    assert PersonalManager.objects.get(customer=customer).ended_on is None


# ---- the supervisors' pages ----

PAGES = ("keyaccounts:vip_portfolio", "keyaccounts:vip_assign", "keyaccounts:vip_rebalance")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("counter_clerk", 403),
        ("account_manager", 403),
        ("outsider", 403),
        ("supervisor", 200),
        ("superuser", 200),
    ],
)
def test_service_8_the_pages_are_for_supervisors_only(
    name: str, persona: str, expected: int, personas: dict[str, Any]
) -> None:
    user = personas[persona]
    client = login(user) if user is not None else Client()
    response = client.get(reverse(name))
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response["Location"]


def test_service_8_a_manager_cannot_post_an_assignment(
    account_manager: Any, other_account_manager: Any
) -> None:
    customer = vip()
    response = login(account_manager).post(
        reverse("keyaccounts:vip_assign"),
        {"customer": customer.msisdn, "manager": other_account_manager.pk, "confirmed": "1"},
    )
    assert response.status_code == 403
    assert not PersonalManager.objects.exists()


def test_service_8_the_portfolio_page_lists_the_waiting_customers(
    supervisor: Any, account_manager: Any
) -> None:
    waiting = vip("gold", msisdn="13900000021")
    vip("silver", msisdn="13900000022")
    response = login(supervisor).get(reverse("keyaccounts:vip_portfolio"))
    assert list(response.context["page"]) == [waiting]
    assert [m.pk for m in response.context["managers"]] == [account_manager.pk]
    searched = login(supervisor).get(reverse("keyaccounts:vip_portfolio"), {"q": "13800"})
    assert list(searched.context["page"]) == []


def test_service_8_assigning_through_the_page_asks_for_confirmation_first(
    supervisor: Any, account_manager: Any
) -> None:
    customer = vip("diamond")
    client = login(supervisor)
    data = {"customer": customer.msisdn, "manager": account_manager.pk}
    first = client.post(reverse("keyaccounts:vip_assign"), data)
    assert first.status_code == 200
    assert first.context["confirming"]
    assert not PersonalManager.objects.exists()

    done = client.post(reverse("keyaccounts:vip_assign"), {**data, "confirmed": "1"})

    assert done.status_code == 302
    row = PersonalManager.objects.get()
    assert (row.customer, row.manager, row.assigned_by) == (customer, account_manager, supervisor)


def test_service_8_the_page_shows_the_refusal_of_an_ineligible_customer(
    supervisor: Any, account_manager: Any
) -> None:
    customer = vip("guest")
    response = login(supervisor).post(
        reverse("keyaccounts:vip_assign"),
        {"customer": customer.msisdn, "manager": account_manager.pk, "confirmed": "1"},
    )
    assert response.status_code == 200
    assert "may not have a personal account manager" in response.content.decode()
    assert not PersonalManager.objects.exists()


def test_service_8_moving_selected_customers_through_the_page(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    client = login(supervisor)
    data = {
        "from_manager": account_manager.pk,
        "to_manager": other_account_manager.pk,
        "numbers": f"{portfolio[2].msisdn}\n{portfolio[4].msisdn}",
    }
    first = client.post(reverse("keyaccounts:vip_rebalance"), data)
    assert first.status_code == 200
    assert [r.customer for r in first.context["moving"]] == [portfolio[2], portfolio[4]]
    assert not PersonalManager.objects.filter(manager=other_account_manager).exists()

    confirm = {
        "from_manager": account_manager.pk,
        "to_manager": other_account_manager.pk,
        "numbers": f"{portfolio[2].msisdn},{portfolio[4].msisdn}",
        "confirmed": "1",
    }
    assert client.post(reverse("keyaccounts:vip_rebalance"), confirm).status_code == 302
    moved = PersonalManager.objects.filter(manager=other_account_manager, ended_on=None)
    assert {r.customer_id for r in moved} == {portfolio[2].pk, portfolio[4].pk}


def test_service_8_a_move_of_n_customers_sent_twice_moves_n_once(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    """D-TRUST-1: Back and submit again on the confirmation does not move N more."""
    client = login(supervisor)
    data = {
        "from_manager": account_manager.pk,
        "to_manager": other_account_manager.pk,
        "count": 2,
    }
    page = client.post(reverse("keyaccounts:vip_rebalance"), data)
    found = TOKEN.search(page.content.decode())
    assert found, "no token on the confirmation page"
    token = found.group(1)
    confirm = {**data, "confirmed": "1", FORM_FIELD: token}
    assert client.post(reverse("keyaccounts:vip_rebalance"), confirm).status_code == 302
    assert client.post(reverse("keyaccounts:vip_rebalance"), confirm).status_code == 302
    moved = PersonalManager.objects.filter(manager=other_account_manager, ended_on=None)
    assert moved.count() == 2


def test_service_8_moving_needs_a_count_or_numbers(
    supervisor: Any, account_manager: Any, other_account_manager: Any
) -> None:
    response = login(supervisor).post(
        reverse("keyaccounts:vip_rebalance"),
        {"from_manager": account_manager.pk, "to_manager": other_account_manager.pk},
    )
    assert response.status_code == 200
    assert "either how many" in response.content.decode()


def test_service_8_the_move_page_says_before_confirming_when_a_number_is_not_theirs(
    supervisor: Any, account_manager: Any, other_account_manager: Any, portfolio: list[Customer]
) -> None:
    stranger = vip("gold", msisdn="13800000000")
    response = login(supervisor).post(
        reverse("keyaccounts:vip_rebalance"),
        {
            "from_manager": account_manager.pk,
            "to_manager": other_account_manager.pk,
            "numbers": f"{portfolio[0].msisdn},{stranger.msisdn}",
        },
    )
    assert response.status_code == 200
    assert not response.context["confirming"]
    assert "Only 1 of the 2 customers" in response.content.decode()
    assert not PersonalManager.objects.filter(manager=other_account_manager).exists()
