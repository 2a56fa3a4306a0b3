"""Nothing done twice (D-TRUST-1): one-time form tokens and the API's ``Idempotency-Key``.

A form that creates something carries a one-time token (``{% idempotency_token %}``, a
hidden field signed with a timestamp, new at every render). Its view is wrapped in
``idempotent_form``: the first POST of a token does the work and records the result (the
URL it redirected to and the messages it said); a replay (the browser's Back button and
submit again, a double click) does nothing and redirects to that result, saying it was
already done. The API's create operations are wrapped in ``idempotent_api``: the same
``Idempotency-Key`` header from the same user with the same request answers the stored first
response; with a different request, 422.

Both go through ``once``: the key's row (``core.IdempotencyKey``, unique per user, scope and
key) is inserted *before* the work, in the work's transaction. Of two simultaneous
submissions the second waits on the unique constraint until the first commits, fails, rolls
back without having done anything, and answers the first's result. Work that ends without a
result (a form shown again with its errors, an API error) removes the row, so the key can be
used again. Rows older than ``TTL`` are purged on the next insert; a form token older than
``TTL`` is refused by its signature, so no replay can outlive its row.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core import clock
from core.models import IdempotencyKey

T = TypeVar("T")

FORM_FIELD = "idempotency_token"
API_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(days=1)
KEY_MAX_LENGTH = 255
_SALT = "core.idempotency.form"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


# --- The one mechanism -------------------------------------------------------------------------


class _Lost(Exception):
    """Another submission of the same key committed its row first."""


def purge_expired() -> int:
    """Delete the rows older than ``TTL``; the number deleted."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=clock.now() - TTL).delete()
    return deleted


def _first(user: Any, scope: str, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()


def once(
    *,
    user: Any,
    scope: str,
    key: str,
    work: Callable[[], T],
    result: Callable[[T], dict[str, Any] | None],
    fingerprint: str = "",
) -> T | IdempotencyKey:
    """Run ``work()`` once per (user, scope, key).

    Returns the work's value when it ran now, or the first submission's row when the key was
    used before (or is being used right now by a submission that commits first).
    ``result(value)`` gives the fields to record on the row, or None when the work had no
    result to remember (the row is removed, the key may be used again).
    """
    purge_expired()  # outside the work's transaction: a short statement of its own
    lost: _Lost | None = None
    for _attempt in range(3):
        first = _first(user, scope, key)
        if first is not None:
            return first
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        row = IdempotencyKey.objects.create(
                            user=user,
                            scope=scope,
                            key=key,
                            fingerprint=fingerprint,
                            created_at=clock.now(),
                        )
                except IntegrityError as exc:
                    raise _Lost from exc
                value = work()
                fields = result(value)
                rows = IdempotencyKey.objects.filter(pk=row.pk)
                if fields is None:
                    rows.delete()
                else:
                    rows.update(**fields)
                return value
        except _Lost as exc:
            lost = exc  # the winner has committed: its row is read at the top of the loop
    # Only when the row that beat ours vanished each time (purged as it expired).
    assert lost is not None
    raise lost.__cause__ or lost


# --- Forms -------------------------------------------------------------------------------------


def new_form_token() -> str:
    """A one-time token for a form: random, signed with the time it was made."""
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_urlsafe(16))


def form_token_field() -> SafeString:
    """The hidden input of a new token (the ``{% idempotency_token %}`` tag)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_form_token())


def _form_key(token: str) -> str | None:
    """The token's random part; None when it is older than ``TTL`` or was altered."""
    try:
        return signing.TimestampSigner(salt=_SALT).unsign(token, max_age=TTL)
    except signing.BadSignature:  # SignatureExpired included
        return None


