"""NOTICE-1: storing SMS in the outbox and sending them through the gateway.

Sending is at-least-once towards the gateway and exactly-once towards the customer:

1. claim: a conditional UPDATE moves one message pending → sending (attempts + 1). Only
   one worker wins it; the claim is committed before the gateway is called.
2. send: the gateway gets the message with its cause key as the idempotency key.
3. mark: sending → sent with the gateway's id.

A worker that dies between 2 and 3 leaves the message in "sending". After a lease
(OUTBOX_SENDING_LEASE_SECONDS) the sweep takes it back: to "pending" if the gateway
deduplicates by key (the resend is swallowed by the gateway, the customer gets one SMS),
to "failed" for a human to check if it does not (never a second SMS). Transient gateway
errors retry with a doubling back-off; a rejection fails at once.

These functions are deliberately not one transaction: each step commits on its own so
that what the gateway was told is never rolled back behind its back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import clock
from core.enqueue import enqueue, task_named
from core.programme import programme
from membership.models import Customer, Level
from servicedesk.gateways import GatewayError, GatewayRejected, OutgoingSms, SmsGateway, get_gateway
from servicedesk.models import OutboxMessage, OutboxStatus, SmsTemplate
from servicedesk.selectors.holidays import FESTIVAL_LABELS

# NOTICE-1: the texts customers receive (translated at send time into the site language).
SMS_TEXTS = {
    SmsTemplate.BIRTHDAY_WAIVER: _(
        "Happy birthday! China Mobile GoTone waived %(amount)s yuan of your domestic calls, "
        "data and SMS on %(date)s."
    ),
    SmsTemplate.BIRTHDAY_FINAL: _(
        "China Mobile GoTone: with the usage recorded later, your birthday waiver for "
        "%(date)s comes to %(amount)s yuan of domestic calls, data and SMS in all."
    ),
    SmsTemplate.LEVEL_CHANGE: _(
        "Your GoTone level is %(level)s from %(valid_from)s. Thank you for staying with us."
    ),
    SmsTemplate.POINTS_EXPIRY: _(
        "%(points)s of your points expire on 31 December %(year)s. Redeem them before then."
    ),
    SmsTemplate.HOLIDAY_GREETING: _(
        "Best wishes for %(festival)s from China Mobile and your account manager."
    ),
    # NOTICE-2: the reply to an inbound SMS, written (and translated) when it was handled
    SmsTemplate.INBOUND_REPLY: _("China Mobile GoTone: %(text)s"),
}


def render_sms(template: str, params: dict[str, Any]) -> str:
    """The text of a message; KeyError/ValueError when its parameters do not fit."""
    values = dict(params)
    if "amount" in values:
        values["amount"] = str(Decimal(str(values["amount"])).quantize(Decimal("0.01")))
    with translation.override(settings.LANGUAGE_CODE):
        if "level" in values:
            values["level"] = str(Level(values["level"]).label)
        if "festival" in values:
            values["festival"] = str(FESTIVAL_LABELS[values["festival"]])
        return str(SMS_TEXTS[SmsTemplate(template)]) % values


@dataclass(frozen=True)
class _Held:
    since: datetime
    gateway_id: str


# Set by ``outbox_held``: what is stored inside is recorded as handled, never sent.
_held: ContextVar[_Held | None] = ContextVar("outbox_held", default=None)


@contextmanager
def outbox_held(*, gateway_id: str) -> Iterator[None]:
    """Messages stored by the code run inside are never sent: no worker is asked to send
    them, and each is recorded as handled in the transaction that stores it (status "sent"
    at the time it was stored, gateway id ``gateway_id``, no text), so no sweep finds it
    pending either. The demo seed's notices (seed_demo, decision D-OPS-3)."""
    token = _held.set(_Held(since=clock.now(), gateway_id=gateway_id))
    try:
        yield
    finally:
        _held.reset(token)


def outbox_kick_on_commit(eta: datetime | None = None) -> None:
    """Called right after messages are stored, in their transaction: ``outbox_kick(eta)``
    once it commits; inside ``outbox_held``, instead, the messages stored since the hold
    began are recorded as handled, in this same transaction."""
    held = _held.get()
    if held is None:
        transaction.on_commit(lambda: outbox_kick(eta))
        return
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING, created_at__gte=held.since).update(
        status=OutboxStatus.SENT, sent_at=F("created_at"), gateway_id=held.gateway_id
    )


