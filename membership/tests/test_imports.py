"""The billing feeds in: import_customers, import_bills, import_usage (docs/interfaces.md, CUST-9)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from core.errors import DomainError
from membership.models import (
    Bill,
    Customer,
    GrantEvent,
    LevelGrant,
    Status,
    StatusChange,
    Usage,
)
from membership.services.grants import grant_create
from membership.services.imports import bills_import, customers_import, usage_import
from membership.signals import customer_status_changed
from tests.factories import BillFactory, CustomerFactory

DATA = Path(__file__).parent / "data"
CUSTOMER_HEADER = (
    "msisdn,name,id_number,birth_date,brand,joined_on,province,city,status,real_name_registered_on"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """The commands always speak English; the services speak the active language."""
    with translation.override("en"):
        yield


def a_customer(msisdn: str, **fields: Any) -> Customer:
    """A customer from the shared factory, typed as the model."""
    CustomerFactory(msisdn=msisdn, **fields)
    return Customer.objects.get(msisdn=msisdn)


def csv_file(tmp_path: Path, text: str, name: str = "feed.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def customer_row(
    msisdn: str,
    *,
    name: str = "张三",
    brand: str = "gotone",
    status: str = "active",
    city: str = "苏州",
    registered: str = "2015-03-15",
) -> str:
    return (
        f"{msisdn},{name},320102198001011234,1980-01-01,{brand},2015-03-15,江苏,{city},"
        f"{status},{registered}"
    )


def customers_csv(tmp_path: Path, *rows: str) -> Path:
    return csv_file(tmp_path, "\n".join([CUSTOMER_HEADER, *rows]) + "\n")


def run(command: str, path: Path | str, *args: str) -> tuple[int, str, str]:
    """Run a feed command as the scheduler would: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def snapshot() -> dict[str, Any]:
    """The state the feeds write, to compare before and after."""
    return {
        "customers": list(
            Customer.objects.order_by("msisdn").values(
                "msisdn", "name", "brand", "status", "city", "updated_at"
            )
        ),
        "bills": list(Bill.objects.order_by("id").values("customer_id", "month", "total")),
        "usage": list(Usage.objects.order_by("id").values()),
        "status_changes": StatusChange.objects.count(),
        "history": Customer.history.count(),
    }


# --- customers -------------------------------------------------------------------------------


def test_cust_9_import_customers_creates_lines_and_prints_the_summary(tmp_path: Path) -> None:
    path = customers_csv(
        tmp_path,
        customer_row("13900000001"),
        customer_row("13900000002", brand="mzone", status="suspended", registered=""),
    )

    code, out, _err = run("import_customers", path)

    assert (code, out) == (0, "created 2, updated 0\n")
    first = Customer.objects.get(msisdn="13900000001")
    assert (first.name, first.brand, first.city, first.status) == (
        "张三",
        "gotone",
        "苏州",
        "active",
    )
    assert first.birth_date == date(1980, 1, 1)
    assert first.real_name_registered_on == date(2015, 3, 15)
    second = Customer.objects.get(msisdn="13900000002")
    assert second.real_name_registered_on is None
    assert (second.status, second.suspension_reason) == ("suspended", "")


def test_cust_4_new_customers_get_their_initial_status_change(
    tmp_path: Path, supervisor: Any
) -> None:
    path = customers_csv(tmp_path, customer_row("13900000001", status="pre_cancel"))

    result = customers_import(path_or_file=path, actor=supervisor)

    assert result.summary == "created 1, updated 0"
    change = StatusChange.objects.get(customer__msisdn="13900000001")
    assert (change.from_status, change.to_status, change.note) == ("", "pre_cancel", "import")
    assert change.actor == supervisor


def test_imported_customers_are_audited_in_their_history(tmp_path: Path, supervisor: Any) -> None:
    customers_import(path_or_file=customers_csv(tmp_path, customer_row("13900000001")))
    changed = customers_csv(tmp_path, customer_row("13900000001", city="南京"))

    customers_import(path_or_file=changed, actor=supervisor)

    customer = Customer.objects.get(msisdn="13900000001")
    records = list(customer.history.order_by("history_id"))
    assert [(r.history_type, r.city) for r in records] == [("+", "苏州"), ("~", "南京")]
    assert records[1].history_user == supervisor
    assert records[1].history_change_reason == "import"


