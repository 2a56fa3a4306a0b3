"""The monthly switch: scheduled plan changes take effect (PLAN-6, TIER-5), set-based."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext_noop

from core import clock
from plans.models import Subscription, SubscriptionEvent, SubscriptionStatus
from plans.services.levels import plan_grant_create, plan_grants_end

# Due orders per transaction, by primary-key range.
BATCH = 5000
JOB = "plans_apply_changes"


@dataclass
class EffectiveCounts:
    effective: int = 0
    ended: int = 0
    grants_created: int = 0
    grants_ended: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "effective": self.effective,
            "ended": self.ended,
            "grants_created": self.grants_created,
            "grants_ended": self.grants_ended,
        }


def _record_moves(
    *, token: uuid.UUID, from_status: str, to_status: str, at: datetime, note: str
) -> None:
    """INSERT … SELECT one history row for every subscription a batch step claimed."""
    qn = connection.ops.quote_name
    sub = Subscription._meta
    event = SubscriptionEvent._meta
    token_value = sub.get_field("claim_token").get_db_prep_value(token, connection)
    at_value = connection.ops.adapt_datetimefield_value(at)
    columns = ", ".join(
        qn(c) for c in ("subscription_id", "from_status", "to_status", "at", "actor_id", "note")
    )
    sql = (
        f"INSERT INTO {qn(event.db_table)} ({columns}) "
        f"SELECT {qn('id')}, %s, %s, %s, NULL, %s FROM {qn(sub.db_table)} "
        f"WHERE {qn('claim_token')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [from_status, to_status, at_value, note, token_value])


def _switch_day(*, due_ids: tuple[int, int], day: date, counts: EffectiveCounts) -> None:
    """Within one pk range, put the orders due on ``day`` in force and end what they replace.

    The conditional updates (``status='scheduled'`` / ``'effective'``) claim the rows: a
    second or concurrent run finds nothing left to claim and changes nothing (CONV-5).
    """
    lo, hi = due_ids
    now = clock.now()
    due = Subscription.objects.filter(
        status=SubscriptionStatus.SCHEDULED, effective_from=day, pk__gte=lo, pk__lt=hi
    )
    end_token, start_token = uuid.uuid4(), uuid.uuid4()
    last_day = day - timedelta(days=1)
    ended = Subscription.objects.filter(
        status=SubscriptionStatus.EFFECTIVE, customer_id__in=due.values("customer_id")
    ).update(
        status=SubscriptionStatus.ENDED,
        ended_on=last_day,
        claim_token=end_token,
        status_changed_at=now,
    )
    started = due.update(
        status=SubscriptionStatus.EFFECTIVE, claim_token=start_token, status_changed_at=now
    )
    if not started and not ended:
        return
    _record_moves(
        token=end_token,
        from_status=SubscriptionStatus.EFFECTIVE,
        to_status=SubscriptionStatus.ENDED,
        at=now,
        note=gettext_noop("replaced by the change due that day"),  # shown translated
    )
    _record_moves(
        token=start_token,
        from_status=SubscriptionStatus.SCHEDULED,
        to_status=SubscriptionStatus.EFFECTIVE,
        at=now,
        note=gettext_noop("in force (monthly job)"),
    )
    counts.ended += ended
    counts.effective += started
    # PLAN-2 / TIER-5: grants go through membership's grant service, one per plan that
    # carries a level (the service has no bulk form; only level plans are visited).
    for old in Subscription.objects.filter(claim_token=end_token).select_related("plan"):
        counts.grants_ended += plan_grants_end(
            subscription=old,
            last_day_in_force=last_day,
            reason=f"TIER-5: plan changed on {day.isoformat()} ({JOB})",
        )
    for new in Subscription.objects.filter(
        claim_token=start_token, plan__carried_level__gt=""
    ).select_related("plan", "customer"):
        if plan_grant_create(subscription=new) is not None:
            counts.grants_created += 1


def plans_make_effective(*, on: date) -> dict[str, int]:
    """PLAN-6: every scheduled order due on or before ``on`` takes effect; the plan each
    replaces ends the day before. Chunked by pk range, one transaction per chunk; safe to
    run twice and to re-run after a run that died halfway (CONV-5)."""
    counts = EffectiveCounts()
    bounds = Subscription.objects.filter(
        status=SubscriptionStatus.SCHEDULED, effective_from__lte=on
    ).aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return counts.as_dict()
    for lo in range(bounds["lo"], bounds["hi"] + 1, BATCH):
        chunk = (lo, lo + BATCH)
        with transaction.atomic():
            days = list(
                Subscription.objects.filter(
                    status=SubscriptionStatus.SCHEDULED,
                    effective_from__lte=on,
                    pk__gte=lo,
                    pk__lt=lo + BATCH,
                )
                .order_by("effective_from")
                .values_list("effective_from", flat=True)
                .distinct()
            )
            for day in days:
                _switch_day(due_ids=chunk, day=day, counts=counts)
    return counts.as_dict()
