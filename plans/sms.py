"""PLAN-6: ordering a plan by SMS code (``KTQSL58`` … ``KTQSL888`` to 10086).

The SMS gateway hands an incoming text and the sender's number to ``sms_order_receive``;
it places the order through the same service as the counter (channel ``sms``) and returns
the reply to send back. Nothing is written for a text that is not an order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.programme import programme
from core.validators import normalise_msisdn
from membership.models import Customer
from plans.models import Channel, Plan, Subscription
from plans.selectors import is_new_customer
from plans.services import subscription_order

ORDER_CODE_RE = re.compile(r"^KTQSL\d+$")


@dataclass(frozen=True)
class SmsReply:
    """What to send back, and what happened (``ordered``, ``unknown_code``,
    ``unknown_number`` or ``refused``)."""

    outcome: str
    text: str
    subscription: Subscription | None = None


def parse_order_code(text: str) -> str:
    """'ktqsl 58 ', 'KTQSL58\\n' → 'KTQSL58'; anything else comes back cleaned as it is."""
    return re.sub(r"\s+", "", text or "").upper()


def _codes_hint() -> str:
    codes = Plan.objects.filter(active=True).exclude(order_code="").order_by("monthly_fee")
    return ", ".join(codes.values_list("order_code", flat=True))


def sms_order_receive(
    *, msisdn: str, text: str, today: date | None = None, language: str | None = None
) -> SmsReply:
    """Place the order an SMS asks for; the reply is in ``language`` (default: the site's)."""
    today = today or clock.today()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _receive(msisdn=msisdn, text=text, today=today)


def _receive(*, msisdn: str, text: str, today: date) -> SmsReply:
    code = parse_order_code(text)
    try:
        customer = Customer.objects.get(msisdn=normalise_msisdn(msisdn))
    except (ValidationError, Customer.DoesNotExist):
        return SmsReply(
            "unknown_number",
            _(
                "Sorry, this number is not a China Mobile line we can order plans for. "
                "Please call 10086."
            ),
        )
    plan = (
        Plan.objects.select_related("family").filter(order_code__iexact=code).first()
        if ORDER_CODE_RE.match(code) and code
        else None
    )
    if plan is None:
        return SmsReply(
            "unknown_code",
            _("Sorry, “%(text)s” is not a plan order code. Send one of: %(codes)s.")
            % {"text": (text or "").strip()[:20], "codes": _codes_hint()},
        )
    option = programme("PLAN_SMS_FIRST_MONTH_OPTION") if is_new_customer(customer, today) else ""
    try:
        subscription = subscription_order(
            customer=customer,
            plan=plan,
            channel=Channel.SMS,
            first_month_option=option,
            today=today,
        )
    except DomainError as exc:
        return SmsReply(
            "refused",
            _("Sorry, %(plan)s could not be ordered: %(why)s")
            % {"plan": plan.name_zh, "why": exc.message},
        )
    return SmsReply(
        "ordered",
        _("You have ordered %(plan)s; it takes effect on %(day)s. Thank you, China Mobile.")
        % {"plan": plan.name_zh, "day": subscription.effective_from.isoformat()},
        subscription,
    )
