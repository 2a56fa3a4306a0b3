"""The counter's one search box (CUST-1, D-CUST-9), the identity check (CUST-10, D-CUST-10)
and the recent customers (D-CUST-9), all masked as CUST-8 requires."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.idempotency import FORM_FIELD, new_form_token
from membership.models import IdentityCheck, IdentityResult
from membership.selectors.search import counter_search, parse_counter_query
from tests.builders import make_customer

pytestmark = pytest.mark.django_db

ID = "32010219800101123X"
LOOKUP = "membership:lookup"


def _card(msisdn: str) -> str:
    return reverse("membership:customer_card", args=[msisdn])


@pytest.mark.parametrize(
    "typed",
    [
        "+86 139 0000 0001",
        "0086-139-0000-0001",
        "139 0000 0001",
        "１３９００００００01",  # full-width digits
        "+８６ １３９-００００-０００１",
    ],
)
def test_cust_1_d_cust_9_a_phone_number_in_any_spelling_opens_the_card(
    client: Client, clerk: Any, typed: str
) -> None:
    make_customer(msisdn="13900000001")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == _card("13900000001")


def test_d_cust_9_an_id_number_is_matched_exactly_with_a_lowercase_x(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    make_customer(msisdn="13900000002", id_number="320102198001011234")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": ID.lower()})
    assert response["Location"] == _card("13900000001")


def test_d_cust_9_an_id_number_stored_with_a_lowercase_x_is_found_too(clerk: Any) -> None:
    make_customer(msisdn="13900000001", id_number=ID.lower())
    query = parse_counter_query(ID)
    assert [c.msisdn for c in counter_search(query, user=clerk, on=None)] == ["13900000001"]  # type: ignore[arg-type]


def test_d_cust_9_several_lines_of_one_id_number_are_listed_masked(
    client: Client, clerk: Any
) -> None:
    """CUST-8: the list never shows the ID number or the name in full."""
    for n in (1, 2):
        make_customer(msisdn=f"1390000000{n}", id_number=ID, name="欧阳娜娜")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": ID}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse(LOOKUP) + "?results=1", 302)]  # not in a URL
    assert [c.msisdn for c in response.context["page"].object_list] == [
        "13900000001",
        "13900000002",
    ]
    assert ID not in body.replace(f'value="{ID}"', "")  # only in the box, as typed
    assert "欧阳娜娜" not in body
    assert "欧***" in body


def test_d_cust_9_a_name_is_a_prefix_search_listed_masked_for_the_clerk(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001", name="张三丰", id_number=ID)
    make_customer(msisdn="13900000002", name="张三")
    make_customer(msisdn="13900000003", name="李张三")  # not a prefix: not found
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": "张三"}, follow=True)
    body = response.content.decode()
    found = [c.msisdn for c in response.context["page"].object_list]
    assert found == ["13900000002", "13900000001"]  # by name, then number
    assert "张三丰" not in body.replace('value="张三"', "")
    assert "张**" in body
    assert "张*<" in body
    assert ID not in body
    assert "3201**********123X" in body


def test_d_cust_9_a_supervisor_too_sees_the_list_masked(client: Client, supervisor: Any) -> None:
    make_customer(msisdn="13900000001", name="张三丰")
    make_customer(msisdn="13900000002", name="张三")
    client.force_login(supervisor)
    body = client.post(reverse(LOOKUP), {"q": "张三", "reveal": "1"}, follow=True).content.decode()
    assert "张三丰" not in body


def test_d_cust_9_one_name_match_opens_the_card(client: Client, clerk: Any) -> None:
    make_customer(msisdn="13900000001", name="欧阳娜娜")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": " 欧阳 "})
    assert response["Location"] == _card("13900000001")


def test_d_cust_9_a_name_search_is_capped_and_paginated(
    client: Client, clerk: Any, settings: Any
) -> None:
    settings.GOTONE = {"NAME_SEARCH_MAX_RESULTS": 25}
    for n in range(30):
        make_customer(msisdn=f"139000000{n:02d}", name="王小明")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": "王小"}, follow=True)
    page = response.context["page"]
    assert page.paginator.count == 25
    assert len(page.object_list) == 20
    assert "Only the first 25 are listed" in response.content.decode()
    assert "?results=1&amp;page=2" in response.content.decode()
    second = client.get(reverse(LOOKUP), {"results": "1", "page": "2"})
    assert len(second.context["page"].object_list) == 5


def test_d_cust_9_one_character_is_not_a_name_search(client: Client, clerk: Any) -> None:
    make_customer(msisdn="13900000001", name="张三")
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": "张"})
    assert response.status_code == 200
    assert "at least 2 characters" in response.context["form"].errors["q"][0]
    assert 'value="张"' in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("13900000009", "No customer has the number 13900000009."),
        ("32010219800101999X", "No customer has this ID number."),
        ("赵钱孙", "No customer’s name starts with “赵钱孙”."),
    ],
)
def test_d_cust_9_nothing_found_says_so_and_keeps_what_was_typed(
    client: Client, clerk: Any, typed: str, said: str
) -> None:
    client.force_login(clerk)
    response = client.post(reverse(LOOKUP), {"q": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert said in body
    assert f'value="{typed}"' in body


def test_d_cust_9_digits_that_are_no_number_are_refused_with_what_is_expected() -> None:
    with pytest.raises(ValidationError, match="neither a mobile number"):
        parse_counter_query("3201A")
    with pytest.raises(ValidationError, match="not a mobile number"):
        parse_counter_query("1390000000")


def test_d_cust_9_the_name_query_uses_a_prefix_not_a_substring(clerk: Any) -> None:
    """A LIKE '%x%' is a full scan over millions; the prefix is served by an index."""
    sql = str(counter_search(parse_counter_query("张三"), user=clerk, on=None).query)  # type: ignore[arg-type]
    assert "LIKE 张三%" in sql.replace("'", "")
    assert "%张三" not in sql


def test_d_cust_9_the_lookup_page_autofocuses_its_box_with_an_access_key(
    client: Client, clerk: Any
) -> None:
    client.force_login(clerk)
    body = client.get(reverse(LOOKUP)).content.decode()
    assert 'id="id_q"' in body
    assert "autofocus" in body
    assert 'accesskey="s"' in body
    assert 'data-testid="counter-search"' not in body  # no second box on the lookup page


def test_d_cust_9_every_counter_page_has_the_header_box_and_a_skip_link(
    client: Client, clerk: Any, account_manager: Any
) -> None:
    make_customer(msisdn="13900000001")
    client.force_login(clerk)
    body = client.get(_card("13900000001")).content.decode()
    assert 'data-testid="counter-search"' in body
    assert 'id="counter-q"' in body
    assert 'accesskey="s"' in body
    assert 'href="#main"' in body
    assert 'id="main"' in body
    client.force_login(account_manager)  # no counter: no box, still the skip link
    body = client.get(_card("13900000001")).content.decode()
    assert 'data-testid="counter-search"' not in body
    assert 'data-testid="skip-link"' in body


def test_d_cust_9_the_skip_link_reads_in_chinese(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    body = client.get(reverse(LOOKUP), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "跳到主要内容" in body


# --- Recent customers -------------------------------------------------------------------


def test_d_cust_9_recent_customers_are_the_last_ten_opened_newest_first_masked(
    client: Client, clerk: Any
) -> None:
    for n in range(12):
        make_customer(msisdn=f"139000000{n:02d}", name="欧阳娜娜")
    client.force_login(clerk)
    for n in range(12):
        client.get(_card(f"139000000{n:02d}"))
    client.get(_card("13900000003"))  # again: moves to the front, once
    response = client.get(reverse(LOOKUP))
    recent = [c.msisdn for c in response.context["recent"]]
    assert recent[0] == "13900000003"
    assert recent[1:] == [f"139000000{n:02d}" for n in (11, 10, 9, 8, 7, 6, 5, 4, 2)]
    body = response.content.decode()
    assert "欧阳娜娜" not in body
    assert "欧***" in body


def test_d_cust_9_recent_customers_are_each_users_own(
    client: Client, clerk: Any, supervisor: Any
) -> None:
    make_customer(msisdn="13900000001")
    client.force_login(clerk)
    client.get(_card("13900000001"))
    other = Client()
    other.force_login(supervisor)
    assert other.get(reverse(LOOKUP)).context["recent"] == []


# --- CUST-10 identity check ---------------------------------------------------------------


def _check(client: Client, msisdn: str, typed: str, **extra: Any) -> Any:
    return client.post(
        reverse("membership:customer_identity_check", args=[msisdn]),
        {"id_number": typed, **extra},
        follow=True,
    )


def test_cust_10_a_matching_id_number_says_matches_and_is_audited(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    response = _check(client, "13900000001", "3201 0219 8001 0112 3x")  # lowercase x, spaces
    body = response.content.decode()
    assert "matches (一致)" in body
    assert 'data-testid="identity-verified"' in body
    assert ID not in body  # CUST-8: the answer never reveals the number
    check = IdentityCheck.objects.get()
    assert (check.customer, check.checked_by, check.result) == (
        customer,
        clerk,
        IdentityResult.MATCH,
    )
    assert check.checked_at is not None
    assert check.day is not None
    # verified in this visit: the focus is no longer on the check field
    assert "autofocus" not in body.split('data-testid="identity-check"')[1].split("</form>")[0]


def test_cust_10_a_different_id_number_says_does_not_match(client: Client, clerk: Any) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    body = _check(client, "13900000001", "320102198001011234").content.decode()
    assert "does not match (不一致). 4 checks left today." in body
    assert 'data-testid="identity-verified"' not in body
    assert IdentityCheck.objects.get().result == IdentityResult.MISMATCH


def test_cust_10_a_malformed_number_keeps_what_was_typed_and_is_not_counted(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    response = _check(client, "13900000001", "3201021980")
    body = response.content.decode()
    assert response.status_code == 200
    assert "An ID number has 18 characters" in body
    assert 'value="3201021980"' in body
    assert not IdentityCheck.objects.exists()


def test_cust_10_the_card_focuses_the_check_field_until_verified(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    make_customer(msisdn="13900000002")
    client.force_login(clerk)
    form = client.get(_card("13900000001")).context["identity_form"]
    assert form.fields["id_number"].widget.attrs.get("autofocus")
    _check(client, "13900000001", ID)
    assert client.get(_card("13900000001")).context["identity_verified"]
    client.get(_card("13900000002"))  # the next customer: the visit is over
    assert not client.get(_card("13900000001")).context["identity_verified"]


@pytest.mark.now("2026-11-25 10:00")
def test_cust_10_after_five_mismatches_checks_are_refused_for_the_day(
    client: Client, clerk: Any, supervisor: Any, time_machine: Any
) -> None:
    """D-CUST-10: IDENTITY_CHECK_MAX_MISMATCHES (5) per customer and day, whoever checks."""
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    for _n in range(5):
        _check(client, "13900000001", "320102198001011234")
    other = Client()
    other.force_login(supervisor)
    body = _check(other, "13900000001", ID).content.decode()  # even the right number
    assert "check refused" in body
    assert 'data-testid="identity-verified"' not in body
    results = list(IdentityCheck.objects.order_by("id").values_list("result", flat=True))
    assert results == ["mismatch"] * 5 + ["refused"]  # the refusal is audited too
    time_machine.move_to("2026-11-26 09:00+08:00")
    client.force_login(clerk)  # a new working day, a new session
    assert "matches (一致)" in _check(client, "13900000001", ID).content.decode()


@pytest.mark.parametrize("typed", [ID, "320102198001011234"])  # a match and a mismatch
def test_cust_10_the_check_goes_back_where_it_was_started_else_to_the_card(
    client: Client, clerk: Any, typed: str
) -> None:
    """CUST-10 (D-CUST-10): a check started elsewhere (the desk card's link carries
    ``next``) goes back there; without it, or with another site's address, to the card."""
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    url = reverse("membership:customer_identity_check", args=["13900000001"])
    desk = "/desk/customer/13900000001/"
    assert client.post(url, {"id_number": typed, "next": desk})["Location"] == desk
    assert client.post(url, {"id_number": typed})["Location"] == _card("13900000001")
    for outside in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(url, {"id_number": typed, "next": outside})
        assert response["Location"] == _card("13900000001")
    assert IdentityCheck.objects.count() == 5