def test_conv_5_importing_the_same_customers_twice_updates_every_row_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = customers_csv(
        tmp_path, customer_row("13900000001"), customer_row("13900000002", status="suspended")
    )
    assert run("import_customers", path)[:2] == (0, "created 2, updated 0\n")
    before = snapshot()

    code, out, _err = run("import_customers", path)

    assert (code, out) == (0, "created 0, updated 2\n")
    assert snapshot() == before


def test_customers_feed_updates_existing_lines_by_msisdn(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001", city="苏州", name="旧名")
    path = customers_csv(tmp_path, customer_row("13900000001", city="常州", name="新名"))

    code, out, _err = run("import_customers", path)

    assert (code, out) == (0, "created 0, updated 1\n")
    customer = Customer.objects.get(msisdn="13900000001")
    assert (customer.city, customer.name) == ("常州", "新名")
    assert Customer.objects.count() == 1


def test_cust_4_a_status_change_in_the_feed_is_recorded_with_actor_and_signal(
    tmp_path: Path, supervisor: Any
) -> None:
    customer = a_customer(msisdn="13900000001", status=Status.ACTIVE)
    heard: list[Any] = []

    def listener(**kwargs: Any) -> None:
        heard.append(kwargs["change"])

    customer_status_changed.connect(listener)
    try:
        result = customers_import(
            path_or_file=customers_csv(tmp_path, customer_row("13900000001", status="pre_cancel")),
            actor=supervisor,
        )
    finally:
        customer_status_changed.disconnect(listener)

    assert result.summary == "created 0, updated 1"
    customer.refresh_from_db()
    assert customer.status == Status.PRE_CANCEL
    change = StatusChange.objects.get(customer=customer)
    assert (change.from_status, change.to_status, change.note) == ("active", "pre_cancel", "import")
    assert change.actor == supervisor
    assert heard == [change]


def test_cust_4_an_imported_suspension_has_no_reason_and_a_note_saying_so(tmp_path: Path) -> None:
    customer = a_customer(msisdn="13900000001", status=Status.ACTIVE)

    code, _out, _err = run(
        "import_customers", customers_csv(tmp_path, customer_row("13900000001", status="suspended"))
    )

    assert code == 0
    customer.refresh_from_db()
    assert (customer.status, customer.suspension_reason) == ("suspended", "")
    change = StatusChange.objects.get(customer=customer)
    assert (change.from_status, change.to_status, change.reason) == ("active", "suspended", "")
    assert change.note == "import: the feed gives no suspension reason"


def test_cust_4_an_illegal_status_move_is_a_bad_row_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    CustomerFactory(msisdn="13900000001", status=Status.CANCELLED)
    CustomerFactory(msisdn="13900000002", status=Status.PRE_CANCEL)
    path = customers_csv(
        tmp_path,
        customer_row("13900000003"),
        customer_row("13900000001", status="active"),
        customer_row("13900000002", status="suspended"),
    )
    before = snapshot()

    code, out, _err = run("import_customers", path)

    assert code == 1
    assert out.splitlines() == [
        "line 3: status: the line is cancelled and cannot become active",
        "line 4: status: the line is pre_cancel and cannot become suspended",
    ]
    assert snapshot() == before


def test_tier_9_a_cancellation_in_the_feed_ends_every_grant(tmp_path: Path) -> None:
    customer = a_customer(msisdn="13900000001", status=Status.ACTIVE)
    today = timezone.localdate()
    annual = grant_create(
        customer=customer, level="gold", source="annual", valid_from=today - timedelta(days=30)
    )
    key_person = grant_create(
        customer=customer, level="silver", source="key_person", valid_from=today
    )

    code, _out, _err = run(
        "import_customers", customers_csv(tmp_path, customer_row("13900000001", status="cancelled"))
    )

    assert code == 0
    customer.refresh_from_db()
    assert customer.status == Status.CANCELLED
    for grant in (annual, key_person):
        grant.refresh_from_db()
        assert grant.valid_until == today - timedelta(days=1)
        assert grant.end_reason == "TIER-9: line cancelled"
    assert GrantEvent.objects.filter(action="ended").count() == 2


def test_tier_9_leaving_gotone_in_the_feed_ends_annual_and_plan_grants_only(
    tmp_path: Path,
) -> None:
    customer = a_customer(msisdn="13900000001", brand="gotone")
    today = timezone.localdate()
    start = today - timedelta(days=10)
    annual = grant_create(customer=customer, level="gold", source="annual", valid_from=start)
    plan = grant_create(customer=customer, level="silver", source="plan", valid_from=start)
    key_person = grant_create(
        customer=customer, level="silver", source="key_person", valid_from=start
    )

    code, _out, _err = run(
        "import_customers", customers_csv(tmp_path, customer_row("13900000001", brand="mzone"))
    )

    assert code == 0
    customer.refresh_from_db()
    assert customer.brand == "mzone"
    annual.refresh_from_db()
    plan.refresh_from_db()
    key_person.refresh_from_db()
    assert annual.valid_until == plan.valid_until == today - timedelta(days=1)
    assert key_person.valid_until is None
    assert LevelGrant.objects.filter(valid_until__isnull=True).count() == 1


def test_customers_file_with_bad_rows_of_every_kind_reports_each_line_and_imports_nothing() -> None:
    today = timezone.localdate()
    assert today.year < 2090  # the fixture's future birth date

    code, out, err = run("import_customers", DATA / "customers_bad_rows.csv")

    assert code == 1
    assert out.splitlines() == [
        "line 3: msisdn: “12345” is not a mobile number: 11 digits starting with 13–19 are "
        "expected",
        "line 4: name: is empty",
        "line 5: birth_date: “1982-02-30” is not a date YYYY-MM-DD",
        "line 6: brand: “vip” is not one of gotone, mzone, easyown",
        "line 7: status: “gone” is not one of active, suspended, pre_cancel, cancelled",
        "line 8: expected 10 columns, found 9",
        "line 9: the same msisdn as line 2",
        "line 10: id_number: is longer than 18 characters",
        "line 11: birth_date: 2090-01-01 is in the future; "
        "real_name_registered_on: “2015/03/15” is not a date YYYY-MM-DD",
        "line 12: joined_on: is before birth_date",
    ]
    assert "10 bad rows; nothing imported." in err
    assert Customer.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_cust_8_bad_personal_data_is_never_echoed_in_the_messages(tmp_path: Path) -> None:
    long_id = "3201021980010112349999"
    path = customers_csv(
        tmp_path, f"13900000001,张三,{long_id},1980-01-01,gotone,2015-03-15,江苏,苏州,active,"
    )

    result = customers_import(path_or_file=path)

    assert [str(e) for e in result.errors] == ["line 2: id_number: is longer than 18 characters"]
    assert long_id not in str(result.errors)


def test_cust_1_a_bad_msisdn_is_named_in_its_message(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "msisdn,month,total\n12900000001,2025-01,1.00\n")

    result = bills_import(path_or_file=path)

    assert result.error_count == 1
    assert "“12900000001” is not a mobile number" in result.errors[0].message


def test_cust_2_only_the_three_brands_are_accepted(tmp_path: Path) -> None:
    path = customers_csv(
        tmp_path,
        customer_row("13900000001", brand="gotone"),
        customer_row("13900000002", brand="mzone"),
        customer_row("13900000003", brand="easyown"),
        customer_row("13900000004", brand="GoTone"),
    )

    result = customers_import(path_or_file=path)

    assert [e.line for e in result.errors] == [5]
    assert Customer.objects.count() == 0


def test_dates_must_not_lie_in_the_future(tmp_path: Path) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    path = customers_csv(
        tmp_path,
        f"13900000001,张三,320102198001011234,1980-01-01,gotone,{tomorrow},江苏,苏州,active,",
    )

    result = customers_import(path_or_file=path)

    assert [str(e) for e in result.errors] == [f"line 2: joined_on: {tomorrow} is in the future"]


def test_real_name_registration_may_be_empty_or_dated_ahead(tmp_path: Path) -> None:
    ahead = timezone.localdate() + timedelta(days=20)
    path = customers_csv(
        tmp_path,
        customer_row("13900000001", registered=""),
        customer_row("13900000002", registered=f"{ahead}"),
    )

    result = customers_import(path_or_file=path)

    assert result.ok, result.errors
    assert Customer.objects.get(msisdn="13900000001").real_name_registered_on is None
    assert Customer.objects.get(msisdn="13900000002").real_name_registered_on == ahead


def test_dry_run_of_customers_counts_and_writes_nothing(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001", city="苏州")
    path = customers_csv(
        tmp_path,
        customer_row("13900000001", city="南京", status="cancelled"),
        customer_row("13900000002"),
    )
    before = snapshot()

    code, out, _err = run("import_customers", path, "--dry-run")

    assert (code, out) == (0, "created 1, updated 1\n")
    assert snapshot() == before


# --- bills -----------------------------------------------------------------------------------


def test_cust_9_import_bills_creates_bills_for_known_numbers(tmp_path: Path) -> None:
    first = a_customer(msisdn="13900000001")
    second = a_customer(msisdn="13900000002")
    path = csv_file(
        tmp_path,
        "msisdn,month,total\n13900000001,2025-01,128.5\n13900000002,2025-01,0\n"
        "13900000001,2025-02,-12.30\n",
    )

    code, out, _err = run("import_bills", path)

    assert (code, out) == (0, "created 3, updated 0\n")
    assert set(Bill.objects.values_list("customer_id", "month", "total")) == {
        (first.pk, date(2025, 1, 1), Decimal("128.50")),
        (second.pk, date(2025, 1, 1), Decimal("0.00")),
        (first.pk, date(2025, 2, 1), Decimal("-12.30")),
    }


def test_cust_9_a_re_imported_bill_replaces_the_old_one(tmp_path: Path) -> None:
    BillFactory(
        customer=CustomerFactory(msisdn="13900000001"),
        month=date(2025, 1, 1),
        total=Decimal("100.00"),
    )
    bill = Bill.objects.get()
    path = csv_file(tmp_path, "msisdn,month,total\n13900000001,2025-01,88.80\n")

    code, out, _err = run("import_bills", path)

    assert (code, out) == (0, "created 0, updated 1\n")
    bill.refresh_from_db()
    assert bill.total == Decimal("88.80")
    assert Bill.objects.count() == 1


def test_conv_5_importing_the_same_bills_twice_changes_nothing(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    CustomerFactory(msisdn="13900000002")
    path = csv_file(
        tmp_path, "msisdn,month,total\n13900000001,2025-01,10.00\n13900000002,2025-01,20.00\n"
    )
    assert run("import_bills", path)[:2] == (0, "created 2, updated 0\n")
    before = snapshot()
    stamps = list(Bill.objects.order_by("id").values_list("imported_at", flat=True))

    code, out, _err = run("import_bills", path)

    assert (code, out) == (0, "created 0, updated 2\n")
    assert snapshot() == before
    assert list(Bill.objects.order_by("id").values_list("imported_at", flat=True)) == stamps


def test_cust_9_bills_for_an_unknown_msisdn_are_bad_rows(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    path = csv_file(
        tmp_path,
        "msisdn,month,total\n13900000001,2025-01,10.00\n13900000002,2025-01,20.00\n",
    )

    code, out, _err = run("import_bills", path)

    assert code == 1
    assert out == "line 3: msisdn: no customer has the number 13900000002\n"
    assert Bill.objects.count() == 0


def test_bills_file_with_bad_rows_of_every_kind_reports_each_line_and_imports_nothing() -> None:
    CustomerFactory(msisdn="13900000001")

    code, out, err = run("import_bills", DATA / "bills_bad_rows.csv")

    assert code == 1
    assert out.splitlines() == [
        "line 3: total: “12.345” has more than 2 decimal places",
        "line 4: total: “abc” is not an amount in yuan such as 128.50",
        "line 5: month: “2025-13” is not a month YYYY-MM",
        "line 6: month: “2025/04” is not a month YYYY-MM",
        "line 7: the same msisdn and month as line 2",
        "line 8: msisdn: no customer has the number 13999999999",
        "line 9: msisdn: “+8613900000001” is not a mobile number: 11 digits starting with "
        "13–19 are expected",
        "line 10: total: “1,234.00” is not an amount in yuan such as 128.50",
        "line 11: expected 3 columns, found 2",
    ]
    assert "9 bad rows; nothing imported." in err
    assert Bill.objects.count() == 0


def test_conv_1_amounts_take_at_most_two_decimals(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    path = csv_file(
        tmp_path,
        "msisdn,month,total\n13900000001,2025-01,12.3\n13900000001,2025-02,12.345\n"
        "13900000001,2025-03,12345678901.00\n13900000001,2025-04,7\n",
    )

    result = bills_import(path_or_file=path)

    assert [str(e) for e in result.errors] == [
        "line 3: total: “12.345” has more than 2 decimal places",
        "line 4: total: “12345678901.00” is too large",
    ]
    fixed = csv_file(tmp_path, "msisdn,month,total\n13900000001,2025-01,12.3\n", "ok.csv")
    assert bills_import(path_or_file=fixed).ok
    assert Bill.objects.get().total == Decimal("12.30")


@pytest.mark.now("2026-11-01 00:05")
def test_cust_9_a_bill_of_a_month_that_has_not_ended_is_refused(tmp_path: Path) -> None:
    """D-VALID-2: the current month (even on its first day) and later ones are bad rows;
    the month that ended yesterday is fine. Nothing of the file is imported."""
    CustomerFactory(msisdn="13900000001")
    path = csv_file(
        tmp_path,
        "msisdn,month,total\n13900000001,2026-10,1\n13900000001,2026-11,1\n13900000001,2026-12,1\n",
    )

    result = bills_import(path_or_file=path)

    assert [str(e) for e in result.errors] == [
        "line 3: month: 2026-11 has not ended; a month is billed once it is over",
        "line 4: month: 2026-12 has not ended; a month is billed once it is over",
    ]
    assert not Bill.objects.exists()
    code, out, _err = run("import_bills", path)
    assert code == 1
    assert out.splitlines() == [str(e) for e in result.errors]


def test_dry_run_of_bills_checks_numbers_against_the_database_and_writes_nothing(
    tmp_path: Path,
) -> None:
    BillFactory(customer=CustomerFactory(msisdn="13900000001"), month=date(2025, 1, 1))
    good = csv_file(
        tmp_path, "msisdn,month,total\n13900000001,2025-01,5.00\n13900000001,2025-02,6.00\n"
    )
    bad = csv_file(tmp_path, "msisdn,month,total\n13900000002,2025-01,5.00\n", "bad.csv")
    before = snapshot()

    assert run("import_bills", good, "--dry-run")[:2] == (0, "created 1, updated 1\n")
    code, out, _err = run("import_bills", bad, "--dry-run")

    assert (code, out) == (1, "line 2: msisdn: no customer has the number 13900000002\n")
    assert snapshot() == before


# --- usage -----------------------------------------------------------------------------------


def test_cust_9_usage_is_upserted_by_msisdn_date_and_category(tmp_path: Path) -> None:
    customer = a_customer(msisdn="13900000001")
    first = csv_file(
        tmp_path,
        "msisdn,date,category,amount\n13900000001,2025-01-01,domestic_voice,1.20\n"
        "13900000001,2025-01-01,domestic_data,3.00\n",
    )
    assert run("import_usage", first)[:2] == (0, "created 2, updated 0\n")
    second = csv_file(
        tmp_path,
        "msisdn,date,category,amount\n13900000001,2025-01-01,domestic_voice,2.50\n"
        "13900000001,2025-01-02,domestic_voice,0.10\n",
        "second.csv",
    )

    code, out, _err = run("import_usage", second)

    assert (code, out) == (0, "created 1, updated 1\n")
    assert set(Usage.objects.values_list("customer_id", "date", "category", "amount")) == {
        (customer.pk, date(2025, 1, 1), "domestic_voice", Decimal("2.50")),
        (customer.pk, date(2025, 1, 1), "domestic_data", Decimal("3.00")),
        (customer.pk, date(2025, 1, 2), "domestic_voice", Decimal("0.10")),
    }


def test_usage_file_with_bad_rows_of_every_kind_reports_each_line_and_imports_nothing() -> None:
    CustomerFactory(msisdn="13900000001")

    code, out, _err = run("import_usage", DATA / "usage_bad_rows.csv")

    assert code == 1
    assert out.splitlines() == [
        "line 3: category: “roaming” is not one of domestic_voice, domestic_data, domestic_sms, "
        "hmt, international, premium, call_forwarding, other",
        "line 4: amount: “-3.00” is negative",
        "line 5: the same msisdn, date and category as line 2",
        "line 6: msisdn: no customer has the number 13999999999",
        "line 7: date: “20250103” is not a date YYYY-MM-DD",
        "line 8: amount: “0.555” has more than 2 decimal places",
    ]
    assert Usage.objects.count() == 0


# --- the file itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "line 1: the file is empty; the header msisdn,month,total is expected"),
        (
            "13900000001,2025-01,1.00\n",
            "line 1: the header must be msisdn,month,total, found 13900000001,2025-01,1.00",
        ),
        (
            "msisdn,total,month\n13900000001,1.00,2025-01\n",
            "line 1: the header must be msisdn,month,total, found msisdn,total,month",
        ),
        (
            "msisdn,month\n13900000001,2025-01\n",
            "line 1: the header must be msisdn,month,total, found msisdn,month",
        ),
    ],
)
def test_a_missing_or_wrong_header_is_an_error_on_line_1(
    tmp_path: Path, content: str, message: str
) -> None:
    CustomerFactory(msisdn="13900000001")

    code, out, _err = run("import_bills", csv_file(tmp_path, content))

    assert (code, out) == (1, message + "\n")
    assert Bill.objects.count() == 0


def test_a_non_utf8_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (CUSTOMER_HEADER + "\n").encode()
        + (customer_row("13900000001") + "\n").encode("utf-8")
        + (customer_row("13900000002", name="王芳") + "\n").encode("gbk")
    )

    code, out, _err = run("import_customers", path)

    assert code == 1
    assert out == ("line 3: the line is not UTF-8 text; save the file as UTF-8 (it may be GBK)\n")
    assert Customer.objects.count() == 0


def test_a_nul_character_is_a_bad_row_not_a_database_error(tmp_path: Path) -> None:
    a_customer(msisdn="13900000001")
    path = tmp_path / "nul.csv"
    path.write_bytes(b"msisdn,month,total\n13900000001,2025-01,1.00\n13900000001,2025-02,1\x00\n")

    code, out, _err = run("import_bills", path)

    assert (code, out) == (1, "line 3: the line contains a NUL character\n")
    assert Bill.objects.count() == 0


def test_a_file_with_only_the_header_imports_nothing_and_succeeds(tmp_path: Path) -> None:
    code, out, _err = run("import_usage", csv_file(tmp_path, "msisdn,date,category,amount\n"))

    assert (code, out) == (0, "created 0, updated 0\n")


def test_a_utf8_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffmsisdn,month,total\r\n13900000001,2025-01,1.00\r\n".encode())

    assert run("import_bills", path)[:2] == (0, "created 1, updated 0\n")


def test_blank_lines_are_skipped_and_do_not_shift_line_numbers(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    path = csv_file(tmp_path, "msisdn,month,total\n\n13900000001,2025-01,1.00\n\nabc,2025-01,1\n")

    code, out, _err = run("import_bills", path)

    assert code == 1
    assert out.startswith("line 5: msisdn: “abc” is not a mobile number")


def test_a_missing_file_exits_with_status_1(tmp_path: Path) -> None:
    code, _out, err = run("import_bills", tmp_path / "nope.csv")

    assert code == 1
    assert "Cannot read" in err


def test_the_service_keeps_the_first_errors_and_counts_all_of_them(tmp_path: Path) -> None:
    rows = "".join(f"bad{i},2025-01,1\n" for i in range(30))
    seen: list[int] = []

    result = bills_import(
        path_or_file=csv_file(tmp_path, "msisdn,month,total\n" + rows),
        max_errors=5,
        on_error=lambda error: seen.append(error.line),
    )

    assert not result.ok
    assert result.error_count == 30
    assert [e.line for e in result.errors] == [2, 3, 4, 5, 6]
    assert seen == list(range(2, 32))
    assert (result.created, result.updated) == (0, 0)


def test_the_service_reads_an_open_binary_file(tmp_path: Path) -> None:
    CustomerFactory(msisdn="13900000001")
    stream = io.BytesIO(b"msisdn,date,category,amount\n13900000001,2025-01-01,hmt,9.99\n")

    result = usage_import(path_or_file=stream, dry_run=True)

    assert (result.ok, result.summary, result.dry_run) == (True, "created 1, updated 0", True)
    assert Usage.objects.count() == 0


def test_an_unknown_feed_is_refused() -> None:
    from membership.services.imports import feed_import

    with pytest.raises(DomainError):
        feed_import(feed="payments", path_or_file=io.BytesIO(b""))
