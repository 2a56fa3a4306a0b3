"""D-TRUST-1 on every form that creates something: the page carries a one-time token, and
sending the same token twice (the browser's Back button and submit again) creates one
record; the second answer redirects to the first's result and says it was already done."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.idempotency import FORM_FIELD
from core.models import IdempotencyKey
from keyaccounts.models import ContactLog, GroupCustomer, GroupMember, KeyPerson, UpgradeRequest
from keyaccounts.services.groups import key_person_create
from membership.models import ImportRun
from plans.models import Subscription
from plans.tests.conftest import customer_in, plan
from points.models import Redemption, Transfer, TransferRecipient
from points.selectors import balances
from points.services import transfer_recipient_register
from points.tests.builders import earn, make_item
from servicedesk.models import ServiceRequest, Ticket, UsageCounter
from servicedesk.services.queue import ticket_issue
from servicedesk.tests.conftest import give_level
from tests.builders import make_customer, make_group, make_hall

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

TOKEN = re.compile(rf'name="{FORM_FIELD}" value="([^"]+)"')
ALREADY_DONE = "Already done: this form was submitted before, so nothing was done again."


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def tokens_on(client: Client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200
    found = TOKEN.findall(page.content.decode())
    assert found, f"no {FORM_FIELD} on {url}"
    return found


def post_twice(
    client: Client, url: str, data: dict[str, Any], *, page: str | None = None, index: int = 0
) -> tuple[Any, Any]:
    """Open the form's page, send the form and see its result, then send the very same form
    again (what the browser's Back button and a second submit do)."""
    token = tokens_on(client, page or url)[index]
    first = client.post(url, {**data, FORM_FIELD: token})
    if first.status_code == 302:
        client.get(first["Location"])  # the first result, with its message
    again = client.post(url, {**data, FORM_FIELD: token})
    return first, again


def assert_replayed(client: Client, first: Any, again: Any, *, said: str = "") -> None:
    """The second answer goes where the first went and says it was already done (with what
    the first said)."""
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    shown = client.get(again["Location"])
    messages = [str(message) for message in shown.context["messages"]]
    assert len(messages) == 1, messages
    assert messages[0].startswith(ALREADY_DONE)
    assert said in messages[0]
    assert ALREADY_DONE in shown.content.decode()


# --- points -------------------------------------------------------------------------------------


@pytest.fixture
def rich() -> Any:
    customer = make_customer(msisdn="13900000001", joined_on=date(2015, 3, 15))
    earn(customer, 2024, 3000)
    earn(customer, 2026, 2000)
    return customer


def test_a_redemption_sent_twice_is_made_once_and_the_points_taken_once(
    clerk: Any, rich: Any
) -> None:
    client = login(clerk)
    item = make_item(name="电影票", points_price=800, stock=10)
    url = reverse("points:redeem", kwargs={"msisdn": rich.msisdn})
    chosen: dict[str, Any] = {"item": item.pk, "quantity": 1}
    confirm_page = client.get(url, {**chosen, "step": "confirm"})  # POINTS-7: it has the token
    token = TOKEN.findall(confirm_page.content.decode())[0]
    confirmed = {**chosen, "confirmed": "1", FORM_FIELD: token}

    first = client.post(url, confirmed)
    client.get(first["Location"])
    again = client.post(url, confirmed)

    assert Redemption.objects.filter(customer=rich).count() == 1
    assert balances(rich).redeemable == 5000 - 800
    item.refresh_from_db()
    assert item.stock == 9
    assert_replayed(client, first, again, said="Redeemed 电影票 × 1 for 800 points.")


def test_a_transfer_sent_twice_moves_the_points_once(clerk: Any, rich: Any) -> None:
    recipient = make_customer(msisdn="13900000002", joined_on=date(2018, 1, 1))
    registration = transfer_recipient_register(sender=rich, recipient=recipient)
    client = login(clerk)
    url = reverse("points:transfer", kwargs={"msisdn": rich.msisdn})

    first, again = post_twice(client, url, {"recipient": registration.pk, "points": 1500})

    assert Transfer.objects.count() == 1
    assert balances(recipient).redeemable == 1500
    assert balances(rich).redeemable == 3500
    assert_replayed(client, first, again, said="1500 points transferred to 13900000002.")


def test_a_recipient_registered_twice_is_registered_once_without_an_error(
    clerk: Any, rich: Any
) -> None:
    make_customer(msisdn="13900000002", joined_on=date(2018, 1, 1))
    client = login(clerk)
    url = reverse("points:recipients", kwargs={"msisdn": rich.msisdn})

    first, again = post_twice(client, url, {"msisdn": "13900000002"})

    assert TransferRecipient.objects.count() == 1
    assert_replayed(client, first, again, said="13900000002 registered as a recipient.")


# --- servicedesk --------------------------------------------------------------------------------


def test_a_lounge_request_sent_twice_holds_one_quota_unit(clerk: Any) -> None:
    vip = make_customer(msisdn="13812349001", brand="gotone")
    give_level(vip, "gold")
    client = login(clerk)
    url = reverse(
        "servicedesk:request_create", kwargs={"msisdn": vip.msisdn, "kind": "lounge_visit"}
    )

    first, again = post_twice(client, url, {"lounge_type": "airport", "location": "in_province"})

    created = ServiceRequest.objects.get()
    assert (created.status, created.reservation) == ("open", "reserved")
    assert sum(UsageCounter.objects.filter(customer=vip).values_list("reserved", flat=True)) == 1
    assert first["Location"] == reverse("servicedesk:request_detail", kwargs={"pk": created.pk})
    assert_replayed(client, first, again, said="Registered:")


def test_a_ticket_issued_twice_is_one_ticket(clerk: Any) -> None:
    hall = make_hall(code="sz-1", name="苏州一厅")
    vip = make_customer(msisdn="13812349001", brand="gotone")
    client = login(clerk)
    url = reverse("servicedesk:ticket_issue", kwargs={"code": hall.code})
    desk = reverse("servicedesk:hall_desk", kwargs={"code": hall.code})

    first, again = post_twice(client, url, {"msisdn": vip.msisdn}, page=desk, index=0)

    assert Ticket.objects.count() == 1
    assert_replayed(client, first, again, said="for 13812349001")


def test_call_next_sent_twice_calls_one_customer(clerk: Any) -> None:
    hall = make_hall(code="sz-1", name="苏州一厅")
    ticket_issue(hall=hall, msisdn="13700000001", actor=None)
    ticket_issue(hall=hall, msisdn="13700000002", actor=None)
    client = login(clerk)
    url = reverse("servicedesk:ticket_call_next", kwargs={"code": hall.code})
    desk = reverse("servicedesk:hall_desk", kwargs={"code": hall.code})

    first, again = post_twice(client, url, {"desk": "3"}, page=desk, index=1)

    assert Ticket.objects.filter(status="called").count() == 1
    assert Ticket.objects.filter(status="waiting").count() == 1
    assert_replayed(client, first, again, said="Calling")


# --- plans --------------------------------------------------------------------------------------


def test_a_plan_order_sent_twice_is_ordered_once(clerk: Any) -> None:
    customer = customer_in("南京")
    client = login(clerk)
    url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})

    first, again = post_twice(
        client, url, {"plan": plan("bt-288").pk, "channel": "counter", "note": "柜台"}
    )

    assert Subscription.objects.filter(customer=customer).count() == 1
    assert_replayed(client, first, again, said="ordered; it takes effect on")