def test_cust_10_the_card_and_a_form_error_keep_where_the_check_was_started(
    client: Client, clerk: Any
) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    desk = "/desk/customer/13900000001/"

    def check_form(response: Any) -> str:
        return (
            response.content.decode().split('data-testid="identity-check"')[1].split("</form>")[0]
        )

    hidden = f'<input type="hidden" name="next" value="{desk}">'
    assert hidden in check_form(client.get(_card("13900000001"), {"next": desk}))
    assert 'name="next"' not in check_form(client.get(_card("13900000001")))
    outside = client.get(_card("13900000001"), {"next": "https://evil.example/"})
    assert 'name="next"' not in check_form(outside)
    failed = client.post(
        reverse("membership:customer_identity_check", args=["13900000001"]),
        {"id_number": "3201021980", "next": desk},
    )
    assert failed.status_code == 200
    assert hidden in check_form(failed)
    assert not IdentityCheck.objects.exists()


def test_cust_10_a_double_submit_checks_once(client: Client, clerk: Any) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(clerk)
    token = new_form_token()
    _check(client, "13900000001", "320102198001011234", **{FORM_FIELD: token})
    _check(client, "13900000001", "320102198001011234", **{FORM_FIELD: token})
    assert IdentityCheck.objects.count() == 1


def test_cust_10_an_account_manager_may_not_check(client: Client, account_manager: Any) -> None:
    make_customer(msisdn="13900000001", id_number=ID)
    client.force_login(account_manager)
    assert client.get(_card("13900000001")).context["identity_form"] is None
    response = client.post(
        reverse("membership:customer_identity_check", args=["13900000001"]), {"id_number": ID}
    )
    assert response.status_code == 403
    assert not IdentityCheck.objects.exists()
