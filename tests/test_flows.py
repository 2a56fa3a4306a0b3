"""Cross-app flows: what one app's step sets off in another, through signals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from membership.services.rating import GoToneAnnualPolicy
from servicedesk.models import OutboxMessage
from tests.builders import make_bill, make_customer

pytestmark = pytest.mark.django_db


def test_notice_1_committing_a_rating_queues_one_level_sms_per_grant(
    django_capture_on_commit_callbacks: Any,
) -> None:
    gold = make_customer(msisdn="13900000001", joined_on=date(2012, 1, 1))
    make_bill(customer=gold, month=date(2025, 5, 1), total=Decimal("1800"))
    make_customer(msisdn="13900000002", joined_on=date(2012, 1, 1))  # 300 points: no level
    with django_capture_on_commit_callbacks(execute=True):
        GoToneAnnualPolicy().commit(period="2025")
    messages = OutboxMessage.objects.all()
    assert [m.recipient for m in messages] == ["13900000001"]
    assert messages[0].template == "level_change"


def test_points_6_the_november_job_reminds_each_customer_of_what_expires_once() -> None:
    from points.services import points_accrue
    from servicedesk.jobs import expiry_reminders

    expiring = make_customer(msisdn="13900000001", joined_on=date(2023, 1, 1))
    make_bill(customer=expiring, month=date(2024, 3, 1), total=Decimal("120.00"))  # lot 2024
    easyown = make_customer(
        msisdn="13900000002",
        brand="easyown",
        joined_on=date(2023, 1, 1),
        real_name_registered_on=date(2023, 1, 1),
    )
    make_bill(customer=easyown, month=date(2024, 3, 1), total=Decimal("120.00"))  # exempt
    points_accrue(month=date(2024, 3, 1))
    assert expiry_reminders("2026") == {"reminders": 1}
    assert expiry_reminders("2026") == {"reminders": 0}  # CONV-5
    message = OutboxMessage.objects.get()
    assert message.recipient == "13900000001"


def test_plan_6_the_monthly_close_job_puts_due_plan_changes_in_force() -> None:
    from core.jobs import run_job
    from plans.models.subscriptions import SubscriptionStatus
    from plans.services.orders import subscription_order
    from plans.tests.conftest import plan

    customer = make_customer(msisdn="13900000001", city="南京", joined_on=date(2020, 1, 1))
    order = subscription_order(
        customer=customer, plan=plan("bt-388"), channel="counter", today=date(2026, 11, 10)
    )
    outcome = run_job("plans_apply_changes", "2026-11")
    assert outcome.ok, outcome.message
    order.refresh_from_db()
    assert order.status == SubscriptionStatus.EFFECTIVE
    assert order.effective_from == date(2026, 12, 1)
    assert run_job("plans_apply_changes", "2026-11").action == "already_done"


def test_tier_7_the_daily_job_counts_overdue_approvals(supervisor: Any) -> None:
    from core.jobs import run_job

    outcome = run_job("overdue_approvals", "2026-11-25")
    assert outcome.ok, outcome.message
    assert outcome.run.counts == {"overdue": 0}
