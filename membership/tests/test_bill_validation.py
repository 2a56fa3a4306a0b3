"""CUST-9 / D-VALID-2: what the bills feed refuses and what it flags.

A bill of a month that has not ended is a bad row (the file's every bad row is reported with
its line, nothing is imported — the feed contract). A negative total is a credit the billing
system really issues (POINTS-1 gives it no points, D-CREDIT-3 counts it): imported, and
flagged — on the command's stderr (stdout keeps the contract's one-line summary) and on the
upload's page. Bills are not edited by hand: the admin shows them read-only.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse

from membership.models import Bill, ImportRun
from membership.services.imports import bills_import, import_run_create, import_run_execute
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-01 09:00")]
HEADER = "msisdn,month,total\n"


@pytest.fixture(autouse=True)
def lines(db: Any) -> None:
    CustomerFactory(msisdn="13900000001")
    CustomerFactory(msisdn="13900000002")


def feed(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "bills.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def command(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_bills", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_cust_9_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    """Unfinished months sit among the other bad rows of the contract, in line order."""
    path = feed(
        tmp_path,
        "13900000001,2026-10,128.50\n"  # line 2: the month that ended yesterday: fine
        "13900000001,2026-11,10.00\n"  # line 3: this month, still running
        "13900000002,2026-10,12.345\n"  # line 4: three decimals
        "\n"  # line 5: blank, counted
        "13900000002,2027-01,-5.00\n"  # line 6: a month to come (and a credit)
        "13800000000,2026-09,1.00\n",  # line 7: nobody's number
    )

    code, out, err = command(path)

    assert code == 1
    assert out.splitlines() == [
        "line 3: month: 2026-11 has not ended; a month is billed once it is over",
        "line 4: total: “12.345” has more than 2 decimal places",
        "line 6: month: 2027-01 has not ended; a month is billed once it is over",
        "line 7: msisdn: no customer has the number 13800000000",
    ]
    assert "4 bad rows; nothing imported." in err
    assert "note:" not in err  # a refused file flags nothing
    assert not Bill.objects.exists()


def test_cust_9_negative_totals_are_imported_and_flagged_on_stderr(tmp_path: Path) -> None:
    path = feed(
        tmp_path,
        "13900000001,2026-09,128.50\n"
        "13900000002,2026-09,-12.30\n"
        "13900000001,2026-10,0\n"
        "13900000002,2026-10,-0.01\n",
    )

    code, out, err = command(path, "--dry-run")
    assert (code, out) == (0, "created 4, updated 0\n")
    assert err == (
        "note: 2 bills have a negative total (a credit), imported, earning no points: lines 3, 5\n"
    )
    assert not Bill.objects.exists()

    code, out, err = command(path)

    assert (code, out) == (0, "created 4, updated 0\n")  # stdout: the contract's line alone
    assert err.startswith("note: 2 bills have a negative total")
    assert sorted(Bill.objects.values_list("total", flat=True)) == [
        Decimal("-12.30"),
        Decimal("-0.01"),
        Decimal("0.00"),
        Decimal("128.50"),
    ]


def test_cust_9_the_flag_names_the_first_twenty_lines_and_counts_all(tmp_path: Path) -> None:
    rows = "".join(
        f"{'13900000001' if n % 2 else '13900000002'},{2020 + n // 12}-{n % 12 + 1:02d},-1.00\n"
        for n in range(25)
    )
    result = bills_import(path_or_file=feed(tmp_path, rows), dry_run=True)

    assert result.ok
    assert result.negative_totals == 25
    assert result.negative_lines == list(range(2, 22))
    assert result.note.endswith(
        "lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 and 5 more"
    )


def test_cust_9_an_upload_with_credits_says_so_on_its_page(
    tmp_path: Path, settings: Any, supervisor: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile(
        "bills.csv",
        (HEADER + "13900000001,2026-10,88.00\n13900000002,2026-10,-3.50\n").encode(),
        content_type="text/csv",
    )
    run = import_run_create(feed="bills", uploaded_file=upload, dry_run=False, actor=supervisor)
    import_run_execute(run_id=run.pk)
    run.refresh_from_db()

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.counts == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "negative_totals": 1,
        "negative_lines": [3],
    }
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor)
    page = client.get(reverse("membership:import_run_detail", kwargs={"pk": run.pk}))
    assert (
        "Bills feed imported: created 2, updated 0. 1 bill has a negative total (a credit), "
        "which earns no points: line 3." in page.content.decode()
    )


def test_cust_9_bills_are_read_only_in_the_admin(superuser: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    bill_admin = admin.site._registry[Bill]
    assert bill_admin.has_view_permission(request)
    assert not bill_admin.has_add_permission(request)
    assert not bill_admin.has_change_permission(request)
    assert not bill_admin.has_delete_permission(request)
