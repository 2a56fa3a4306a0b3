"""SERVICE-9: the birthday minutes 生日50分钟 — the daily grant, billing's file, the manual
make-up by an account manager, and the desk card (D-DESK-15)."""

from __future__ import annotations

import csv
import re
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import DomainError
from core.idempotency import FORM_FIELD
from core.models import JobRun
from servicedesk.models import BirthdayMinutes, Entitlement
from servicedesk.services.birthday_minutes import birthday_minutes_add, birthday_minutes_grant
from servicedesk.tests.conftest import give_level, make_customer

BIRTHDAY = date(2026, 3, 18)
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-03-18 09:00")]
TOKEN = re.compile(rf'name="{FORM_FIELD}" value="([^"]+)"')


@pytest.fixture(autouse=True)
def exports(settings: Any, tmp_path: Path) -> Path:
    settings.EXPORT_ROOT = tmp_path / "exports"
    return Path(settings.EXPORT_ROOT)


def vip(level: str = "gold", **kwargs: Any) -> Any:
    customer = make_customer(birth_date=date(1980, 3, 18), **kwargs)
    give_level(customer, level)
    return customer


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# The daily grant


def test_service_9_every_level_gets_its_birthday_minutes_on_the_birthday() -> None:
    given = {level: vip(level) for level in ("diamond", "platinum", "gold", "silver", "guest")}
    counts = birthday_minutes_grant(day=BIRTHDAY)
    assert (counts["created"], counts["total"]) == (5, 5)
    rows = {g.customer_id: g for g in BirthdayMinutes.objects.all()}
    for customer in given.values():
        grant = rows[customer.pk]
        assert (grant.valid_on, grant.year, grant.minutes, grant.source) == (
            BIRTHDAY,
            2026,
            50,
            "automatic",
        )
        assert grant.granted_by is None


def test_service_9_only_active_lines_with_a_full_level_whose_birthday_it_is() -> None:
    wanted = vip("gold")
    make_customer(birth_date=date(1980, 3, 18))  # no level: not VIP
    vip("gold", status="suspended", suspension_reason="arrears")
    other_day = make_customer(birth_date=date(1980, 3, 19))
    give_level(other_day, "gold")
    limited = make_customer(birth_date=date(1980, 3, 18))
    give_level(limited, "gold", limited=True)  # TIER-7: airport and green channel only
    expired = make_customer(birth_date=date(1980, 3, 18))
    give_level(expired, "gold", valid_until=date(2026, 1, 31))
    birthday_minutes_grant(day=BIRTHDAY)
    assert list(BirthdayMinutes.objects.values_list("customer", flat=True)) == [wanted.pk]


def test_service_9_the_minutes_come_from_the_entitlements_table() -> None:
    customer = vip("silver")
    Entitlement.objects.filter(benefit="birthday", audience="silver").update(allowance=80)
    Entitlement.objects.filter(benefit="birthday", audience="guest").update(allowance=None)
    guest = vip("guest")
    birthday_minutes_grant(day=BIRTHDAY)
    assert BirthdayMinutes.objects.get(customer=customer).minutes == 80
    assert not BirthdayMinutes.objects.filter(customer=guest).exists()


@pytest.mark.now("2027-02-28 09:00")
def test_service_9_a_29_february_birthday_is_on_28_february_in_other_years() -> None:
    leap = make_customer(birth_date=date(1988, 2, 29))
    give_level(leap, "gold")
    birthday_minutes_grant(day=date(2027, 2, 28))
    assert BirthdayMinutes.objects.get().customer == leap


def test_service_9_the_grant_is_one_insert_select_and_safe_to_run_twice() -> None:
    for _ in range(3):
        vip("gold")
    with CaptureQueriesContext(connection) as queries:
        first = birthday_minutes_grant(day=BIRTHDAY)
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "SELECT" in inserts[0]
    second = birthday_minutes_grant(day=BIRTHDAY)
    assert (first["created"], second["created"], second["total"]) == (3, 0, 3)
    assert BirthdayMinutes.objects.count() == 3


def test_service_9_once_a_year_even_if_the_day_is_run_again_later() -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    BirthdayMinutes.objects.update(valid_on=date(2026, 3, 17))  # as if given another day
    assert birthday_minutes_grant(day=BIRTHDAY)["created"] == 0
    assert BirthdayMinutes.objects.filter(customer=customer).count() == 1


def test_service_9_a_day_to_come_is_refused() -> None:
    with pytest.raises(DomainError):
        birthday_minutes_grant(day=date(2026, 3, 19))


def test_service_9_the_job_command_records_its_run_and_says_what_it_did() -> None:
    vip("gold")
    out = StringIO()
    call_command("grant_birthday_minutes", "--date", "2026-03-18", stdout=out)
    call_command("grant_birthday_minutes", stdout=out)  # today by default, run again
    lines = out.getvalue().splitlines()
    assert lines == [
        "birthday minutes 2026-03-18: 1 new, 1 packages in all",
        "birthday minutes 2026-03-18: 0 new, 1 packages in all",
    ]
    run = JobRun.objects.get(job="grant_birthday_minutes", period="2026-03-18")
    assert run.status == JobRun.Status.SUCCEEDED


# Billing's file


def test_service_9_billing_gets_a_csv_of_the_days_packages(exports: Path) -> None:
    first, second = vip("gold", msisdn="13900000002"), vip("diamond", msisdn="13900000001")
    birthday_minutes_grant(day=BIRTHDAY)
    out = StringIO()
    call_command("export_birthday_minutes", "--date", "2026-03-18", stdout=out)
    assert out.getvalue().strip() == (
        "birthday minutes file 2026-03-18: 2 packages (0 added by hand) in "
        "birthday_minutes_2026-03-18.csv"
    )
    assert read_csv(exports / "birthday_minutes_2026-03-18.csv") == [
        ["msisdn", "valid_on", "minutes", "source"],
        [second.msisdn, "2026-03-18", "50", "automatic"],
        [first.msisdn, "2026-03-18", "50", "automatic"],
    ]
    assert not list(exports.glob(".*partial"))


