"""NOTICE-2: ``POST /api/sms/inbound/``, where the SMS gateway posts the messages customers
send us (docs/interfaces.md, "Inbound SMS"; Decision D-API-3).

Machine to machine: no staff session, so the URL is PUBLIC in the access matrix and the
view authenticates the gateway itself, by an HMAC-SHA256 signature of the timestamp and the
raw body with the shared secret ``settings.SMS_INBOUND_SECRET``. A timestamp more than
``WINDOW_SECONDS`` away from our clock is refused, so a captured post cannot be replayed
later; within the window, the unique ``message_id`` makes a replay do nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import clock
from core.validators import normalise_msisdn
from servicedesk.services.sms_inbound import inbound_sms_receive

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
WINDOW_SECONDS = 300
MESSAGE_ID_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 500


def signature_for(*, secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` value: ``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _signed_now(request: HttpRequest) -> bool:
    secret = settings.SMS_INBOUND_SECRET
    if not secret:
        return False  # no secret configured: the endpoint is closed
    timestamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "").strip()
    if not timestamp.isascii() or not timestamp.isdigit() or not signature.isascii():
        return False
    if abs(clock.now().timestamp() - int(timestamp)) > WINDOW_SECONDS:
        return False
    expected = signature_for(secret=secret, timestamp=timestamp, body=request.body)
    return hmac.compare_digest(expected, signature)


class _Malformed(Exception):
    pass


def _text_field(data: dict[str, Any], name: str, *, max_length: int, blank: bool = False) -> str:
    value = data.get(name)
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise _Malformed(_("“%(field)s” must be a text.") % {"field": name})
    if len(value) > max_length:
        raise _Malformed(
            _("“%(field)s” is longer than %(max)s characters.") % {"field": name, "max": max_length}
        )
    return value


def _fields(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Malformed(_("The body must be a JSON object.")) from exc
    if not isinstance(data, dict):
        raise _Malformed(_("The body must be a JSON object."))
    message_id = _text_field(data, "message_id", max_length=MESSAGE_ID_MAX_LENGTH).strip()
    try:
        sender = normalise_msisdn(_text_field(data, "from", max_length=30))
    except ValidationError as exc:
        raise _Malformed(exc.messages[0]) from exc
    to = _text_field(data, "to", max_length=20).strip()
    text = _text_field(data, "text", max_length=TEXT_MAX_LENGTH, blank=True)
    raw_received = _text_field(data, "received_at", max_length=40)
    try:
        received_at: datetime | None = parse_datetime(raw_received)
    except ValueError:
        received_at = None
    if received_at is None or received_at.tzinfo is None:
        raise _Malformed(_("“received_at” must be an ISO 8601 date and time with its offset."))
    return {
        "message_id": message_id,
        "sender": sender,
        "to": to,
        "text": text,
        "received_at": received_at,
    }


@csrf_exempt  # no session or cookie is involved: the signature authenticates the post
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """NOTICE-2: 200 ``{"result": code}``; 401 unsigned; 400 malformed."""
    if not _signed_now(request):
        return JsonResponse(
            {"detail": _("Missing, wrong or expired signature."), "code": "bad_signature"},
            status=401,
        )
    try:
        fields = _fields(request.body)
    except _Malformed as exc:
        return JsonResponse({"detail": str(exc), "code": "malformed"}, status=400)
    row, acted = inbound_sms_receive(**fields)
    headers = {} if acted else {"Idempotent-Replayed": "true"}
    return JsonResponse({"result": row.result}, headers=headers)
