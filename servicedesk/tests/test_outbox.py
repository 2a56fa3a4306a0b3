"""NOTICE-1: the SMS outbox — stored once per cause, sent through a gateway, retried, never
sent twice (also when the worker dies after the gateway accepted a message)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from keyaccounts.models import KeyPerson
from membership.models import RatingRun
from servicedesk.gateways import (
    FileGateway,
    GatewayError,
    GatewayRejected,
    LoggingGateway,
    OutgoingSms,
)
from servicedesk.models import BirthdayWaiver, OutboxMessage, OutboxStatus
from servicedesk.services.notices import (
    notice_expiry_reminders,
    notice_holiday_greetings,
    notice_level_change,
    notice_rating_run,
)
from servicedesk.services.outbox import (
    outbox_enqueue,
    outbox_retry_failed,
    outbox_send_due,
    outbox_send_one,
)
from servicedesk.tests.conftest import give_level, make_customer
from tests.factories import KeyPersonFactory

# The tests run on 25 November 2026; "now" for the sender is a day ahead of that clock, so
# that every message stored is due.
pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class PhoneNetwork:
    """What customers' phones received."""

    def __init__(self) -> None:
        self.delivered: list[OutgoingSms] = []


class DedupGateway:
    """A gateway that remembers keys (as real SMS APIs with a client message id do)."""

    deduplicates = True

    def __init__(self, network: PhoneNetwork) -> None:
        self.network = network
        self.accepted: dict[str, str] = {}

    def send(self, sms: OutgoingSms) -> str:
        if sms.key not in self.accepted:
            self.accepted[sms.key] = f"gw-{len(self.accepted) + 1}"
            self.network.delivered.append(sms)
        return self.accepted[sms.key]


class ForgetfulGateway(DedupGateway):
    """Sends whatever it gets, every time."""

    deduplicates = False

    def send(self, sms: OutgoingSms) -> str:
        self.network.delivered.append(sms)
        return "gw"


class WorkerDied(BaseException):
    """The process was killed (not an error the outbox code could catch)."""