# By hand


@pytest.mark.now("2026-03-20 15:00")
def test_service_9_a_manager_adds_the_minutes_by_hand_valid_that_day_once(
    account_manager: Any, exports: Path, django_capture_on_commit_callbacks: Any
) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    with django_capture_on_commit_callbacks(execute=True):
        grant = birthday_minutes_add(
            customer=customer, actor=account_manager, note="away in Tibet on the birthday"
        )
    assert (grant.valid_on, grant.year, grant.minutes, grant.source, grant.granted_by) == (
        date(2026, 3, 20),
        2026,
        50,
        "manual",
        account_manager,
    )
    # billing's file of the day is written again at once
    assert read_csv(exports / "birthday_minutes_2026-03-20.csv")[1] == [
        customer.msisdn,
        "2026-03-20",
        "50",
        "manual",
    ]
    with pytest.raises(DomainError) as again:
        birthday_minutes_add(customer=customer, actor=account_manager, note="again")
    assert again.value.code == "birthday_minutes_already_added"


def test_service_9_no_manual_minutes_without_the_automatic_package(account_manager: Any) -> None:
    customer = vip("gold")
    with pytest.raises(DomainError) as refused:
        birthday_minutes_add(customer=customer, actor=account_manager, note="checked")
    assert refused.value.code == "no_automatic_birthday_minutes"
    assert not BirthdayMinutes.objects.exists()


@pytest.mark.now("2026-03-26 10:00")
def test_service_9_the_make_up_is_for_a_birthday_of_the_last_days_only(
    account_manager: Any, settings: Any
) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)  # 8 days ago: BIRTHDAY_MINUTES_MAKEUP_DAYS is 7
    with pytest.raises(DomainError) as refused:
        birthday_minutes_add(customer=customer, actor=account_manager, note="checked")
    assert refused.value.code == "no_automatic_birthday_minutes"
    settings.GOTONE = {"BIRTHDAY_MINUTES_MAKEUP_DAYS": 10}
    assert birthday_minutes_add(customer=customer, actor=account_manager, note="ok").minutes == 50


def test_service_9_a_manual_package_needs_what_was_checked(account_manager: Any) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    with pytest.raises(DomainError):
        birthday_minutes_add(customer=customer, actor=account_manager, note="  ")


# The page


PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider")


@pytest.mark.parametrize("persona", PERSONAS)
def test_service_9_the_page_is_for_account_managers_and_supervisors(
    client: Client, personas: dict[str, Any], persona: str
) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    if personas[persona] is not None:
        client.force_login(personas[persona])
    url = reverse("servicedesk:birthday_minutes_add", kwargs={"msisdn": customer.msisdn})
    response = client.post(url, {"note": "away", "confirm": "on"})
    manual = BirthdayMinutes.objects.filter(source="manual")
    if persona in ("account_manager", "supervisor"):
        assert response.status_code == 302
        assert manual.get().granted_by == personas[persona]
    elif persona == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
        assert not manual.exists()
    else:
        assert response.status_code == 403
        assert not manual.exists()


def test_service_9_the_page_confirms_first_and_a_double_submit_adds_once(
    supervisor: Any,
) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor)
    url = reverse("servicedesk:birthday_minutes_add", kwargs={"msisdn": customer.msisdn})
    page = client.get(url)
    assert page.status_code == 200
    assert "Add 50 minutes of domestic calls (not roaming), valid on 2026-03-18 only." in (
        page.content.decode()
    )
    token = TOKEN.findall(page.content.decode())[0]
    unconfirmed = client.post(url, {"note": "away", FORM_FIELD: token})
    assert unconfirmed.status_code == 200  # the form again, what was typed kept
    assert "away" in unconfirmed.content.decode()
    assert not BirthdayMinutes.objects.filter(source="manual").exists()
    token = TOKEN.findall(unconfirmed.content.decode())[0]
    data = {"note": "away on the birthday", "confirm": "on", FORM_FIELD: token}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn})
    assert BirthdayMinutes.objects.filter(source="manual").count() == 1


def test_service_9_the_page_says_why_not(account_manager: Any) -> None:
    customer = vip("gold")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(account_manager)
    url = reverse("servicedesk:birthday_minutes_add", kwargs={"msisdn": customer.msisdn})
    page = client.get(url).content.decode()
    assert "No birthday minutes were given automatically" in page
    assert 'data-testid="add-minutes"' not in page


def test_service_9_the_desk_card_shows_whether_the_minutes_were_granted(supervisor: Any) -> None:
    customer = vip("gold")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor)
    url = reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn})
    before = client.get(url).content.decode()
    assert "birthday today: 50 minutes not granted yet" in before
    birthday_minutes_grant(day=BIRTHDAY)
    after = client.get(url).content.decode()
    assert "50 minutes granted today" in after
    assert reverse("servicedesk:birthday_minutes_add", kwargs={"msisdn": customer.msisdn}) in after


def test_service_9_the_desk_card_in_chinese(supervisor: Any) -> None:
    customer = vip("gold")
    birthday_minutes_grant(day=BIRTHDAY)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(supervisor)
    page = client.get(
        reverse("servicedesk:desk_card", kwargs={"msisdn": customer.msisdn})
    ).content.decode()
    assert "granted today" not in page
    assert "生日50分钟" in page
