"""NOTICE-2: inbound SMS commands, posted by the gateway to /api/sms/inbound/ — the holiday
opt-out by replying 1 (SERVICE-5) and points transfers by SMS (POINTS-8), signed, once each."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core import clock
from points.models import Transfer
from points.selectors import balances
from points.services import transfer_recipient_register
from points.tests.builders import earn
from servicedesk.models import (
    InboundSms,
    OutboxMessage,
    RequestStatus,
    ServiceRequest,
    SmsTemplate,
)
from servicedesk.services.outbox import render_sms
from servicedesk.views.sms import signature_for
from tests.builders import make_customer

TODAY = date(2026, 11, 25)
pytestmark = [pytest.mark.django_db, pytest.mark.now(TODAY)]

SENDER = "13900000001"
RECIPIENT = "13900000002"


def body(text: str, *, to: str = "10086", sender: str = SENDER, message_id: str = "m-1") -> bytes:
    return json.dumps(
        {
            "message_id": message_id,
            "from": sender,
            "to": to,
            "text": text,
            "received_at": "2026-11-25T10:00:00+08:00",
        }
    ).encode()


def post(
    raw: bytes,
    *,
    secret: str | None = None,
    timestamp: str | None = None,
    signature: str | None = None,
) -> Any:
    stamp = timestamp if timestamp is not None else str(int(clock.now().timestamp()))
    headers = {"X-Timestamp": stamp}
    if signature is None:
        signature = signature_for(
            secret=secret or settings.SMS_INBOUND_SECRET, timestamp=stamp, body=raw
        )
    if signature:
        headers["X-Signature"] = signature
    return Client(enforce_csrf_checks=True).post(
        reverse("api:sms-inbound"), raw, content_type="application/json", headers=headers
    )


def reply_of(message_id: str = "m-1") -> str:
    message = OutboxMessage.objects.get(cause_key=f"inbound:{message_id}")
    assert message.template == SmsTemplate.INBOUND_REPLY
    return render_sms(message.template, message.params)


@pytest.fixture
def sender() -> Any:
    return make_customer(msisdn=SENDER, joined_on=date(2020, 1, 1))


# --- the signature --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["missing", "wrong secret", "altered body", "old timestamp", "future timestamp", "no stamp"],
)
def test_notice_2_an_unsigned_or_stale_post_is_refused_401_and_does_nothing(
    how: str, sender: Any
) -> None:
    raw = body("1", to="10086268")
    now = int(clock.now().timestamp())
    kwargs: dict[str, Any] = {
        "missing": {"signature": ""},
        "wrong secret": {"secret": "not-the-secret"},
        "altered body": {
            "signature": signature_for(
                secret=settings.SMS_INBOUND_SECRET, timestamp=str(now), body=body("2")
            )
        },
        "old timestamp": {"timestamp": str(now - 301)},
        "future timestamp": {"timestamp": str(now + 301)},
        "no stamp": {"timestamp": ""},
    }[how]
    response = post(raw, **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert not InboundSms.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not ServiceRequest.objects.exists()


def test_notice_2_a_timestamp_within_five_minutes_is_accepted(sender: Any) -> None:
    now = int(clock.now().timestamp())
    response = post(body("hello"), timestamp=str(now - 299))
    assert response.status_code == 200


@override_settings(SMS_INBOUND_SECRET="")
def test_notice_2_without_a_configured_secret_everything_is_refused(sender: Any) -> None:
    response = post(body("1", to="10086268"), secret="anything")
    assert response.status_code == 401
    assert not InboundSms.objects.exists()


def test_notice_2_only_post_is_answered() -> None:
    assert Client().get(reverse("api:sms-inbound")).status_code == 405


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        json.dumps({"message_id": "m", "from": SENDER, "to": "10086", "text": "1"}).encode(),
        body("1", sender="12345"),
        body("1", message_id=""),
        json.dumps(
            {
                "message_id": "m",
                "from": SENDER,
                "to": "10086",
                "text": "1",
                "received_at": "2026-11-25T10:00:00",
            }
        ).encode(),
    ],
)
def test_notice_2_a_malformed_body_is_400(raw: bytes, sender: Any) -> None:
    response = post(raw)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert not InboundSms.objects.exists()


# --- SERVICE-5: "1" to 10086268 ---------------------------------------------------------------


def test_service_5_replying_1_to_10086268_opts_out_and_queues_a_reply(sender: Any) -> None:
    response = post(body("１ ", to="10086268"))  # a full-width 1 and a space are the same

    assert response.status_code == 200
    assert response.json() == {"result": "opted_out"}
    request = ServiceRequest.objects.get(customer=sender, kind="holiday_opt_out")
    assert (request.status, request.year, request.created_by) == (RequestStatus.DONE, 2026, None)
    row = InboundSms.objects.get(message_id="m-1")
    assert (row.customer, row.service_request) == (sender, request)
    message = OutboxMessage.objects.get(cause_key="inbound:m-1")
    assert (message.recipient, message.customer) == (SENDER, sender)
    assert "2026" in reply_of()


def test_service_5_a_second_opt_out_is_refused_with_the_reason(sender: Any) -> None:
    post(body("1", to="10086268", message_id="first"))
    response = post(body("1", to="10086268", message_id="second"))
    assert response.json() == {"result": "opt_out_refused"}
    refused = ServiceRequest.objects.get(status=RequestStatus.REFUSED)
    assert refused.refusal_reason in reply_of("second")


def test_service_5_a_1_sent_to_another_number_is_not_an_opt_out(sender: Any) -> None:
    response = post(body("1", to="10086"))
    assert response.json() == {"result": "help"}
    assert not ServiceRequest.objects.exists()


# --- POINTS-8: JFZS <number> <points> to 10086 ----------------------------------------------


def test_points_8_a_transfer_by_sms_moves_points_as_at_the_counter(sender: Any) -> None:
    recipient = make_customer(msisdn=RECIPIENT, joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2025, 800)

    response = post(body(f"jfzs {RECIPIENT} 500"))

    assert response.json() == {"result": "transferred"}
    transfer = Transfer.objects.get()
    assert (transfer.sender, transfer.recipient, transfer.points) == (sender, recipient, 500)
    assert transfer.created_by is None
    assert (balances(sender).redeemable, balances(recipient).redeemable) == (300, 500)
    assert InboundSms.objects.get().transfer == transfer
    assert "500" in reply_of()
    assert RECIPIENT in reply_of()


def test_points_8_the_404_command_word_works_too(sender: Any) -> None:
    recipient = make_customer(msisdn=RECIPIENT, joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2025, 100)
    assert post(body(f"404 {RECIPIENT} 100")).json() == {"result": "transferred"}


def test_points_8_a_refused_transfer_replies_with_the_services_reason(sender: Any) -> None:
    recipient = make_customer(msisdn=RECIPIENT, joined_on=date(2024, 1, 1))  # not registered
    earn(sender, 2025, 800)

    response = post(body(f"JFZS {RECIPIENT} 500"))

    assert response.json() == {"result": "transfer_refused"}
    assert not Transfer.objects.exists()
    assert balances(sender).redeemable == 800
    with translation.override(settings.LANGUAGE_CODE):  # the service's words, as at the desk
        why = gettext("Register %(msisdn)s as a recipient first.") % {"msisdn": recipient}
    assert why in reply_of()


def test_points_8_a_transfer_to_an_unknown_number_is_refused(sender: Any) -> None:
    response = post(body("JFZS 13999999999 10"))
    assert response.json() == {"result": "transfer_refused"}
    assert "13999999999" in reply_of()


# --- replays, help, strangers ------------------------------------------------------------------


def test_notice_2_a_replayed_message_id_does_nothing_twice(sender: Any) -> None:
    recipient = make_customer(msisdn=RECIPIENT, joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2025, 800)
    raw = body(f"JFZS {RECIPIENT} 500")

    first = post(raw)
    again = post(raw)

    assert first.json() == again.json() == {"result": "transferred"}
    assert again["Idempotent-Replayed"] == "true"
    assert Transfer.objects.count() == 1
    assert balances(sender).redeemable == 300
    assert OutboxMessage.objects.filter(cause_key="inbound:m-1").count() == 1
    assert InboundSms.objects.count() == 1


def test_notice_2_a_replay_of_a_refusal_answers_the_first_result(sender: Any) -> None:
    raw = body(f"JFZS {RECIPIENT} 500")
    assert post(raw).json() == {"result": "transfer_refused"}
    # the recipient appears and is registered: the replay still does nothing
    recipient = make_customer(msisdn=RECIPIENT, joined_on=date(2024, 1, 1))
    transfer_recipient_register(sender=sender, recipient=recipient)
    earn(sender, 2025, 800)
    assert post(raw).json() == {"result": "transfer_refused"}
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("text", ["hello", "JFZS", "JFZS 139", "", "2"])
def test_notice_2_unknown_text_gets_help(text: str, sender: Any) -> None:
    response = post(body(text))
    assert response.json() == {"result": "help"}
    assert "JFZS" in reply_of()
    assert not ServiceRequest.objects.exists()
    assert not Transfer.objects.exists()


def test_notice_2_a_number_that_is_not_a_customer_is_told_so() -> None:
    response = post(body("1", to="10086268", sender="13811112222"))
    assert response.json() == {"result": "unknown_number"}
    message = OutboxMessage.objects.get(cause_key="inbound:m-1")
    assert (message.recipient, message.customer) == ("13811112222", None)
    assert "10086" in reply_of()
    assert not ServiceRequest.objects.exists()


def test_notice_2_the_timestamp_window_follows_the_clock(sender: Any) -> None:
    stamp = str(int((clock.now() - timedelta(minutes=6)).timestamp()))
    assert post(body("hello"), timestamp=stamp).status_code == 401
