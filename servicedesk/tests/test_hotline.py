"""SERVICE-7: the hotline call log import and the service-level report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from servicedesk.models import HotlineCall
from servicedesk.selectors.hotline import hotline_report

pytestmark = pytest.mark.django_db

HEADER = "call_id,started_at,msisdn,vip,wait_seconds,transfer,transfer_ok\n"


def write(tmp_path: Path, body: str, name: str = "calls.csv") -> str:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_service_7_import_creates_then_updates_by_call_id(tmp_path: Path) -> None:
    first = write(
        tmp_path,
        "c1,2026-03-18 09:00:05,13900000001,1,12,,\n"
        "c2,2026-03-18T09:01:00,13900000002,0,,agent,1\n",
    )
    out = StringIO()
    call_command("import_call_log", first, stdout=out)
    assert out.getvalue().strip() == "created 2, updated 0"
    c1 = HotlineCall.objects.get(call_id="c1")
    assert (c1.vip, c1.wait_seconds, c1.transfer, c1.transfer_ok) == (True, 12, "", None)
    assert c1.day == date(2026, 3, 18)
    second = write(tmp_path, "c1,2026-03-18 09:00:05,13900000001,1,25,,\n", name="again.csv")
    out = StringIO()
    call_command("import_call_log", second, stdout=out)
    assert out.getvalue().strip() == "created 0, updated 1"
    assert HotlineCall.objects.get(call_id="c1").wait_seconds == 25
    assert HotlineCall.objects.count() == 2


def test_service_7_every_bad_line_is_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c1,2026-03-18 09:00:05,13900000001,1,12,,\n"
        "c2,yesterday,13900000002,0,,agent,1\n"
        "c3,2026-03-18 09:02:00,12345,2,-4,fax,\n"
        "c1,2026-03-18 09:03:00,13900000003,0,5,,\n"
        "c4,2026-03-18 09:04:00,13900000004,0,5,self_service,\n"
        "c5,2026-03-18 09:05:00,13900000005\n",
    )
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_call_log", path, stdout=out)
    assert raised.value.returncode == 1
    lines = out.getvalue().strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "started_at" in lines[0]
    assert all(column in lines[1] for column in ("msisdn", "vip", "wait_seconds", "transfer"))
    assert "already on line 2" in lines[2]
    assert "transfer_ok" in lines[3]
    assert "expected 7 columns" in lines[4]
    assert not HotlineCall.objects.exists()


def test_service_7_a_wrong_header_is_line_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,when\n1,2\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_call_log", str(path), stdout=out)
    assert out.getvalue().startswith("line 1: the header must be call_id,started_at")


def test_service_7_dry_run_validates_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "c1,2026-03-18 09:00:05,13900000001,1,12,,\n")
    out = StringIO()
    call_command("import_call_log", path, "--dry-run", stdout=out)
    assert "created 1, updated 0" in out.getvalue()
    assert not HotlineCall.objects.exists()


def test_service_7_the_report_measures_the_three_figures_against_their_targets(
    tmp_path: Path,
) -> None:
    rows = []
    # VIP: 9 of 10 answered within 20 s (one at exactly 20 s, one abandoned) -> 90% (met)
    for index in range(8):
        rows.append(f"v{index},2026-03-18 10:00:00,13900000001,1,{5 + index},,")
    rows.append("v8,2026-03-18 10:00:00,13900000001,1,20,,")
    rows.append("v9,2026-03-18 10:00:00,13900000001,1,,,")
    # transfers to an agent: 1 error in 100 -> 1% (above 0.5%: not met)
    for index in range(100):
        rows.append(f"a{index},2026-03-18 11:00:00,13900000002,0,30,agent,{0 if index == 0 else 1}")
    # transfers to self-service: 99 of 100 -> 99% (met)
    for index in range(100):
        rows.append(
            f"s{index},2026-03-18 12:00:00,13900000003,0,,self_service,{0 if index == 0 else 1}"
        )
    rows.append("x1,2026-03-17 12:00:00,13900000003,1,,,")  # another day
    call_command("import_call_log", write(tmp_path, "\n".join(rows) + "\n"), stdout=StringIO())
    report = hotline_report(date(2026, 3, 18), date(2026, 3, 18))
    figures = {figure.key: figure for figure in report["figures"]}  # type: ignore[attr-defined]
    assert report["calls"] == 210
    vip = figures["vip_answered"]
    assert (vip.numerator, vip.denominator, vip.percent, vip.met) == (9, 10, Decimal("90.00"), True)
    errors = figures["transfer_errors"]
    assert (errors.percent, errors.target, errors.met) == (Decimal("1.00"), Decimal("0.5"), False)
    self_service = figures["self_service"]
    assert (self_service.percent, self_service.met) == (Decimal("99.00"), True)


def test_service_7_a_day_without_calls_reports_no_data() -> None:
    report = hotline_report(date(2026, 3, 18), date(2026, 3, 18))
    assert report["calls"] == 0
    assert all(figure.met is None for figure in report["figures"])  # type: ignore[attr-defined]
