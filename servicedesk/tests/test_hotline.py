"""SERVICE-7: the hotline call log import and the service-level report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from servicedesk.models import HotlineCall
from servicedesk.selectors.hotline import hotline_report, vip_unasked_transfers

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


# --- D-DESK-14: the optional columns and the two transfer figures -------------------------

EXTENDED = HEADER.rstrip("\n") + ",transfer_asked,expert,expert_wait_seconds\n"


def write_extended(tmp_path: Path, body: str, name: str = "calls-x.csv") -> str:
    path = tmp_path / name
    path.write_text(EXTENDED + body, encoding="utf-8")
    return str(path)


def test_service_7_import_reads_the_optional_transfer_columns(tmp_path: Path) -> None:
    path = write_extended(
        tmp_path,
        "c1,2026-03-18 09:00:05,13900000001,1,12,agent,1,0,1,15\n"
        "c2,2026-03-18 09:01:00,13900000002,1,8,self_service,1,1,,\n"
        "c3,2026-03-18 09:02:00,13900000003,0,9,agent,1,,0,\n"
        "c4,2026-03-18 09:03:00,13900000004,1,3,,,,,\n",
    )
    out = StringIO()
    call_command("import_call_log", path, stdout=out)
    assert out.getvalue().strip() == "created 4, updated 0"
    stored = {
        call.call_id: (call.transfer_asked, call.expert, call.expert_wait_seconds)
        for call in HotlineCall.objects.all()
    }
    assert stored == {
        "c1": (False, True, 15),
        "c2": (True, None, None),
        "c3": (None, False, None),
        "c4": (None, None, None),
    }


def test_service_7_a_file_may_stop_after_any_optional_column(tmp_path: Path) -> None:
    path = tmp_path / "calls-asked.csv"
    path.write_text(
        HEADER.rstrip("\n") + ",transfer_asked\n"
        "c1,2026-03-18 09:00:05,13900000001,1,12,agent,1,1\n",
        encoding="utf-8",
    )
    call_command("import_call_log", str(path), stdout=StringIO())
    call = HotlineCall.objects.get(call_id="c1")
    assert (call.transfer_asked, call.expert, call.expert_wait_seconds) == (True, None, None)


def test_service_7_old_files_still_import_with_the_new_columns_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "c1,2026-03-18 09:00:05,13900000001,1,12,agent,1\n")
    out = StringIO()
    call_command("import_call_log", path, stdout=out)
    assert out.getvalue().strip() == "created 1, updated 0"
    call = HotlineCall.objects.get(call_id="c1")
    assert (call.transfer_asked, call.expert, call.expert_wait_seconds) == (None, None, None)


def test_service_7_bad_optional_values_are_reported_per_line(tmp_path: Path) -> None:
    path = write_extended(
        tmp_path,
        "c1,2026-03-18 09:00:05,13900000001,1,12,,,1,,\n"  # asked without a transfer
        "c2,2026-03-18 09:01:00,13900000002,1,8,self_service,1,1,1,\n"  # expert, self-service
        "c3,2026-03-18 09:02:00,13900000003,0,9,agent,1,yes,0,12\n"  # bad flag; wait, no expert
        "c4,2026-03-18 09:03:00,13900000004,0,9,agent,1,0,1,soon\n"  # wait not a number
        "c5,2026-03-18 09:04:00,13900000005,0,9,agent,1\n",  # the file has ten columns
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_call_log", path, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in range(2, 7)]
    assert "transfer_asked: must be empty when there is no transfer" in lines[0]
    assert "expert: must be empty unless" in lines[1]
    assert "transfer_asked: is “yes”" in lines[2]
    assert "expert_wait_seconds: must be empty unless expert is 1" in lines[2]
    assert "expert_wait_seconds: “soon”" in lines[3]
    assert "expected 10 columns, found 7" in lines[4]
    assert not HotlineCall.objects.exists()


def test_service_7_optional_columns_out_of_order_are_a_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "calls-bad.csv"
    path.write_text(
        HEADER.rstrip("\n") + ",expert\nc1,2026-03-18 09:00:05,13900000001,1,12,agent,1,1\n",
        encoding="utf-8",
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_call_log", str(path), stdout=out)
    assert out.getvalue().startswith(
        "line 1: the header must be call_id,started_at,msisdn,vip,wait_seconds,transfer,"
        "transfer_ok[,transfer_asked,expert,expert_wait_seconds]"
    )


SMALL_LOG = (
    # VIP calls: 6. Transferred without asking: v2 (agent), v3 (self-service) -> 2 of 6.
    "v1,2026-03-18 10:00:00,13900000001,1,5,agent,1,1,1,10\n"
    "v2,2026-03-18 10:01:00,13900000001,1,5,agent,1,0,1,25\n"
    "v3,2026-03-18 10:02:00,13900000001,1,5,self_service,1,0,,\n"
    "v4,2026-03-18 10:03:00,13900000001,1,5,,,,,\n"
    "v5,2026-03-18 10:04:00,13900000001,1,,,,,,\n"
    "v6,2026-03-18 10:05:00,13900000001,1,5,agent,0,1,1,\n"
    # Not VIP: transfers without asking do not count for the first figure.
    "n1,2026-03-18 11:00:00,13900000002,0,5,agent,1,0,1,20\n"
    "n2,2026-03-18 11:01:00,13900000002,0,5,agent,1,,0,\n"
    "n3,2026-03-18 11:02:00,13900000002,0,5,agent,1,,,\n"
    # Another day.
    "x1,2026-03-17 11:00:00,13900000002,1,5,agent,1,0,1,50\n"
)


def _figures(day: date) -> dict[str, object]:
    report = hotline_report(day, day)
    return {figure.key: figure for figure in report["figures"]}  # type: ignore[attr-defined]


def test_service_7_the_transfer_figures_equal_a_hand_count(tmp_path: Path) -> None:
    call_command("import_call_log", write_extended(tmp_path, SMALL_LOG), stdout=StringIO())
    figures = _figures(date(2026, 3, 18))
    unasked = figures["vip_unasked_transfers"]
    # Hand count: VIP calls v1..v6 = 6; transferred with transfer_asked 0: v2, v3 = 2.
    assert (unasked.numerator, unasked.denominator) == (2, 6)  # type: ignore[attr-defined]
    assert unasked.percent == Decimal("33.33")  # type: ignore[attr-defined]
    assert unasked.target == Decimal(0)  # type: ignore[attr-defined]
    assert unasked.met is False  # type: ignore[attr-defined]
    expert = figures["expert_answered"]
    # Hand count: expert transfers v1 (10 s), v2 (25 s), v6 (never), n1 (20 s) = 4;
    # within 20 s: v1, n1 = 2 -> 50 % < 90 %. n3's expert column is empty: unrecorded.
    assert (expert.numerator, expert.denominator) == (2, 4)  # type: ignore[attr-defined]
    assert expert.percent == Decimal("50.00")  # type: ignore[attr-defined]
    assert expert.target == Decimal("90")  # type: ignore[attr-defined]
    assert expert.unrecorded == 1  # type: ignore[attr-defined]
    assert expert.met is False  # type: ignore[attr-defined]
    breaches = vip_unasked_transfers(date(2026, 3, 18), date(2026, 3, 18))
    assert [call.call_id for call in breaches] == ["v3", "v2"]


def test_service_7_targets_met_and_unrecorded_zero_not_confirmed(tmp_path: Path) -> None:
    rows = [
        # 10 expert transfers, 9 within 20 s (one at exactly 20) -> 90 %: met.
        *(f"e{i},2026-03-18 10:00:00,13900000001,0,5,agent,1,,1,{5 + i}" for i in range(8)),
        "e8,2026-03-18 10:00:00,13900000001,0,5,agent,1,,1,20",
        "e9,2026-03-18 10:00:00,13900000001,0,5,agent,1,,1,21",
        # VIP: transferred only when asked -> 0: met.
        "v1,2026-03-18 10:00:00,13900000001,1,5,agent,1,1,0,",
        "v2,2026-03-18 10:00:00,13900000001,1,5,,,,,",
    ]
    call_command(
        "import_call_log", write_extended(tmp_path, "\n".join(rows) + "\n"), stdout=StringIO()
    )
    figures = _figures(date(2026, 3, 18))
    assert figures["expert_answered"].percent == Decimal("90.00")  # type: ignore[attr-defined]
    assert figures["expert_answered"].met is True  # type: ignore[attr-defined]
    assert figures["vip_unasked_transfers"].numerator == 0  # type: ignore[attr-defined]
    assert figures["vip_unasked_transfers"].met is True  # type: ignore[attr-defined]
    # A VIP transfer whose transfer_asked is empty: the zero is no longer confirmed.
    old = write(tmp_path, "v3,2026-03-18 10:00:00,13900000001,1,5,agent,1\n", name="old.csv")
    call_command("import_call_log", old, stdout=StringIO())
    unasked = _figures(date(2026, 3, 18))["vip_unasked_transfers"]
    assert (unasked.numerator, unasked.unrecorded) == (0, 1)  # type: ignore[attr-defined]
    assert unasked.met is None  # type: ignore[attr-defined]


def test_service_7_the_service_levels_page_shows_both_figures_in_chinese(
    tmp_path: Path, settings: Any, supervisor: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("import_call_log", write_extended(tmp_path, SMALL_LOG), stdout=StringIO())
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(supervisor)
    response = client.get(reverse("servicedesk:service_levels"), {"day": "2026-03-18"})
    page = response.content.decode()
    assert "未经客户要求转接的VIP来电" in page
    assert "转接人工专家坐席20秒内接通率" in page
    assert "33.33% <span" in page
    assert "(2/6)" in page
    assert "50.00%" in page
    assert "(2/4)" in page
    assert 'data-testid="met-vip_unasked_transfers"><span class="badge bad">' in page
    assert 'data-testid="met-expert_answered"><span class="badge bad">' in page
    assert 'data-testid="unasked-transfers"' in page
    assert "<td>v2</td>" in page
    assert "<td>v3</td>" in page
    assert "1 通来电未记录" in page
