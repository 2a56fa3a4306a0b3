"""TIER-7 approved upgrades: the request state machine, who may move it, the limited grant."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import DomainError
from keyaccounts.calendar_cn import overdue_cutoff, working_days_between
from keyaccounts.models import UpgradeRequest, UpgradeRequestEvent, UpgradeStatus
from keyaccounts.selectors.groups import upgrade_requests_annotated
from keyaccounts.services.groups import key_person_create, key_person_remove
from keyaccounts.services.upgrades import (
    upgrade_request_approve,
    upgrade_request_create,
    upgrade_request_reject,
    upgrade_request_withdraw,
    upgrade_set_status,
    upgrade_valid_until,
)
from membership.models import GrantEvent, GrantSource
from membership.selectors.levels import effective_level
from membership.services.grants import grant_create
from tests.builders import make_customer, make_group
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def person(account_manager: Any) -> Any:
    group = make_group(group_class="B", account_manager=account_manager)
    # a class B contact: silver (TIER-6)
    return key_person_create(
        group=group,
        customer=make_customer(),
        role="contact",
        rank="other",
        actor=account_manager,
    )


@pytest.fixture
def pending(person: Any, account_manager: Any) -> UpgradeRequest:
    return upgrade_request_create(
        key_person=person, requested_level="gold", reason="省厅主要领导", actor=account_manager
    )


def moves(request: UpgradeRequest) -> list[tuple[str, str]]:
    return list(
        UpgradeRequestEvent.objects.filter(request=request).values_list("from_status", "to_status")
    )


@pytest.mark.django_db
def test_tier_7_a_request_starts_pending_with_a_history_row(
    pending: UpgradeRequest, account_manager: Any
) -> None:
    assert (pending.status, pending.current_level, pending.requested_level) == (
        "pending",
        "silver",
        "gold",
    )
    assert pending.requested_by == account_manager
    assert moves(pending) == [("", "pending")]


@pytest.mark.django_db
def test_tier_7_approval_writes_a_limited_upgrade_grant_to_the_end_of_the_rating_year(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    pending = upgrade_request_create(
        key_person=person,
        requested_level="gold",
        reason="省厅主要领导",
        actor=account_manager,
        at=at(2026, 3, 9, 16),
    )
    decided = upgrade_request_approve(
        request=pending, actor=supervisor, note="同意", at=at(2026, 3, 10, 9)
    )
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        "approved",
        supervisor,
        "同意",
    )
    grant = decided.grant
    assert grant is not None
    assert (grant.level, grant.source, grant.limited) == ("gold", GrantSource.UPGRADE, True)
    assert (grant.valid_from, grant.valid_until) == (date(2026, 3, 10), date(2027, 1, 31))
    assert grant.cause_id == pending.pk
    assert grant.created_by == supervisor
    assert grant.events.get().action == GrantEvent.Action.GRANTED  # TIER-10
    assert effective_level(pending.customer, date(2026, 3, 10)) == "gold"
    assert moves(pending) == [("", "pending"), ("pending", "approved")]
    later = upgrade_request_create(
        key_person=person,
        requested_level="diamond",
        reason="x",
        actor=account_manager,
        at=at(2026, 3, 11, 9),
    )
    with pytest.raises(DomainError, match="before it was made"):
        upgrade_request_reject(request=later, actor=supervisor, note="x", at=at(2026, 3, 10))


@pytest.mark.parametrize(
    ("day", "until"),
    [
        (date(2026, 2, 1), date(2027, 1, 31)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2027, 1, 1), date(2028, 1, 31)),  # Decision D-GROUP-3: January rolls over
        (date(2027, 1, 31), date(2028, 1, 31)),
    ],
)
def test_tier_7_an_upgrade_is_valid_to_the_end_of_the_rating_year(day: date, until: date) -> None:
    assert upgrade_valid_until(day) == until


@pytest.mark.django_db
def test_tier_7_rejection_records_the_reason_and_grants_nothing(
    pending: UpgradeRequest, supervisor: Any
) -> None:
    decided = upgrade_request_reject(request=pending, actor=supervisor, note="不符合条件")
    assert (decided.status, decided.decision_note, decided.grant) == (
        "rejected",
        "不符合条件",
        None,
    )
    assert not pending.customer.grants.filter(source=GrantSource.UPGRADE).exists()
    assert moves(pending)[-1] == ("pending", "rejected")


@pytest.mark.django_db
def test_tier_7_a_decision_needs_a_reason(pending: UpgradeRequest, supervisor: Any) -> None:
    with pytest.raises(DomainError, match="reason"):
        upgrade_request_approve(request=pending, actor=supervisor, note="  ")
    pending.refresh_from_db()
    assert pending.status == "pending"


@pytest.mark.django_db
def test_tier_7_the_requester_withdraws_and_nobody_else_may(
    pending: UpgradeRequest, other_account_manager: Any, supervisor: Any, account_manager: Any
) -> None:
    for stranger in (other_account_manager, supervisor):
        with pytest.raises(DomainError, match="Only the person who asked"):
            upgrade_request_withdraw(request=pending, actor=stranger)
    withdrawn = upgrade_request_withdraw(request=pending, actor=account_manager, note="不需要了")
    assert withdrawn.status == "withdrawn"
    assert moves(pending)[-1] == ("pending", "withdrawn")
    with pytest.raises(DomainError, match="cannot become"):
        upgrade_request_approve(request=withdrawn, actor=supervisor, note="同意")


@pytest.mark.django_db
def test_tier_7_nobody_approves_a_request_they_made_even_a_supervisor(
    person: Any, account_manager: Any
) -> None:
    boss: Any = UserFactory(username="boss", role="supervisor")
    boss.groups.add(*account_manager.groups.all())  # both a manager and a supervisor
    own = upgrade_request_create(
        key_person=person, requested_level="diamond", reason="重要", actor=boss
    )
    for decide in (upgrade_request_approve, upgrade_request_reject):
        with pytest.raises(DomainError, match="Nobody decides a request they made"):
            decide(request=own, actor=boss, note="自批")
    own.refresh_from_db()
    assert own.status == "pending"
    assert own.grant is None
    assert moves(own) == [("", "pending")]


@pytest.mark.django_db
def test_tier_7_an_account_manager_cannot_decide(
    pending: UpgradeRequest, other_account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="Only a supervisor"):
        upgrade_request_approve(request=pending, actor=other_account_manager, note="ok")


@pytest.mark.django_db
def test_tier_7_a_second_decision_is_refused_and_writes_nothing(
    pending: UpgradeRequest, supervisor: Any
) -> None:
    other = UserFactory(username="supervisor2", role="supervisor")
    upgrade_request_approve(request=pending, actor=supervisor, note="同意")
    stale = UpgradeRequest.objects.get(pk=pending.pk)
    stale.status = UpgradeStatus.PENDING  # what a second screen still shows
    for decide in (upgrade_request_approve, upgrade_request_reject):
        with pytest.raises(DomainError, match="cannot become"):
            decide(request=stale, actor=other, note="再批")
    assert pending.customer.grants.filter(source=GrantSource.UPGRADE).count() == 1
    assert UpgradeRequestEvent.objects.filter(request=pending).count() == 2


@pytest.mark.django_db
def test_tier_7_set_status_refuses_a_move_the_map_does_not_allow(
    pending: UpgradeRequest, supervisor: Any
) -> None:
    assert UpgradeRequest.TRANSITIONS["approved"] == frozenset()
    stale = UpgradeRequest.objects.get(pk=pending.pk)
    UpgradeRequest.objects.filter(pk=pending.pk).update(status="rejected")  # someone else won
    with pytest.raises(DomainError, match="meanwhile"):
        upgrade_set_status(request=stale, status="approved", actor=supervisor)


@pytest.mark.django_db(transaction=True)
def test_tier_7_two_supervisors_deciding_at_once_only_one_wins(
    pending: UpgradeRequest, supervisor: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs real parallel connections (PostgreSQL)")
    other = UserFactory(username="supervisor2", role="supervisor")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user: Any, fn: Any) -> None:
        try:
            barrier.wait()
            fn(request=UpgradeRequest.objects.get(pk=pending.pk), actor=user, note="决定")
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(supervisor, upgrade_request_approve)),
        threading.Thread(target=decide, args=(other, upgrade_request_reject)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert UpgradeRequestEvent.objects.filter(request=pending).count() == 2
    final = UpgradeRequest.objects.get(pk=pending.pk)
    upgrades = final.customer.grants.filter(source=GrantSource.UPGRADE).count()
    assert upgrades == (1 if final.status == "approved" else 0)


@pytest.mark.django_db
def test_tier_7_the_requested_level_must_be_higher_than_the_current_one(
    person: Any, account_manager: Any
) -> None:
    for level in ("silver", "guest"):
        with pytest.raises(DomainError, match="higher than the current one"):
            upgrade_request_create(
                key_person=person, requested_level=level, reason="x", actor=account_manager
            )
    grant_create(
        customer=person.customer,
        level="diamond",
        source=GrantSource.ANNUAL,
        valid_from=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="higher than the current one"):
        upgrade_request_create(
            key_person=person, requested_level="diamond", reason="x", actor=account_manager
        )
    assert not UpgradeRequest.objects.exists()


@pytest.mark.django_db
def test_tier_7_one_pending_request_per_key_person_and_a_reason_is_needed(
    pending: UpgradeRequest, account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="pending already"):
        upgrade_request_create(
            key_person=pending.key_person,
            requested_level="diamond",
            reason="x",
            actor=account_manager,
        )
    with pytest.raises(DomainError, match="reason"):
        upgrade_request_create(
            key_person=pending.key_person,
            requested_level="diamond",
            reason=" ",
            actor=account_manager,
        )
    assert UpgradeRequest.objects.count() == 1


@pytest.mark.django_db
def test_tier_7_only_the_groups_account_manager_asks(
    person: Any, other_account_manager: Any
) -> None:
    with pytest.raises(DomainError, match="account manager"):
        upgrade_request_create(
            key_person=person, requested_level="gold", reason="x", actor=other_account_manager
        )


@pytest.mark.django_db
def test_tier_7_removing_the_key_person_withdraws_the_pending_request(
    pending: UpgradeRequest, account_manager: Any
) -> None:
    key_person_remove(key_person=pending.key_person, actor=account_manager)
    pending.refresh_from_db()
    assert pending.status == "withdrawn"
    assert moves(pending)[-1] == ("pending", "withdrawn")


# ---- overdue: more than 3 working days (weekends and statutory holidays skipped) ----


def test_tier_7_working_days_skip_weekends_and_holidays_and_count_make_up_days() -> None:
    # Thu 2024-03-07 → Tue 2024-03-12: Fri, Mon, Tue
    assert working_days_between(date(2024, 3, 7), date(2024, 3, 12)) == 3
    # Thu 2024-02-08 → Mon 2024-02-19 over the Spring Festival: Fri 9th, Sun 18th (make-up
    # working day 调休上班), Mon 19th; 10–17 February off
    assert working_days_between(date(2024, 2, 8), date(2024, 2, 19)) == 3
    assert overdue_cutoff(date(2024, 2, 20), 3) == date(2024, 2, 8)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "today", "overdue"),
    [
        (at(2024, 3, 4, 9), date(2024, 3, 7), False),  # Mon → Thu: 3 working days
        (at(2024, 3, 4, 9), date(2024, 3, 8), True),  # Mon → Fri: 4
        (at(2024, 3, 7, 17), date(2024, 3, 12), False),  # Thu → Tue over a weekend: 3
        (at(2024, 3, 7, 17), date(2024, 3, 13), True),  # Thu → Wed: 4
        (at(2024, 2, 8, 10), date(2024, 2, 19), False),  # over the Spring Festival: 3
        (at(2024, 2, 8, 10), date(2024, 2, 20), True),  # 4
        (at(2024, 9, 30, 10), date(2024, 10, 10), False),  # 1–7 October off: 8, 9, 10
        (at(2024, 9, 30, 10), date(2024, 10, 11), True),
    ],
)
def test_tier_7_a_request_pending_more_than_3_working_days_is_overdue(
    person: Any, account_manager: Any, asked: datetime, today: date, overdue: bool
) -> None:
    request = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager, at=asked
    )
    flagged = upgrade_requests_annotated(UpgradeRequest.objects.filter(pk=request.pk), today)
    row: Any = flagged.get()
    assert row.overdue is overdue


@pytest.mark.django_db
def test_tier_7_a_decided_request_is_never_overdue(
    person: Any, account_manager: Any, supervisor: Any
) -> None:
    request = upgrade_request_create(
        key_person=person,
        requested_level="gold",
        reason="x",
        actor=account_manager,
        at=at(2024, 3, 4, 9),
    )
    upgrade_request_reject(request=request, actor=supervisor, note="no")
    flagged = upgrade_requests_annotated(UpgradeRequest.objects.all(), date(2024, 6, 1))
    row: Any = flagged.get()
    assert row.overdue is False
    assert timezone.localdate(request.requested_at) == date(2024, 3, 4)
    assert timedelta(0) < timezone.now() - request.requested_at
