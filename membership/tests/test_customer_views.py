"""The counter lookup, the customer card with its why-panel, and the rating screens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import GrantSource, LevelGrant, RatingRun
from membership.selectors.why import level_explanation
from membership.services.grants import grant_create
from membership.services.rating import GoToneAnnualPolicy
from tests.builders import make_bill, make_customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["13900000001", "139 0000 0001", "+86 139-0000-0001", "008613900000001"]
)
def test_cust_1_lookup_tolerates_spaces_and_the_86_prefix(
    client: Client, clerk: Any, typed: str
) -> None:
    make_customer(msisdn="13900000001")
    client.force_login(clerk)
    response = client.get(reverse("membership:lookup"), {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("membership:customer_card", args=["13900000001"])


@pytest.mark.parametrize("typed", ["1290000000", "12900000001", "1390000000a", "139000000012"])
def test_cust_1_lookup_rejects_a_non_msisdn_and_keeps_what_was_typed(
    client: Client, clerk: Any, typed: str
) -> None:
    client.force_login(clerk)
    response = client.get(reverse("membership:lookup"), {"q": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert f'value="{typed}"' in response.content.decode()


def test_lookup_of_an_unknown_number_says_so(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    response = client.get(reverse("membership:lookup"), {"q": "13900000009"}, follow=True)
    assert "13900000009" in response.content.decode()
    assert response.status_code == 200


def test_the_card_shows_level_why_and_masked_identity(client: Client, clerk: Any) -> None:
    customer = make_customer(
        msisdn="13900000001",
        name="张三丰",
        id_number="320102198001011234",
        joined_on=date(2012, 1, 1),
    )
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
        reason="rated",
    )
    client.force_login(clerk)
    response = client.get(
        reverse("membership:customer_card", args=["13900000001"]), {"on": "2026-06-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="why-panel"' in body
    assert "level-gold" in body
    assert "320102198001011234" not in body  # CUST-8
    assert "张三丰" not in body
    assert response.context["why"].level == "gold"


def test_the_card_of_an_unknown_number_is_a_404(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    assert client.get(reverse("membership:customer_card", args=["13900000009"])).status_code == 404


def test_why_panel_shows_the_winning_grant_and_what_the_next_rating_needs() -> None:
    customer = make_customer(joined_on=date(2020, 6, 1))  # 6 years on 31 Dec 2026 → 200
    grant_create(
        customer=customer,
        level="silver",
        source=GrantSource.ANNUAL,
        valid_from=date(2026, 2, 1),
        valid_until=date(2027, 1, 31),
    )
    grant_create(
        customer=customer, level="gold", source=GrantSource.PLAN, valid_from=date(2026, 3, 1)
    )
    make_bill(customer=customer, month=date(2025, 5, 1), total=Decimal("900.50"))
    make_bill(customer=customer, month=date(2026, 1, 1), total=Decimal("1000.00"))
    why = level_explanation(customer, date(2026, 6, 15))
    assert why.level == "gold"
    assert why.winner is not None
    assert why.winner.source == "plan"  # TIER-2: the highest wins
    assert [g.level for g in why.grants] == ["gold", "silver"]
    assert why.last_rating is not None
    assert (why.last_rating.year, why.last_rating.consumption, why.last_rating.tenure_points) == (
        2025,
        900,
        200,
    )
    assert why.this_year is not None
    assert why.this_year.score == 1200
    missing = {t["level"]: t["missing"] for t in why.this_year.targets}
    assert missing == {"diamond": 2800, "platinum": 1800, "gold": 800, "silver": 0, "guest": 0}


def test_tier_2_a_grant_ending_today_still_counts_today() -> None:
    customer = make_customer()
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.UPGRADE,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 6, 15),
    )
    assert level_explanation(customer, date(2026, 6, 15)).level == "gold"
    assert level_explanation(customer, date(2026, 6, 16)).level is None


def test_supervisor_previews_then_commits_a_rating(client: Client, supervisor: Any) -> None:
    customer = make_customer(joined_on=date(2012, 1, 1))
    make_bill(customer=customer, month=date(2024, 5, 1), total=Decimal("3700"))
    client.force_login(supervisor)
    response = client.post(reverse("membership:rating_preview"), {"year": "2024"})
    assert response.status_code == 200
    assert response.context["preview"].per_level["diamond"] == 1
    assert not LevelGrant.objects.exists()
    refused = client.post(reverse("membership:rating_commit"), {"year": "2024"})
    assert refused.status_code == 302
    assert not LevelGrant.objects.exists()  # no confirmation, nothing written
    client.post(reverse("membership:rating_commit"), {"year": "2024", "confirm": "on"})
    assert LevelGrant.objects.get().level == "diamond"
    run = RatingRun.objects.get(state="committed")
    assert run.committed_by == supervisor
    again = client.post(
        reverse("membership:rating_commit"), {"year": "2024", "confirm": "on"}, follow=True
    )
    assert LevelGrant.objects.count() == 1
    assert "already committed" in again.content.decode()


def test_rating_of_a_year_not_ended_is_refused(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.post(reverse("membership:rating_preview"), {"year": "2099"})
    assert response.context["form"].errors["year"]
    assert not RatingRun.objects.exists()


def test_rating_runs_list_shows_history(
    client: Client, supervisor: Any, django_assert_max_num_queries: Any
) -> None:
    for year in range(2015, 2025):
        GoToneAnnualPolicy().preview(period=str(year), actor=supervisor)
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("membership:rating_runs"))
    assert len(response.context["page"].object_list) == 10


def test_the_card_offers_only_the_actions_the_role_may_take(
    client: Client, clerk: Any, account_manager: Any
) -> None:
    make_customer(msisdn="13900000001")
    url = reverse("membership:customer_card", args=["13900000001"])
    client.force_login(clerk)
    clerk_actions = {a["url"] for a in client.get(url).context["actions"]}
    assert reverse("membership:customer_status", args=["13900000001"]) in clerk_actions
    assert reverse("membership:customer_move", args=["13900000001"]) not in clerk_actions
    client.force_login(account_manager)
    manager_actions = {a["url"] for a in client.get(url).context["actions"]}
    assert manager_actions == {reverse("membership:customer_credit", args=["13900000001"])}


def test_cust_8_a_supervisor_may_reveal_identity_on_request_a_clerk_may_not(
    client: Client, clerk: Any, supervisor: Any
) -> None:
    make_customer(msisdn="13900000001", id_number="320102198001011234")
    url = reverse("membership:customer_card", args=["13900000001"])
    client.force_login(clerk)
    assert "320102198001011234" not in client.get(url, {"reveal": "1"}).content.decode()
    client.force_login(supervisor)
    assert "320102198001011234" not in client.get(url).content.decode()
    assert "320102198001011234" in client.get(url, {"reveal": "1"}).content.decode()


def test_level_badges_show_the_level_name_not_its_code() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("membership/partials/level_badge.html", {"level": "gold"})
    assert "Gold 金卡" in html
    assert "level-gold" in html
