"""NOTICE-2: the SMS commands customers send, carried out by the counter's services.

The gateway posts each inbound message once or more (its retries); ``inbound_sms_receive``
stores it under the gateway's ``message_id`` (unique) before doing anything, in the same
transaction as the work, so a message is acted on and answered once (Decision D-API-3):

- ``1`` to 10086268, the reply to the holiday notice: the holiday no-suspension opt-out
  (SERVICE-5) for this year, registered as at the counter and done at once;
- ``JFZS <number> <points>`` or ``404 <number> <points>`` to 10086: a points transfer
  (POINTS-8) from the sender's line to a registered recipient, by the counter's service;
- anything else: a reply saying what can be sent.

Every outcome queues one reply in the outbox (NOTICE-1), cause ``inbound:<message_id>``.
Nothing here decides a rule: refusals are the services' own, in their words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.validators import normalise_msisdn
from membership.models import Customer
from points.services import transfer_create
from servicedesk.models import (
    InboundResult,
    InboundSms,
    RequestKind,
    RequestStatus,
    SmsTemplate,
)
from servicedesk.services.outbox import outbox_enqueue
from servicedesk.services.requests import service_request_create, service_request_set_status

# The service numbers of the source (SERVICE-5: "回复短信1到10086268"; POINTS-8: "发送404或
# JFZS到10086").
HOLIDAY_OPT_OUT_NUMBER = "10086268"
SERVICE_NUMBER = "10086"
OPT_OUT_TEXT = "1"
TRANSFER_WORDS = ("JFZS", "404")
TRANSFER_RE = re.compile(r"^(?:JFZS|404)\s+(\S+)\s+(\d{1,9})$")


@dataclass
class _Outcome:
    result: str
    reply: str
    customer: Customer | None = None
    links: dict[str, Any] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """'  jfzs　１３９… 100 ' → 'JFZS 139… 100': full-width forms folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def service_digits(number: str) -> str:
    return re.sub(r"\D", "", number or "")


def _help(to: str) -> _Outcome:
    if to == HOLIDAY_OPT_OUT_NUMBER:
        text = _("To opt out of the holiday no-suspension service, reply 1 to 10086268.")
    else:
        text = _(
            "To transfer points, send JFZS <recipient's number> <points> to 10086, e.g. "
            "JFZS 13900000000 500. For the holiday no-suspension opt-out, reply 1 to 10086268."
        )
    return _Outcome(InboundResult.HELP, text)


def _opt_out(customer: Customer) -> _Outcome:
    """SERVICE-5: the customer's reply is the opt-out itself: registered and done at once."""
    request = service_request_create(
        customer=customer,
        kind=RequestKind.HOLIDAY_OPT_OUT,
        actor=None,
        data={"year": clock.today().year, "note": _("By SMS to 10086268.")},
    )
    links = {"service_request": request}
    if request.status == RequestStatus.REFUSED:
        return _Outcome(
            InboundResult.OPT_OUT_REFUSED,
            _("Your opt-out was not registered: %(why)s") % {"why": request.refusal_reason},
            customer,
            links,
        )
    service_request_set_status(request=request, status=RequestStatus.DONE, actor=None)
    return _Outcome(
        InboundResult.OPTED_OUT,
        _(
            "Your line is no longer protected from suspension on the holidays of %(year)s. "
            "Thank you, China Mobile."
        )
        % {"year": request.year or clock.today().year},
        customer,
        links,
    )


def _transfer(customer: Customer, match: re.Match[str]) -> _Outcome:
    """POINTS-8, as at the counter: the sender is the line the SMS came from."""
    raw_recipient, raw_points = match.groups()
    refused = InboundResult.TRANSFER_REFUSED
    try:
        recipient = Customer.objects.get(msisdn=normalise_msisdn(raw_recipient))
    except (ValidationError, Customer.DoesNotExist):
        why = _("%(number)s is not a China Mobile line we know.") % {"number": raw_recipient}
        return _Outcome(
            refused,
            _("Your points were not transferred: %(why)s") % {"why": why},
            customer,
        )
    points = int(raw_points)
    try:
        transfer = transfer_create(sender=customer, recipient=recipient, points=points, actor=None)
    except DomainError as exc:
        return _Outcome(
            refused,
            _("Your points were not transferred: %(why)s") % {"why": exc.message},
            customer,
        )
    return _Outcome(
        InboundResult.TRANSFERRED,
        _("%(points)s points have been transferred to %(recipient)s. Thank you, China Mobile.")
        % {"points": points, "recipient": recipient.msisdn},
        customer,
        {"transfer": transfer},
    )


def _handle(*, sender: str, to: str, text: str) -> _Outcome:
    customer = Customer.objects.filter(msisdn=sender).first()
    if customer is None:
        return _Outcome(
            InboundResult.UNKNOWN_NUMBER,
            _("Sorry, this number is not a China Mobile line we know. Please call 10086."),
        )
    command = clean_text(text)
    if to == HOLIDAY_OPT_OUT_NUMBER and command == OPT_OUT_TEXT:
        return _opt_out(customer)
    if to == SERVICE_NUMBER:
        match = TRANSFER_RE.match(command)
        if match is not None:
            return _transfer(customer, match)
    outcome = _help(to)
    outcome.customer = customer
    return outcome


def inbound_sms_receive(
    *, message_id: str, sender: str, to: str, text: str, received_at: datetime
) -> tuple[InboundSms, bool]:
    """NOTICE-2: act on one inbound SMS and queue its reply, once per ``message_id``.

    ``sender`` is the line's 11 digits (already normalised). Returns the message's row and
    whether it was acted on now (False: the gateway posted it before; nothing was done).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundSms.objects.create(
                    message_id=message_id,
                    sender=sender,
                    service_number=to[:20],
                    text=text[:500],
                    received_at=received_at,
                    stored_at=clock.now(),
                    result=InboundResult.HELP,
                )
        except IntegrityError:
            # Posted before (or right now by a retry that committed first): its result.
            return InboundSms.objects.get(message_id=message_id), False
        with translation.override(settings.LANGUAGE_CODE):
            outcome = _handle(sender=sender, to=service_digits(to), text=text)
        row.result = outcome.result
        row.reply = outcome.reply[:500]
        row.customer = outcome.customer
        for name, value in outcome.links.items():
            setattr(row, name, value)
        row.save()
        outbox_enqueue(
            template=SmsTemplate.INBOUND_REPLY,
            recipient=sender,
            cause_key=f"inbound:{message_id}",
            params={"text": row.reply},
            customer=outcome.customer,
        )
    return row, True
