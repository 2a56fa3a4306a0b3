"""plans_make_effective / plans_apply_changes: the monthly switch, set-based and safe to
run twice (PLAN-6, CONV-5)."""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections

from membership.models import LevelGrant
from plans.models import Subscription, SubscriptionEvent, SubscriptionStatus
from plans.services import effective as effective_module
from plans.services import plans_make_effective, subscription_order
from plans.tasks import plans_make_effective_task
from plans.tests.conftest import customer_in, plan
from tests.db import reload_data_migration

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _schedule(customer: Any, code: str, on: date) -> Subscription:
    return subscription_order(customer=customer, plan=plan(code), channel="counter", today=on)


@pytest.mark.django_db
def test_plan_6_due_changes_take_effect_and_end_the_plan_they_replace() -> None:
    customer = customer_in("南京")
    first = _schedule(customer, "bt-88", date(2026, 2, 10))
    assert plans_make_effective(on=date(2026, 3, 1))["effective"] == 1
    second = _schedule(customer, "bt-288", date(2026, 3, 31))
    future = _schedule(customer_in("南京"), "bt-128", date(2026, 4, 2))  # due 2026-05-01

    counts = plans_make_effective(on=date(2026, 4, 1))

    assert counts == {"effective": 1, "ended": 1, "grants_created": 1, "grants_ended": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    future.refresh_from_db()
    assert (first.status, first.ended_on) == (SubscriptionStatus.ENDED, date(2026, 3, 31))
    assert (second.status, second.effective_from) == (
        SubscriptionStatus.EFFECTIVE,
        date(2026, 4, 1),
    )
    assert future.status == SubscriptionStatus.SCHEDULED
    moves = list(first.events.values_list("from_status", "to_status"))
    assert moves[-1] == ("effective", "ended")
    assert list(second.events.values_list("from_status", "to_status"))[-1] == (
        "scheduled",
        "effective",
    )
    assert second.events.last().note == "in force (monthly job)"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_conv_5_running_the_switch_twice_changes_nothing_the_second_time() -> None:
    for customer in [customer_in("南京") for _ in range(3)]:
        _schedule(customer, "bt-388", date(2026, 3, 15))
    first = plans_make_effective(on=date(2026, 4, 1))
    events = SubscriptionEvent.objects.count()
    grants = LevelGrant.objects.count()

    second = plans_make_effective(on=date(2026, 4, 1))

    assert first["effective"] == 3
    assert first["grants_created"] == 3
    assert second == {"effective": 0, "ended": 0, "grants_created": 0, "grants_ended": 0}
    assert SubscriptionEvent.objects.count() == events
    assert LevelGrant.objects.count() == grants == 3


@pytest.mark.django_db
def test_a_late_run_catches_up_on_changes_due_earlier_and_works_in_small_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(effective_module, "BATCH", 2)
    orders = [_schedule(customer_in("南京"), "bt-158", date(2026, 3, 15)) for _ in range(5)]
    counts = plans_make_effective(on=date(2026, 4, 3))
    assert counts["effective"] == 5
    assert set(
        Subscription.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {SubscriptionStatus.EFFECTIVE}
    assert SubscriptionEvent.objects.filter(to_status=SubscriptionStatus.EFFECTIVE).count() == 5


@pytest.mark.django_db
def test_plans_apply_changes_prints_a_one_line_summary_and_is_safe_twice() -> None:
    _schedule(customer_in("南京"), "bt-588", date(2026, 1, 31))
    out = StringIO()
    call_command("plans_apply_changes", "--date", "2026-02-01", stdout=out)
    assert out.getvalue().strip() == (
        "plans_apply_changes 2026-02-01: 1 in force, 0 ended, 1 level grants given, 0 ended"
    )
    again = StringIO()
    call_command("plans_apply_changes", "--date", "2026-02-01", stdout=again)
    assert again.getvalue().startswith("plans_apply_changes 2026-02-01: 0 in force")
    assert Subscription.objects.get().status == SubscriptionStatus.EFFECTIVE


@pytest.mark.django_db
def test_plans_apply_changes_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("plans_apply_changes", "--date", "2026-13-01", stdout=StringIO())


@pytest.mark.django_db
def test_the_celery_task_calls_the_same_service() -> None:
    _schedule(customer_in("南京"), "bt-88", date(2026, 1, 5))
    result = plans_make_effective_task.delay("2026-02-01").get()
    assert result["effective"] == 1
    assert Subscription.objects.get().status == SubscriptionStatus.EFFECTIVE


def _reload_catalogue() -> None:
    reload_data_migration("plans.migrations.0002_catalogue", "load")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite has no concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_conv_5_two_concurrent_runs_put_each_change_in_force_once() -> None:
    _reload_catalogue()
    customers = [customer_in("南京") for _ in range(20)]
    for customer in customers:
        _schedule(customer, "bt-288", date(2026, 3, 15))
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(plans_make_effective(on=date(2026, 4, 1)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["effective"] for r in results) == 20
    assert SubscriptionEvent.objects.filter(to_status=SubscriptionStatus.EFFECTIVE).count() == 20
    assert LevelGrant.objects.count() == 20