# --- membership: groups, key persons, contacts, upgrades, imports -------------------------------


@pytest.fixture
def group(account_manager: Any) -> GroupCustomer:
    return make_group(group_class="A", account_manager=account_manager)


@pytest.fixture
def person(group: GroupCustomer, account_manager: Any) -> KeyPerson:
    return key_person_create(
        group=group,
        customer=make_customer(birth_date=date(1970, 1, 1)),
        role="contact",
        rank="other",
        actor=account_manager,
    )


def test_a_group_contact_sent_twice_is_logged_once(
    account_manager: Any, group: GroupCustomer, person: KeyPerson
) -> None:
    client = login(account_manager)
    url = reverse("keyaccounts:group_contact_create", args=[group.pk])

    first, again = post_twice(
        client,
        url,
        {"key_person": person.pk, "channel": "visit", "occasion": "routine", "notes": "拜访"},
    )

    assert ContactLog.objects.filter(group=group).count() == 1
    assert_replayed(client, first, again, said="Contact logged.")


def test_a_key_person_contact_sent_twice_is_logged_once(
    account_manager: Any, person: KeyPerson
) -> None:
    client = login(account_manager)
    url = reverse("keyaccounts:key_person_contact_create", args=[person.pk])

    first, again = post_twice(
        client, url, {"channel": "call", "occasion": "routine", "notes": "电话问候"}
    )

    assert ContactLog.objects.filter(key_person=person).count() == 1
    assert_replayed(client, first, again, said="Contact logged.")


