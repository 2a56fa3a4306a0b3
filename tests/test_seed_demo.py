from __future__ import annotations

from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory

from core import clock
from core.dates import add_months, month_start
from core.demo import DEMO_LOGINS, DEMO_PASSWORD
from core.models import JobRun
from core.roles import primary_role
from keyaccounts.models import GroupCustomer, KeyPerson
from membership.models import Bill, Brand, Customer, LevelGrant
from servicedesk.demo import DEMO_GATEWAY_ID
from servicedesk.models import OutboxMessage, OutboxStatus
from servicedesk.services.outbox import outbox_enqueue, outbox_held
from servicedesk.tasks import send_outbox

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_province_and_prints_working_logins(rf: RequestFactory) -> None:
    out = StringIO()
    call_command("seed_demo", "--customers", "300", stdout=out)
    text = out.getvalue()

    assert Customer.objects.count() == 300
    assert set(Customer.objects.values_list("brand", flat=True)) == set(Brand.values)
    assert {"苏州", "常州", "淮安"} <= set(Customer.objects.values_list("city", flat=True))
    months = Bill.objects.values("customer").annotate(n=Count("id")).order_by("-n").first()
    assert months is not None
    assert months["n"] == 24
    assert set(GroupCustomer.objects.values_list("group_class", flat=True)) == {"A", "B", "C", "D"}
    assert KeyPerson.objects.count() > 0
    assert LevelGrant.objects.filter(source="annual").exists()  # the rating was committed
    assert LevelGrant.objects.filter(source="key_person").exists()
    for login in DEMO_LOGINS:
        assert login.username in text
        user = authenticate(rf.post("/"), username=login.username, password=DEMO_PASSWORD)
        assert user is not None
        assert primary_role(user) == login.role
    assert DEMO_PASSWORD in text


def test_seed_demo_run_twice_leaves_the_province_as_it_is() -> None:
    call_command("seed_demo", "--customers", "50", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--customers", "50", stdout=out)
    assert Customer.objects.count() == 50
    assert "already present" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # real commits: the rating's notices are stored on commit
def test_seed_demo_queues_no_sms_and_records_the_demo_notices_as_handled() -> None:
    """D-OPS-3: with a broker (REDIS_URL) a kick queues a send task for the worker; the seed
    asks for none and leaves no message pending for the daily outbox sweep."""
    out = StringIO()
    with (
        mock.patch.object(send_outbox, "delay") as delay,
        mock.patch.object(send_outbox, "apply_async") as apply_async,
    ):
        call_command("seed_demo", "--customers", "120", stdout=out)

    delay.assert_not_called()
    apply_async.assert_not_called()
    level_sms = OutboxMessage.objects.filter(template="level_change")
    assert level_sms.exists()  # the demo rating's notices are on record …
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
    assert set(OutboxMessage.objects.values_list("gateway_id", flat=True)) == {DEMO_GATEWAY_ID}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert f"demo notices: {level_sms.count()} SMS recorded as handled" in out.getvalue()


def test_outside_the_seed_a_stored_message_is_still_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Inside the hold a stored message is recorded as handled at once and no worker is
    asked, even when its transaction commits after the block; after it, a stored message
    asks a worker to send it."""
    with mock.patch.object(send_outbox, "delay") as delay:
        # The callbacks run when the capture ends, after the hold has ended.
        with django_capture_on_commit_callbacks(execute=True), outbox_held(gateway_id="held"):
            outbox_enqueue(
                template="level_change",
                recipient="13900000001",
                cause_key="held",
                params={"level": "gold", "valid_from": "2026-01-01"},
            )
        delay.assert_not_called()
        held = OutboxMessage.objects.get(cause_key="held")
        assert (held.status, held.gateway_id, held.sent_at) == ("sent", "held", held.created_at)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(
                template="level_change",
                recipient="13900000001",
                cause_key="not-held",
                params={"level": "gold", "valid_from": "2026-01-01"},
            )
        delay.assert_called_once()
    assert OutboxMessage.objects.get(cause_key="not-held").gateway_id != "held"


def test_seed_demo_records_the_jobs_it_runs_as_job_runs() -> None:
    """D-OPS-3: the credit rating of last month and the accrual of every billed month are
    the calendar's jobs run by the runner, so /jobs/ shows them like any run."""
    call_command("seed_demo", "--customers", "80", stdout=StringIO())

    last_month = add_months(month_start(clock.today()), -1).strftime("%Y-%m")
    credit = JobRun.objects.get(job="rate_credit", period=last_month)
    assert credit.status == JobRun.Status.SUCCEEDED
    assert credit.trigger == JobRun.Trigger.COMMAND
    assert credit.counts["rated"] > 0
    billed = {
        month.strftime("%Y-%m")
        for month in Bill.objects.filter(month__lt=month_start(clock.today())).values_list(
            "month", flat=True
        )
    }
    accruals = JobRun.objects.filter(job="accrue_points")
    assert set(accruals.values_list("period", flat=True)) == billed
    assert set(accruals.values_list("status", flat=True)) == {JobRun.Status.SUCCEEDED}