def _queued(request: HttpRequest) -> list[Any]:
    """The messages added during this request (the storage's queue), or []."""
    storage = getattr(request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """To the page the form was on (the referrer, when it is ours), else the form's URL."""
    referrer = request.headers.get("referer", "")
    if referrer and url_has_allowed_host_and_scheme(referrer, allowed_hosts={request.get_host()}):
        return redirect(referrer)
    return redirect(request.path)


def already_done_message(first: IdempotencyKey) -> str:
    if first.result_message:
        return _(
            "Already done: this form was submitted before, so nothing was done again. "
            "The first submission: %(result)s"
        ) % {"result": first.result_message}
    return _("Already done: this form was submitted before, so nothing was done again.")


def idempotent_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make a POST view that creates something do it once per form token.

    A POST without a token (a client that is not our page) runs the view as before. The work
    is recorded only when the view redirects (it did something and shows its result); a form
    shown again with its errors records nothing, and the page it shows has a new token.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
        if not token or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _form_key(token)
        if key is None:
            messages.error(
                request,
                _(
                    "This form is more than a day old or was altered, so it was not sent. "
                    "Please fill it in again."
                ),
            )
            return _back(request)

        def work() -> tuple[HttpResponse, list[str]]:
            before = len(_queued(request))
            response = view(request, *args, **kwargs)
            return response, [str(message) for message in _queued(request)[before:]]

        def result(value: tuple[HttpResponse, list[str]]) -> dict[str, Any] | None:
            response, said = value
            if response.status_code not in _REDIRECTS or not response.has_header("Location"):
                return None
            return {
                "status_code": response.status_code,
                "result_url": response["Location"],
                "result_message": " ".join(said),
            }

        done = once(
            user=request.user, scope=IdempotencyKey.Scope.FORM, key=key, work=work, result=result
        )
        if not isinstance(done, IdempotencyKey):
            return done[0]
        first = done
        messages.warning(request, already_done_message(first))
        return redirect(first.result_url or request.path)

    return wrapper


# --- The API -----------------------------------------------------------------------------------

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=API_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional: a key of the client's choosing (1 to 255 printable ASCII characters, e.g. "
        "a UUID), new for each record to create. Sending the same request again with the "
        "same key (a retry after a timeout) creates nothing again: the answer is the first "
        "response, status and body, with the header `Idempotent-Replayed: true`. The same key "
        "with a different request (method, path or body) is refused with 422. Keys are per "
        "user and kept for a day; only successful responses are kept (after an error the key "
        "may be used again), and refusals that were recorded (a service request's 409)."
    ),
)

IDEMPOTENCY_KEY_REUSED = OpenApiResponse(
    response=inline_serializer(
        name="IdempotencyKeyReused",
        fields={"detail": serializers.CharField(), "code": serializers.CharField()},
    ),
    description=(
        "The Idempotency-Key was used before, by the same user, with a different request; "
        "`code` is `idempotency_key_reused`."
    ),
)


def _plain(data: Any) -> Any:
    """``data`` as the JSON the response sends (dates, decimals… as their JSON text)."""
    return json.loads(JSONRenderer().render(data)) if data is not None else None


def request_fingerprint(request: Request) -> str:
    """SHA-256 of the method, the path and the body's content (keys in any order)."""
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict: a form-encoded or multipart body
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _api_key(request: Request) -> str | None:
    raw = request.headers.get(API_HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not (key.isascii() and key.isprintable()):
        raise ValidationError(
            {
                API_HEADER: [
                    _("The Idempotency-Key header must be 1 to 255 printable ASCII characters.")
                ]
            }
        )
    return key


class RecordedRefusal(Response):
    """An error response that is nevertheless the operation's result: a rule refused, and the
    refusal was recorded (a service request refused at the desk is stored, D-DESK-4). Like a
    2xx it is stored with the key and replayed, so a retry records nothing more (D-API-2)."""


def idempotent_api(method: Callable[..., Response]) -> Callable[..., Response]:
    """Make an API operation that creates something honour the ``Idempotency-Key`` header.

    Without the header the operation runs as before. Only a 2xx response (or a
    ``RecordedRefusal``) is stored; any other error (raised or returned) stores nothing and
    the key may be used again.
    """

    @wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _api_key(request)
        if key is None or not request.user.is_authenticated:
            return method(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request)

        def work() -> Response:
            return method(view, request, *args, **kwargs)

        def result(response: Response) -> dict[str, Any] | None:
            if not (
                status.is_success(response.status_code) or isinstance(response, RecordedRefusal)
            ):
                return None
            return {"status_code": response.status_code, "response_body": _plain(response.data)}

        first = once(
            user=request.user,
            scope=IdempotencyKey.Scope.API,
            key=key,
            work=work,
            result=result,
            fingerprint=fingerprint,
        )
        if not isinstance(first, IdempotencyKey):
            return first  # the response of the work, done now
        if first.fingerprint != fingerprint:
            return Response(
                {
                    "detail": _(
                        "This Idempotency-Key was already used for a different request; "
                        "use a new key for a new request."
                    ),
                    "code": "idempotency_key_reused",
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(
            first.response_body,
            status=first.status_code or status.HTTP_200_OK,
            headers={REPLAYED_HEADER: "true"},
        )

    return wrapper
