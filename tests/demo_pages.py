"""The pages of each role's day on the small demo province: what the accessibility check
(CONV-7) opens and where the journeys start. Reads the database: call it before the
browser starts (or through ``tests.browser.in_a_thread``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.urls import reverse

from core import clock
from keyaccounts.models import KeyPerson
from membership.models import Customer, LevelGrant
from membership.selectors.levels import effective_level
from points.models import RewardItem
from servicedesk.selectors.checks import request_check
from servicedesk.selectors.standing import customer_standing


@dataclass(frozen=True)
class DemoPages:
    msisdn: str
    id_number: str
    key_person_id: int
    reward_id: int
    pages: dict[str, list[tuple[str, str]]]  # username → (name, path)


def _customer_with_points() -> tuple[Customer, int]:
    """The active customer with the most points among those a lounge visit (airport, in the
    province) is allowed for today (SERVICE-2); any with points when there is none. A few
    dozen demo rows, checked one by one through the desk's own check."""
    today = clock.today()
    held = LevelGrant.objects.filter(
        level__in=["diamond", "platinum", "gold"], valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    ranked = (
        Customer.objects.filter(status="active")
        .annotate(points=Sum("points_lots__balance"))
        .filter(points__gt=0)
        .order_by("-points", "pk")
    )
    lounge = {"lounge_type": "airport", "location": "in_province"}
    for customer in ranked.filter(pk__in=held.values("customer_id"))[:60]:
        if request_check(customer_standing(customer, today), "lounge_visit", lounge).allowed:
            return customer, int(customer.points)
    best = ranked.first()
    assert best is not None, "the demo province has a customer with points"
    return best, int(best.points)


def _key_person_to_upgrade(manager: str) -> KeyPerson:
    """A key person of the manager's groups with a level to ask for (TIER-7: above the one
    held) and no open request (a few demo rows: read one by one)."""
    today = clock.today()
    people = (
        KeyPerson.objects.filter(group__account_manager__username=manager, ended_at__isnull=True)
        .exclude(upgrade_requests__status="pending")
        .select_related("customer")
        .order_by("pk")
    )
    for person in people:
        if effective_level(person.customer, today) != "diamond":
            return person
    raise AssertionError("the demo manager looks after a key person below diamond")


def demo_pages(manager: str = "manager") -> DemoPages:
    customer, points = _customer_with_points()
    msisdn = customer.msisdn
    reward = (
        RewardItem.objects.filter(active=True, stock__gt=0, points_price__lte=points)
        .order_by("points_price", "pk")
        .first()
    )
    assert reward is not None, "the demo catalogue has a reward the customer can pay for"
    person = _key_person_to_upgrade(manager)
    redeem = reverse("points:redeem", args=[msisdn])
    return DemoPages(
        msisdn=msisdn,
        id_number=customer.id_number,
        key_person_id=person.pk,
        reward_id=reward.pk,
        pages={
            "clerk": [
                ("lookup", reverse("membership:lookup")),
                ("customer_card", reverse("membership:customer_card", args=[msisdn])),
                ("desk_card", reverse("servicedesk:desk_card", args=[msisdn])),
                (
                    "request_form",
                    reverse("servicedesk:request_create", args=[msisdn, "lounge_visit"]),
                ),
                ("redemption_form", redeem),
                (
                    "redemption_confirmation",
                    f"{redeem}?step=confirm&item={reward.pk}&quantity=1",
                ),
                ("points_account", reverse("points:account", args=[msisdn])),
            ],
            "manager": [
                ("manager_workspace", reverse("keyaccounts:manager_workspace")),
                ("key_person", reverse("keyaccounts:key_person_detail", args=[person.pk])),
                (
                    "contact_form",
                    reverse("keyaccounts:key_person_contact_create", args=[person.pk]),
                ),
                ("upgrade_form", reverse("keyaccounts:upgrade_create", args=[person.pk])),
                ("upgrade_list", reverse("keyaccounts:upgrade_list")),
            ],
            "supervisor": [
                ("supervisor_home", reverse("core:supervisor_home")),
                ("rating_preview", reverse("membership:rating_preview")),
                ("rating_changes", reverse("membership:rating_changes")),
                ("job_runs", reverse("core:job_runs")),
                ("upgrade_inbox", reverse("keyaccounts:upgrade_inbox")),
                ("club_events", reverse("servicedesk:club_event_list")),
            ],
        },
    )