class DiesAfterSending:
    """The gateway accepts the message, then the worker dies before marking it sent."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.deduplicates = inner.deduplicates

    def send(self, sms: OutgoingSms) -> str:
        self.inner.send(sms)
        raise WorkerDied


class Flaky:
    deduplicates = True

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def send(self, sms: OutgoingSms) -> str:
        self.calls += 1
        raise self.error


def message(cause: str = "test:1", **kwargs: Any) -> OutboxMessage:
    customer = kwargs.pop("customer", None) or make_customer()
    created, _ = outbox_enqueue(
        template="level_change",
        recipient=customer.msisdn,
        customer=customer,
        cause_key=cause,
        params={"level": "gold", "valid_from": "2026-02-01"},
        **kwargs,
    )
    return created


def test_notice_1_a_cause_is_stored_once() -> None:
    first = message("level:1")
    second, created = outbox_enqueue(
        template="level_change",
        recipient="13900000000",
        cause_key="level:1",
        params={"level": "silver", "valid_from": "2026-02-01"},
    )
    assert (second.pk, created) == (first.pk, False)
    assert OutboxMessage.objects.count() == 1
    assert second.params["level"] == "gold"


def test_notice_1_due_messages_are_sent_and_marked() -> None:
    network = PhoneNetwork()
    sent = message("a", not_before=NOW - timedelta(minutes=1))
    later = message("b", not_before=NOW + timedelta(hours=1))
    counts = outbox_send_due(gateway=DedupGateway(network), now=NOW)
    assert counts["sent"] == 1
    sent.refresh_from_db()
    later.refresh_from_db()
    assert (sent.status, sent.attempts, sent.gateway_id, sent.sent_at) == ("sent", 1, "gw-1", NOW)
    assert "Gold" in sent.body or "金卡" in sent.body
    assert later.status == "pending"
    assert [sms.key for sms in network.delivered] == ["a"]


def test_notice_1_sending_twice_sends_nothing_more() -> None:
    network = PhoneNetwork()
    gateway = DedupGateway(network)
    message("a", not_before=NOW)
    outbox_send_due(gateway=gateway, now=NOW)
    assert (
        outbox_send_due(gateway=ForgetfulGateway(network), now=NOW + timedelta(hours=1))["sent"]
        == 0
    )
    assert len(network.delivered) == 1


def test_notice_1_a_message_claimed_by_one_worker_is_skipped_by_another() -> None:
    network = PhoneNetwork()
    queued = message("a", not_before=NOW)
    OutboxMessage.objects.filter(pk=queued.pk).update(status="sending", claimed_at=NOW)
    assert (
        outbox_send_one(message_id=queued.pk, gateway=ForgetfulGateway(network), now=NOW)
        == "skipped"
    )
    assert network.delivered == []


def test_notice_1_the_worker_dies_after_sending_and_the_resend_is_deduplicated() -> None:
    network = PhoneNetwork()
    gateway = DedupGateway(network)
    queued = message("birthday_waiver:7", not_before=NOW)
    with pytest.raises(WorkerDied):
        outbox_send_due(gateway=DiesAfterSending(gateway), now=NOW)
    queued.refresh_from_db()
    assert queued.status == OutboxStatus.SENDING  # accepted by the gateway, never marked
    assert len(network.delivered) == 1
    # another worker, within the lease: leaves it alone
    assert outbox_send_due(gateway=gateway, now=NOW + timedelta(minutes=1))["sent"] == 0
    # after the lease: taken back and resent with the same key; the gateway swallows it
    counts = outbox_send_due(gateway=gateway, now=NOW + timedelta(minutes=6))
    assert (counts["recovered"], counts["sent"]) == (1, 1)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.gateway_id) == ("sent", 2, "gw-1")
    assert len(network.delivered) == 1  # the customer got one SMS
    assert outbox_send_due(gateway=gateway, now=NOW + timedelta(hours=1))["sent"] == 0
    assert len(network.delivered) == 1


def test_notice_1_without_a_deduplicating_gateway_a_dead_send_is_failed_not_resent() -> None:
    network = PhoneNetwork()
    gateway = ForgetfulGateway(network)
    queued = message("x", not_before=NOW)
    with pytest.raises(WorkerDied):
        outbox_send_due(gateway=DiesAfterSending(gateway), now=NOW)
    counts = outbox_send_due(gateway=gateway, now=NOW + timedelta(minutes=6))
    queued.refresh_from_db()
    assert (counts["recovered"], counts["sent"], queued.status) == (1, 0, "failed")
    assert "not resent" in queued.last_error
    assert len(network.delivered) == 1


def test_notice_1_transient_errors_are_retried_with_a_doubling_backoff() -> None:
    queued = message("a", not_before=NOW)
    flaky = Flaky(GatewayError("timeout"))
    now = NOW
    waits = []
    for _attempt in range(4):
        assert outbox_send_one(message_id=queued.pk, gateway=flaky, now=now) == "retry"
        queued.refresh_from_db()
        waits.append(int((queued.next_attempt_at - now).total_seconds()))
        assert outbox_send_one(message_id=queued.pk, gateway=flaky, now=now) == "skipped"  # not due
        now = queued.next_attempt_at
    assert waits == [60, 120, 240, 480]
    assert outbox_send_one(message_id=queued.pk, gateway=flaky, now=now) == "failed"
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == ("failed", 5, "timeout")
    assert flaky.calls == 5


def test_notice_1_a_rejected_message_fails_at_once_and_a_supervisor_may_retry_it() -> None:
    queued = message("a", not_before=NOW)
    assert (
        outbox_send_one(message_id=queued.pk, gateway=Flaky(GatewayRejected("bad number")), now=NOW)
        == "failed"
    )
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert outbox_retry_failed(message_ids=[queued.pk]) == 1
    queued.refresh_from_db()
    assert queued.status == "pending"


def test_notice_1_the_file_gateway_writes_once_per_key(tmp_path: Path) -> None:
    gateway = FileGateway(tmp_path / "demo-outbox")
    sms = OutgoingSms(key="level:1", recipient="13900000001", body="您好")
    first, second = gateway.send(sms), gateway.send(sms)
    files = list((tmp_path / "demo-outbox").iterdir())
    assert first == second
    assert len(files) == 1
    assert "您好" in files[0].read_text(encoding="utf-8")


def test_notice_1_the_logging_gateway_masks_the_number(caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="servicedesk.sms"):
        LoggingGateway().send(OutgoingSms(key="k", recipient="13912345678", body="hi"))
    assert "139****5678" in caplog.text
    assert "13912345678" not in caplog.text


def test_notice_1_send_outbox_command_uses_the_chosen_gateway(
    tmp_path: Path, settings: Any
) -> None:
    settings.SMS_FILE_GATEWAY_DIR = str(tmp_path)
    message("a")
    out = StringIO()
    call_command("send_outbox", "--gateway", "servicedesk.gateways.FileGateway", stdout=out)
    assert "1 sent" in out.getvalue()
    assert len(list(tmp_path.iterdir())) == 1
    assert OutboxMessage.objects.get().status == "sent"


def test_notice_1_the_celery_task_sends_through_the_configured_gateway(settings: Any) -> None:
    from servicedesk.tasks import send_outbox

    settings.SMS_GATEWAY = "servicedesk.gateways.LoggingGateway"
    message("a")
    assert send_outbox.delay().get()["sent"] == 1
    assert OutboxMessage.objects.get().gateway_id == "log:a"


# the notices


def test_notice_1_level_change_notice_is_stored_once() -> None:
    customer = make_customer()
    first = notice_level_change(customer=customer, level="gold", valid_from=date(2026, 2, 1))
    again = notice_level_change(customer=customer, level="gold", valid_from=date(2026, 2, 1))
    assert first.pk == again.pk
    assert first.params == {"level": "gold", "valid_from": "2026-02-01"}


def test_notice_1_a_rating_run_notifies_every_rated_customer_once() -> None:
    run = RatingRun.objects.create(period="2025", policy="gotone_annual", state="committed")
    rated = [make_customer() for _ in range(3)]
    from membership.services.grants import grant_create

    for customer, level in zip(rated, ["gold", "silver", "guest"], strict=True):
        grant_create(
            customer=customer,
            level=level,
            source="annual",
            valid_from=date(2026, 2, 1),
            valid_until=date(2027, 1, 31),
            rating_run=run,
        )
    give_level(make_customer(), "diamond")  # not from this run
    assert notice_rating_run(rating_run=run) == 3
    assert notice_rating_run(rating_run=run) == 0
    levels = sorted(OutboxMessage.objects.values_list("params__level", flat=True))
    assert levels == ["gold", "guest", "silver"]
    assert set(OutboxMessage.objects.values_list("params__valid_from", flat=True)) == {"2026-02-01"}


def test_notice_1_expiry_reminders_take_customer_points_pairs_once_per_year() -> None:
    a, b, gone = make_customer(), make_customer(), make_customer(status="cancelled")
    rows = [(a.pk, 1200), (b.pk, 0), (gone.pk, 50)]
    assert notice_expiry_reminders(year=2026, rows=rows) == 1
    assert notice_expiry_reminders(year=2026, rows=iter(rows)) == 0
    reminder = OutboxMessage.objects.get()
    assert (reminder.cause_key, reminder.recipient) == (f"points_expiry:2026:{a.pk}", a.msisdn)
    assert reminder.params == {"points": 1200, "year": 2026}


def test_notice_1_holiday_greetings_go_to_current_key_persons_on_the_festival() -> None:
    person = cast(KeyPerson, KeyPersonFactory())
    KeyPersonFactory(customer=person.customer)  # key person in two groups: one greeting
    ended = cast(KeyPerson, KeyPersonFactory())
    KeyPerson.objects.filter(pk=ended.pk).update(ended_at=NOW)
    assert notice_holiday_greetings(day=date(2026, 2, 16)) == 0  # the eve
    assert notice_holiday_greetings(day=date(2026, 2, 17)) == 1  # 春节
    assert notice_holiday_greetings(day=date(2026, 2, 17)) == 0
    assert notice_holiday_greetings(day=date(2026, 5, 1)) == 0  # Labour Day: no greeting
    greeting = OutboxMessage.objects.get()
    assert greeting.recipient == person.customer.msisdn
    assert greeting.params == {"festival": "spring_festival"}
    assert greeting.cause_key == f"greeting:spring_festival:2026:{person.customer.pk}"


def test_notice_1_a_stored_message_is_sent_once_the_transaction_commits(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SMS_GATEWAY = "servicedesk.gateways.LoggingGateway"
    with django_capture_on_commit_callbacks(execute=True):
        now_message = message("now")
    with django_capture_on_commit_callbacks(execute=True):
        later = message("later", not_before=timezone.now() + timedelta(hours=3))
    now_message.refresh_from_db()
    later.refresh_from_db()
    assert (now_message.status, later.status) == ("sent", "pending")  # later waits its hour


def test_notice_1_the_calendar_jobs_run_through_the_job_runner() -> None:
    from core.jobs import run_job

    customer = make_customer(birth_date=date(1980, 3, 5))
    outcome = run_job("run_birthday_waivers", "2026-03-05")
    assert outcome.ok
    assert outcome.run.counts["created"] == 1
    again = run_job("run_birthday_waivers", "2026-03-05")
    assert again.action == "already_done"
    assert BirthdayWaiver.objects.filter(customer=customer).count() == 1
    assert run_job("holiday_greetings", "2026-03-18").run.counts == {"greetings": 0}
    assert run_job("outbox_retries", "2026-03-18").ok