def outbox_kick(eta: datetime | None = None) -> None:
    """Ask a worker to send now, or at ``eta`` (a retry, a message held until its hour).

    Without a broker (tasks run in-process) a later send is left to the daily sweep
    (the ``outbox_retries`` job) or the next kick: an eager task cannot wait. With a broker
    that is down, the kick is dropped (logged): the message is stored, pending, and the
    periodic send (D-TRUST-13) sends it once Redis is back.
    """
    if _held.get() is not None:
        return
    send_outbox = task_named("servicedesk.send_outbox")
    if eta is not None and eta > clock.now():
        if not send_outbox.app.conf.task_always_eager:
            enqueue(send_outbox, eta=eta, what="outbox: the send at its hour")
        return
    enqueue(send_outbox, what="outbox: the send of new messages")


def outbox_enqueue(
    *,
    template: str,
    recipient: str,
    cause_key: str,
    params: dict[str, Any],
    customer: Customer | None = None,
    not_before: datetime | None = None,
) -> tuple[OutboxMessage, bool]:
    """Store one message for ``cause_key``, unless it is already stored (never twice)."""
    render_sms(template, params)  # refuse a message that could never be sent
    now = clock.now()
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            cause_key=cause_key,
            defaults={
                "template": template,
                "params": params,
                "recipient": recipient,
                "customer": customer,
                "next_attempt_at": max(now, not_before or now),
                "created_at": now,
            },
        )
        if created:
            outbox_kick_on_commit(message.next_attempt_at)
    return message, created


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 1, 2, 4, 8 … × base."""
    return timedelta(seconds=int(programme("OUTBOX_BACKOFF_SECONDS")) * 2 ** max(0, attempts - 1))


def outbox_recover_stale(*, gateway: SmsGateway, now: datetime | None = None) -> int:
    """Take back messages whose worker died while sending (see the module docstring)."""
    now = now or clock.now()
    lease = timedelta(seconds=int(programme("OUTBOX_SENDING_LEASE_SECONDS")))
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - lease)
    if gateway.deduplicates:
        return stale.update(
            status=OutboxStatus.PENDING,
            next_attempt_at=now,
            last_error="worker stopped while sending; resent with the same key",
        )
    return stale.update(
        status=OutboxStatus.FAILED,
        last_error=(
            "worker stopped while sending; not resent because this gateway cannot tell a "
            "duplicate: check its delivery report"
        ),
    )


def outbox_send_one(*, message_id: int, gateway: SmsGateway, now: datetime | None = None) -> str:
    """Claim, send and mark one message; returns sent / retry / failed / skipped."""
    now = now or clock.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return "skipped"  # another worker has it, or it is not due
    message = OutboxMessage.objects.get(pk=message_id)
    mine = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.SENDING)
    try:
        body = render_sms(message.template, message.params)
    except (KeyError, ValueError) as exc:
        mine.update(status=OutboxStatus.FAILED, last_error=f"cannot render: {exc}"[:300])
        return "failed"
    try:
        gateway_id = gateway.send(
            OutgoingSms(key=message.cause_key, recipient=message.recipient, body=body)
        )
    except GatewayRejected as exc:
        mine.update(status=OutboxStatus.FAILED, body=body, last_error=f"rejected: {exc}"[:300])
        return "failed"
    except GatewayError as exc:
        if message.attempts >= int(programme("OUTBOX_MAX_ATTEMPTS")):
            mine.update(status=OutboxStatus.FAILED, body=body, last_error=str(exc)[:300])
            return "failed"
        mine.update(
            status=OutboxStatus.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            last_error=str(exc)[:300],
        )
        return "retry"
    mine.update(
        status=OutboxStatus.SENT,
        sent_at=now,
        body=body,
        gateway_id=str(gateway_id)[:120],
        last_error="",
    )
    return "sent"


def outbox_send_due(
    *, gateway: SmsGateway | None = None, now: datetime | None = None, limit: int = 500
) -> dict[str, int]:
    """Send what is due (after taking back stale claims); returns counts by outcome."""
    gateway = gateway or get_gateway()
    now = now or clock.now()
    counts: Counter[str] = Counter()
    counts["recovered"] = outbox_recover_stale(gateway=gateway, now=now)
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in due:
        counts[outbox_send_one(message_id=message_id, gateway=gateway, now=now)] += 1
    if counts["retry"]:
        retry_at = (
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__gt=now)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        outbox_kick(retry_at)
    return {key: counts[key] for key in ("sent", "retry", "failed", "skipped", "recovered")}


@transaction.atomic
def outbox_retry_failed(*, message_ids: list[int]) -> int:
    """A supervisor sends failed messages again (after checking the delivery report)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=clock.now(), last_error=""
    )