def test_a_quick_contact_from_the_group_page_sent_twice_is_logged_once(
    account_manager: Any, group: GroupCustomer, person: KeyPerson
) -> None:
    client = login(account_manager)
    back = reverse("keyaccounts:group_detail", args=[group.pk])
    url = reverse("keyaccounts:key_person_contact_create", args=[person.pk])

    first, again = post_twice(
        client,
        url,
        {"channel": "visit", "occasion": "routine", "notes": "拜访", "next": back},
        page=back,
    )

    assert first["Location"] == back
    assert ContactLog.objects.filter(key_person=person).count() == 1
    assert_replayed(client, first, again, said="Contact logged.")


def test_an_upgrade_request_sent_twice_is_asked_once(
    account_manager: Any, person: KeyPerson
) -> None:
    client = login(account_manager)
    url = reverse("keyaccounts:upgrade_create", args=[person.pk])

    first, again = post_twice(client, url, {"requested_level": "diamond", "reason": "省厅领导"})

    assert UpgradeRequest.objects.count() == 1
    assert_replayed(client, first, again, said="Upgrade requested")


def test_a_group_created_twice_is_created_once_without_an_error(
    supervisor: Any, account_manager: Any
) -> None:
    client = login(supervisor)
    data = {
        "code": "g9",
        "name": "苏州大学",
        "group_class": "B",
        "city": "苏州",
        "account_manager": account_manager.pk,
    }

    first, again = post_twice(client, reverse("keyaccounts:group_create"), data)

    assert GroupCustomer.objects.count() == 1
    assert_replayed(client, first, again, said="Group G9 created.")


def test_a_key_person_added_twice_is_added_once_without_an_error(
    account_manager: Any, group: GroupCustomer
) -> None:
    customer = make_customer()
    client = login(account_manager)
    url = reverse("keyaccounts:key_person_create", args=[group.pk])

    first, again = post_twice(
        client,
        url,
        {"customer": customer.msisdn, "role": "decision_maker", "rank": "division_cadre"},
    )

    assert KeyPerson.objects.filter(customer=customer).count() == 1
    assert_replayed(client, first, again, said="Key person added.")


def test_a_member_added_twice_is_added_once_without_an_error(
    account_manager: Any, group: GroupCustomer
) -> None:
    customer = make_customer(msisdn="13912345678")
    client = login(account_manager)
    url = reverse("keyaccounts:group_member_add", args=[group.pk])

    first, again = post_twice(client, url, {"customer": customer.msisdn})

    assert GroupMember.objects.filter(group=group, customer=customer).count() == 1
    assert_replayed(client, first, again, said="Member added.")


def test_a_feed_uploaded_twice_is_one_import_run(
    supervisor: Any,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    make_customer(msisdn="13900000001")
    client = login(supervisor)
    url = reverse("membership:import_upload")
    token = tokens_on(client, url)[0]

    def upload() -> Any:
        feed = SimpleUploadedFile("bills.csv", b"msisdn,month,total\n13900000001,2026-10,88.00\n")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url, {"feed": "bills", "dry_run": "on", "file": feed, FORM_FIELD: token}
            )

    first = upload()
    client.get(first["Location"])
    again = upload()

    run = ImportRun.objects.get()
    assert first["Location"] == reverse("membership:import_run_detail", kwargs={"pk": run.pk})
    assert_replayed(client, first, again)


def test_a_form_shown_again_with_errors_keeps_nothing_and_the_next_page_has_a_new_token(
    clerk: Any, rich: Any
) -> None:
    recipient = make_customer(msisdn="13900000002", joined_on=date(2018, 1, 1))
    transfer_recipient_register(sender=rich, recipient=recipient)
    client = login(clerk)
    url = reverse("points:transfer", kwargs={"msisdn": rich.msisdn})
    token = tokens_on(client, url)[0]

    shown = client.post(url, {"points": 1, FORM_FIELD: token})

    assert shown.status_code == 200
    assert not IdempotencyKey.objects.exists()
    assert TOKEN.findall(shown.content.decode()) != [token]


def test_a_new_page_of_the_form_is_a_new_submission(clerk: Any, rich: Any) -> None:
    client = login(clerk)
    item = make_item(points_price=800, stock=10)
    url = reverse("points:redeem", kwargs={"msisdn": rich.msisdn})

    chosen: dict[str, Any] = {"item": item.pk, "quantity": 1}
    for _time in range(2):
        page = client.get(url, {**chosen, "step": "confirm"})  # a new confirmation page
        token = TOKEN.findall(page.content.decode())[0]
        confirmed = {**chosen, "confirmed": "1", FORM_FIELD: token}
        assert client.post(url, confirmed).status_code == 302

    assert Redemption.objects.filter(customer=rich).count() == 2
    assert balances(rich).redeemable == 5000 - 1600
