"""SERVICE-6: the birthday waiver job, its SMS and /api/fee-waivers/."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from conftest import instant
from core.errors import DomainError
from core.models import JobRun
from membership.models import Usage
from servicedesk.models import BirthdayWaiver, BirthdayWaiverCorrection, OutboxMessage
from servicedesk.services import waivers
from servicedesk.services.outbox import render_sms
from servicedesk.services.waivers import BirthdayRun, birthday_waivers_run, waivers_summary
from servicedesk.tests.conftest import make_customer
from tests.factories import UsageFactory

DAY = date(2026, 3, 5)
# The birthday of most tests is over: they run later that year.
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]


def usage(customer: Any, category: str, amount: str, day: date = DAY) -> None:
    UsageFactory(customer=customer, date=day, category=category, amount=Decimal(amount))


def test_service_6_waives_the_domestic_basic_fees_of_the_birthday_only() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.10")
    usage(customer, "domestic_data", "5.25")
    usage(customer, "domestic_sms", "0.40")
    for category in ("hmt", "international", "premium", "call_forwarding", "other"):
        usage(customer, category, "100.00")
    usage(customer, "domestic_voice", "7.00", day=date(2026, 3, 4))  # another day
    run = birthday_waivers_run(day=DAY)
    waiver = BirthdayWaiver.objects.get()
    assert (waiver.customer, waiver.date, waiver.year) == (customer, DAY, 2026)
    assert waiver.amount == Decimal("8.75")
    assert (run.created, run.total, run.zero, run.amount, run.notices) == (
        1,
        1,
        0,
        Decimal("8.75"),
        1,
    )


def test_service_6_only_active_gotone_lines_whose_birthday_it_is() -> None:
    wanted = make_customer(birth_date=date(1990, 3, 5))
    make_customer(birth_date=date(1990, 3, 5), brand="mzone")
    make_customer(birth_date=date(1990, 3, 5), status="suspended", suspension_reason="arrears")
    make_customer(birth_date=date(1990, 3, 6))
    make_customer(birth_date=None)
    birthday_waivers_run(day=DAY)
    assert list(BirthdayWaiver.objects.values_list("customer", flat=True)) == [wanted.pk]


def test_service_6_a_zero_amount_is_recorded_but_sends_no_sms() -> None:
    quiet = make_customer(birth_date=date(1980, 3, 5))
    usage(quiet, "international", "20.00")
    run = birthday_waivers_run(day=DAY)
    assert BirthdayWaiver.objects.get(customer=quiet).amount == Decimal("0.00")
    assert (run.zero, run.notices) == (1, 0)
    assert not OutboxMessage.objects.exists()


@pytest.mark.now("2026-03-06 01:00")  # the daily run, early on the day after the birthday
def test_service_6_the_sms_goes_to_the_outbox_for_the_next_day() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5), msisdn="13900000077")
    usage(customer, "domestic_voice", "12.30")
    birthday_waivers_run(day=DAY)
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.template, message.status) == (
        "13900000077",
        "birthday_waiver",
        "pending",
    )
    assert message.next_attempt_at == datetime(2026, 3, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    waiver = BirthdayWaiver.objects.get()
    assert message.cause_key == f"birthday_waiver:{waiver.pk}"
    assert "12.30" in render_sms(message.template, message.params)
    assert "2026-03-05" in render_sms(message.template, message.params)


def test_service_6_a_late_run_queues_the_sms_at_once() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "1.00")
    before = timezone.now()
    birthday_waivers_run(day=DAY)
    assert OutboxMessage.objects.get().next_attempt_at >= before


def test_service_6_the_job_run_twice_changes_nothing() -> None:
    for index in range(3):
        customer = make_customer(birth_date=date(1970 + index, 3, 5))
        usage(customer, "domestic_data", f"{index + 1}.00")
    first = birthday_waivers_run(day=DAY)
    second = birthday_waivers_run(day=DAY)
    assert (first.created, first.notices) == (3, 3)
    assert (second.created, second.notices, second.total) == (0, 0, 3)
    assert BirthdayWaiver.objects.count() == 3
    assert OutboxMessage.objects.count() == 3


@pytest.mark.now("2030-01-01")
def test_service_6_once_per_customer_per_year() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    birthday_waivers_run(day=DAY)
    customer.birth_date = date(1980, 3, 9)  # corrected in the feed
    customer.save()
    assert birthday_waivers_run(day=date(2026, 3, 9)).created == 0
    assert BirthdayWaiver.objects.filter(customer=customer).count() == 1
    assert birthday_waivers_run(day=date(2027, 3, 9)).created == 1
    assert list(
        BirthdayWaiver.objects.filter(customer=customer).values_list("year", flat=True)
    ) == [2027, 2026]


@pytest.mark.parametrize(
    ("day", "waived"),
    [
        (date(2026, 2, 28), {"feb29", "feb28"}),  # not a leap year: 29 Feb kept on 28 Feb
        (date(2026, 3, 1), set()),
        (date(2028, 2, 28), {"feb28"}),  # a leap year: each on their own day
        (date(2028, 2, 29), {"feb29"}),
    ],
)
@pytest.mark.now("2030-01-01")
def test_service_6_29_february_birthdays_on_28_february_in_other_years(
    day: date, waived: set[str]
) -> None:
    people = {
        "feb29": make_customer(birth_date=date(1992, 2, 29)),
        "feb28": make_customer(birth_date=date(1992, 2, 28)),
    }
    birthday_waivers_run(day=day)
    got = {name for name, c in people.items() if BirthdayWaiver.objects.filter(customer=c).exists()}
    assert got == waived


def test_service_6_a_day_that_is_not_over_is_refused() -> None:
    make_customer(birth_date=date(1980, 1, 1))
    with pytest.raises(DomainError):
        birthday_waivers_run(day=timezone.localdate())
    assert not BirthdayWaiver.objects.exists()


def test_service_6_the_command_prints_one_line_and_is_safe_to_run_twice() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "2.00")
    first, second = StringIO(), StringIO()
    call_command("run_birthday_waivers", "--date", "2026-03-05", stdout=first)
    call_command("run_birthday_waivers", "--date", "2026-03-05", stdout=second)
    assert first.getvalue().strip().count("\n") == 0
    assert "1 new" in first.getvalue()
    assert "2.00 yuan" in first.getvalue()
    assert "0 new" in second.getvalue()
    assert BirthdayWaiver.objects.count() == 1


def waivers_command(*args: str) -> str:
    out = StringIO()
    call_command("run_birthday_waivers", *args, stdout=out)
    return out.getvalue()


def test_service_6_the_command_records_its_job_run_and_prints_the_contract_line() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "2.00")
    make_customer(birth_date=date(1981, 3, 5))  # nothing used: a zero waiver, no SMS
    out = waivers_command("--date", "2026-03-05")
    assert out == (
        "birthday waivers 2026-03-05: 2 new, 2 in all (1 zero), 2.00 yuan waived, 1 SMS queued\n"
    )
    run = JobRun.objects.get(job="run_birthday_waivers", period="2026-03-05")
    assert (run.status, run.trigger, run.triggered_by) == ("succeeded", "command", None)
    assert run.counts["created"] == 2


def test_conv_5_the_waivers_command_twice_reruns_and_adds_nothing() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "2.00")
    waivers_command("--date", "2026-03-05")
    second = waivers_command("--date", "2026-03-05")
    assert second == (
        "birthday waivers 2026-03-05: 0 new, 1 in all (0 zero), 2.00 yuan waived, 0 SMS queued\n"
    )
    run = JobRun.objects.get(job="run_birthday_waivers", period="2026-03-05")
    assert (run.status, run.attempts, run.counts["created"]) == ("succeeded", 2, 0)
    assert (BirthdayWaiver.objects.count(), OutboxMessage.objects.count()) == (1, 1)


def test_service_6_the_summary_comes_from_the_counts_the_job_run_keeps() -> None:
    make_customer(birth_date=date(1980, 3, 5))  # no usage imported for the day at all
    run = birthday_waivers_run(day=DAY)
    line = waivers_summary("2026-03-05", run.as_counts())
    assert line == run.summary()
    assert line.endswith("; note: no usage is imported for that day yet")
    BirthdayWaiver.objects.all().delete()
    assert waivers_command("--date", "2026-03-05") == line + "\n"


# 17:30 UTC on 5 March is 01:30 on 6 March in Asia/Shanghai: yesterday is 5 March.
@pytest.mark.now("2026-03-05T17:30+00:00")
def test_service_6_conv_4_the_command_defaults_to_yesterday_in_shanghai() -> None:
    make_customer(birth_date=date(1980, 3, 5))
    assert waivers_command().startswith("birthday waivers 2026-03-05: 1 new")
    assert JobRun.objects.get().period == "2026-03-05"


def test_conv_5_the_waivers_command_leaves_a_running_run_alone_and_exits_1() -> None:
    make_customer(birth_date=date(1980, 3, 5))
    JobRun.objects.create(
        job="run_birthday_waivers", period="2026-03-05", status="running", started_at=timezone.now()
    )
    with pytest.raises(
        CommandError, match="run_job run_birthday_waivers 2026-03-05 --resume"
    ) as raised:
        waivers_command("--date", "2026-03-05")
    assert raised.value.returncode == 1
    assert not BirthdayWaiver.objects.exists()


@pytest.mark.parametrize("bad", ["2026-02-30", "5 March", "2026-3-5"])
def test_service_6_the_command_refuses_a_bad_date(bad: str) -> None:
    with pytest.raises(CommandError, match="not a date YYYY-MM-DD") as raised:
        waivers_command("--date", bad)
    assert raised.value.returncode == 1
    assert not JobRun.objects.exists()


def test_service_6_the_command_refuses_a_day_that_is_not_over() -> None:
    today = timezone.localdate().isoformat()
    with pytest.raises(CommandError, match="for a day that is over") as raised:
        waivers_command("--date", today)
    assert raised.value.returncode == 1
    assert JobRun.objects.get(job="run_birthday_waivers", period=today).status == "failed"


def test_service_6_the_task_runs_the_same_job() -> None:
    from core.tasks import CALENDAR_TASKS

    make_customer(birth_date=date(1980, 3, 5))
    result = CALENDAR_TASKS["run_birthday_waivers"].delay("2026-03-05").get()
    assert (result["job"], result["period"], result["status"]) == (
        "run_birthday_waivers",
        "2026-03-05",
        "succeeded",
    )
    assert "1 new" in waivers_summary(result["period"], result["counts"])
    assert BirthdayWaiver.objects.count() == 1


# D-DESK-12: usage of the birthday that the feed delivers late.


def run_on(when: str, day: date) -> BirthdayRun:
    """The job for ``day`` as the schedule (or an operator) runs it at ``when``."""
    with time_machine.travel(instant(when), tick=False):
        return birthday_waivers_run(day=day)


def test_service_6_late_usage_is_topped_up_by_a_later_run_with_a_correction() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    waiver = BirthdayWaiver.objects.get()
    assert waiver.amount == Decimal("3.00")
    usage(customer, "domestic_data", "2.50")  # delivered by the feed of 6 March
    run = run_on("2026-03-07 00:30", date(2026, 3, 6))  # the next day's run looks back
    assert (run.created, run.corrections, run.topped_up) == (0, 1, Decimal("2.50"))
    correction = BirthdayWaiverCorrection.objects.get()
    assert (correction.waiver, correction.run_day) == (waiver, date(2026, 3, 6))
    assert (correction.amount, correction.amount_before, correction.amount_after) == (
        Decimal("2.50"),
        Decimal("3.00"),
        Decimal("5.50"),
    )
    assert correction.created_at == instant("2026-03-07 00:30")
    again = BirthdayWaiver.objects.get()
    assert (again.pk, again.amount, again.created_at) == (
        waiver.pk,
        Decimal("5.50"),
        waiver.created_at,
    )
    Usage.objects.filter(customer=customer, category="domestic_voice").update(
        amount=Decimal("4.00")  # a re-imported row that grew
    )
    run_on("2026-03-08 00:30", date(2026, 3, 7))
    assert list(
        BirthdayWaiverCorrection.objects.values_list("amount_before", "amount", "amount_after")
    ) == [
        (Decimal("3.00"), Decimal("2.50"), Decimal("5.50")),
        (Decimal("5.50"), Decimal("1.00"), Decimal("6.50")),
    ]
    assert BirthdayWaiver.objects.get().amount == Decimal("6.50")


@pytest.mark.now("2026-03-07 10:00")  # within the lookback: no final SMS yet
def test_service_6_a_second_run_adds_no_correction() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    waivers_command("--date", "2026-03-05")
    usage(customer, "domestic_sms", "0.40")
    topped = waivers_command("--date", "2026-03-05")
    again = waivers_command("--date", "2026-03-05")
    assert topped == (
        "birthday waivers 2026-03-05: 0 new, 1 in all (0 zero), 3.40 yuan waived, "
        "0 SMS queued; 1 topped up for late usage, +0.40 yuan\n"
    )
    assert again == (
        "birthday waivers 2026-03-05: 0 new, 1 in all (0 zero), 3.40 yuan waived, 0 SMS queued\n"
    )
    assert BirthdayWaiverCorrection.objects.count() == 1
    run = JobRun.objects.get(job="run_birthday_waivers", period="2026-03-05")
    assert (run.counts["corrections"], run.counts["topped_up"]) == (0, "0.00")


def daily_runs(first: date, last: date) -> list[BirthdayRun]:
    """The scheduled runs for ``first`` … ``last``, each at 00:30 the next day."""
    runs = []
    day = first
    while day <= last:
        runs.append(run_on(f"{day + timedelta(days=1)} 00:30", day))
        day += timedelta(days=1)
    return runs


def test_service_6_the_next_day_sms_tells_the_amount_known_then() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5), msisdn="13900000077")
    usage(customer, "domestic_voice", "3.00")
    assert run_on("2026-03-06 00:30", DAY).notices == 1
    message = OutboxMessage.objects.get()
    waiver = BirthdayWaiver.objects.get()
    assert (message.template, message.cause_key) == (
        "birthday_waiver",
        f"birthday_waiver:{waiver.pk}",
    )
    assert message.next_attempt_at == datetime(2026, 3, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert "3.00" in render_sms(message.template, message.params)
    usage(customer, "domestic_data", "2.00")  # late: the SMS already queued keeps its amount
    assert run_on("2026-03-07 00:30", DAY + timedelta(days=1)).notices == 0
    message.refresh_from_db()
    assert "3.00" in render_sms(message.template, message.params)


def test_service_6_late_usage_brings_one_sms_with_the_final_amount_when_the_lookback_ends() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5), msisdn="13900000077")
    silent = make_customer(birth_date=date(1981, 3, 5))  # nothing used: no SMS ever
    late = make_customer(birth_date=date(1982, 3, 5))  # nothing at first, then late usage
    usage(customer, "domestic_voice", "3.00")
    assert run_on("2026-03-06 00:30", DAY).notices == 1  # the next day's SMS: 3.00
    usage(customer, "domestic_data", "2.00")
    usage(late, "domestic_sms", "0.30")
    assert [
        run.notices for run in daily_runs(DAY + timedelta(days=1), DAY + timedelta(days=5))
    ] == [0] * 5
    usage(customer, "domestic_sms", "1.25")
    assert run_on("2026-03-12 00:30", DAY + timedelta(days=6)).notices == 0  # still open
    waiver = BirthdayWaiver.objects.get(customer=customer)
    assert waiver.amount == Decimal("6.25")
    assert OutboxMessage.objects.count() == 1
    closing = run_on("2026-03-13 00:30", DAY + timedelta(days=7))  # the lookback of DAY ends
    assert (closing.notices, closing.final_notices, closing.as_counts()["final_sms"]) == (2, 2, 2)
    first, final = OutboxMessage.objects.filter(customer=customer).order_by("id")
    assert (first.cause_key, first.template) == (f"birthday_waiver:{waiver.pk}", "birthday_waiver")
    assert "3.00" in render_sms(first.template, first.params)
    assert (final.cause_key, final.template, final.recipient) == (
        f"birthday_waiver_final:{waiver.pk}",
        "birthday_final",
        "13900000077",
    )
    assert final.next_attempt_at == datetime(2026, 3, 13, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = render_sms(final.template, final.params)
    assert "6.25" in text
    assert "2026-03-05" in text
    told_late = OutboxMessage.objects.get(customer=late)  # never told before: told now
    assert told_late.template == "birthday_final"
    assert "0.30" in render_sms(told_late.template, told_late.params)
    assert not OutboxMessage.objects.filter(customer=silent).exists()
    assert run_on("2026-03-13 08:00", DAY + timedelta(days=7)).notices == 0  # run again
    usage(customer, "domestic_voice", "9.00", day=DAY + timedelta(days=1))  # another day
    UsageFactory(customer=customer, date=DAY, category="premium", amount=Decimal("5.00"))
    Usage.objects.filter(customer=customer, date=DAY, category="domestic_data").update(
        amount=Decimal("6.00")  # re-imported after the lookback: not waived any more
    )
    assert run_on("2026-03-14 00:30", DAY + timedelta(days=8)).notices == 0
    assert OutboxMessage.objects.count() == 3
    assert BirthdayWaiver.objects.get(customer=customer).amount == Decimal("6.25")


def test_service_6_no_second_sms_when_nothing_was_topped_up() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    usage(customer, "international", "8.00", day=DAY)
    runs = daily_runs(DAY, DAY + timedelta(days=7))
    assert [run.notices for run in runs] == [1, 0, 0, 0, 0, 0, 0, 0]
    assert runs[-1].final_notices == 0
    assert list(OutboxMessage.objects.values_list("template", flat=True)) == ["birthday_waiver"]
    assert not BirthdayWaiverCorrection.objects.exists()


def test_service_6_no_final_sms_when_the_customer_was_told_the_amount_already() -> None:
    """The final SMS compares the waiver with the amount the next-day SMS told, not with
    whether a correction exists (the amounts are not whole yuan: SQLite compares them as
    numbers, not as text)."""
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.10")
    run_on("2026-03-06 00:30", DAY)
    OutboxMessage.objects.all().delete()  # as if the next-day SMS had not been queued yet
    usage(customer, "domestic_data", "2.35")
    assert run_on("2026-03-06 08:00", DAY).notices == 1  # run again by hand: tops up, then SMS
    assert BirthdayWaiverCorrection.objects.count() == 1
    assert [
        run.notices for run in daily_runs(DAY + timedelta(days=1), DAY + timedelta(days=7))
    ] == [0] * 7
    message = OutboxMessage.objects.get()
    assert message.template == "birthday_waiver"
    assert "5.45" in render_sms(message.template, message.params)


def test_service_6_the_summary_counts_the_final_sms_with_the_others() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    daily_runs(DAY, DAY + timedelta(days=2))
    usage(customer, "domestic_data", "1.00")
    line = waivers_command("--date", "2026-03-12")  # the run that closes DAY's lookback
    assert line == (
        "birthday waivers 2026-03-12: 0 new, 0 in all (0 zero), 0.00 yuan waived, "
        "1 SMS queued; 1 topped up for late usage, +1.00 yuan; "
        "note: no usage is imported for that day yet\n"
    )
    assert JobRun.objects.get(period="2026-03-12").counts["final_sms"] == 1


def test_service_6_late_usage_of_another_day_or_not_domestic_is_not_waived() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    for category in ("hmt", "international", "premium", "call_forwarding", "other"):
        usage(customer, category, "50.00")
    usage(customer, "domestic_data", "7.00", day=DAY - timedelta(days=1))
    usage(customer, "domestic_data", "8.00", day=DAY + timedelta(days=1))
    run = run_on("2026-03-07 00:30", DAY + timedelta(days=1))
    assert (run.corrections, run.topped_up) == (0, Decimal("0.00"))
    assert not BirthdayWaiverCorrection.objects.exists()
    assert BirthdayWaiver.objects.get().amount == Decimal("3.00")


def test_service_6_a_cancelled_or_non_gotone_line_gets_nothing_even_late() -> None:
    mzone = make_customer(birth_date=date(1990, 3, 5), brand="mzone")
    cancelled = make_customer(birth_date=date(1990, 3, 5), status="cancelled")
    for line in (mzone, cancelled):
        usage(line, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    for line in (mzone, cancelled):
        usage(line, "domestic_data", "2.00")
    run_on("2026-03-07 00:30", DAY + timedelta(days=1))
    run_on("2026-03-13 00:30", DAY + timedelta(days=7))
    assert not BirthdayWaiver.objects.exists()
    assert not BirthdayWaiverCorrection.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_service_6_a_line_cancelled_after_its_waiver_is_topped_up_but_sent_no_sms() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    type(customer).objects.filter(pk=customer.pk).update(status="cancelled")
    usage(customer, "domestic_data", "2.00")
    run_on("2026-03-07 00:30", DAY + timedelta(days=1))
    assert BirthdayWaiver.objects.get().amount == Decimal("5.00")
    run_on("2026-03-13 00:30", DAY + timedelta(days=7))
    message = OutboxMessage.objects.get()  # the next day's, while the line was active
    assert message.template == "birthday_waiver"  # no final amount: the number may be
    # someone else's now


def test_service_6_a_waiver_is_never_reduced() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    Usage.objects.filter(customer=customer).update(amount=Decimal("1.00"))  # re-imported lower
    assert run_on("2026-03-07 00:30", DAY + timedelta(days=1)).corrections == 0
    assert BirthdayWaiver.objects.get().amount == Decimal("3.00")
    assert not BirthdayWaiverCorrection.objects.exists()


@pytest.mark.now("2026-03-07 10:00")
def test_service_6_a_run_that_fails_halfway_leaves_nothing_and_runs_again_to_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    waivers_command("--date", "2026-03-05")
    usage(customer, "domestic_data", "2.00")
    make_customer(birth_date=date(1980, 3, 6))

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("the worker died")

    monkeypatch.setattr(waivers, "notice_birthday_waivers", broken)  # after the top-up
    with pytest.raises(CommandError):
        waivers_command("--date", "2026-03-06")
    assert JobRun.objects.get(period="2026-03-06").status == "failed"
    assert BirthdayWaiver.objects.count() == 1
    assert BirthdayWaiver.objects.get().amount == Decimal("3.00")
    assert not BirthdayWaiverCorrection.objects.exists()
    monkeypatch.undo()
    assert waivers_command("--date", "2026-03-06") == (
        "birthday waivers 2026-03-06: 1 new, 1 in all (1 zero), 0.00 yuan waived, "
        "0 SMS queued; 1 topped up for late usage, +2.00 yuan; "
        "note: no usage is imported for that day yet\n"
    )
    assert "0 new" in waivers_command("--date", "2026-03-06")
    assert BirthdayWaiver.objects.get(customer=customer).amount == Decimal("5.00")
    assert BirthdayWaiverCorrection.objects.count() == 1


def test_service_6_two_corrections_from_the_same_amount_are_refused() -> None:
    customer = make_customer(birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "3.00")
    run_on("2026-03-06 00:30", DAY)
    waiver = BirthdayWaiver.objects.get()

    def book() -> None:
        BirthdayWaiverCorrection.objects.create(
            waiver=waiver,
            amount=Decimal("1.00"),
            amount_before=Decimal("3.00"),
            amount_after=Decimal("4.00"),
            run_day=DAY,
            created_at=timezone.now(),
        )

    book()
    with pytest.raises(IntegrityError), transaction.atomic():
        book()  # a second run topping up the same waiver at the same time fails


def test_service_6_fee_waivers_api_gives_the_amount_with_its_corrections(
    client: Client, clerk: Any
) -> None:
    customer = make_customer(msisdn="13900000088", birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "4.50")
    run_on("2026-03-06 00:30", DAY)
    usage(customer, "domestic_data", "1.25")
    run_on("2026-03-07 00:30", DAY + timedelta(days=1))
    client.force_login(clerk)
    response = client.get("/api/fee-waivers/", {"msisdn": "13900000088"})
    assert response.json() == [{"msisdn": "13900000088", "date": "2026-03-05", "amount": "5.75"}]


# GET /api/fee-waivers/?msisdn=...


def test_service_6_fee_waivers_api_lists_exactly_msisdn_date_amount(
    client: Client, account_manager: Any
) -> None:
    customer = make_customer(msisdn="13900000088", birth_date=date(1980, 3, 5))
    usage(customer, "domestic_voice", "4.50")
    birthday_waivers_run(day=DAY)
    BirthdayWaiver.objects.create(
        customer=customer,
        date=date(2025, 3, 5),
        year=2025,
        amount=Decimal("0.00"),
        created_at=datetime(2025, 3, 6, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    make_customer(msisdn="13900000099", birth_date=date(1980, 3, 5))
    birthday_waivers_run(day=DAY)
    client.force_login(account_manager)
    response = client.get("/api/fee-waivers/", {"msisdn": "13900000088"})
    assert response.status_code == 200
    assert response.json() == [
        {"msisdn": "13900000088", "date": "2026-03-05", "amount": "4.50"},
        {"msisdn": "13900000088", "date": "2025-03-05", "amount": "0.00"},
    ]


def test_service_6_fee_waivers_api_needs_a_valid_number(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    assert client.get("/api/fee-waivers/").status_code == 400
    assert client.get("/api/fee-waivers/", {"msisdn": "123"}).status_code == 400
    assert client.get("/api/fee-waivers/", {"msisdn": "13900000000"}).json() == []


def test_service_6_fee_waivers_api_is_staff_only(client: Client, outsider: Any) -> None:
    assert client.get("/api/fee-waivers/", {"msisdn": "13900000000"}).status_code in (401, 403)
    client.force_login(outsider)
    assert client.get("/api/fee-waivers/", {"msisdn": "13900000000"}).status_code == 403
