"""Login lockout (django-axes) per user and per address (decisions.md D-TRUST-11).

Axes counts the failed logins of each group of ``AXES_LOCKOUT_PARAMETERS`` — here the
(username, address) pair and the address alone — and locks the request out when the largest
count reaches ``AXES_FAILURE_LIMIT``: one number for every group. ``failure_limit`` (the
callable axes accepts for that setting) gives each group its own limit: the pair's
(``LOCKOUT_USER_FAILURES``, 5) once the pair has reached it, else the address's
(``LOCKOUT_ADDRESS_FAILURES``, 20), so one address may try a handful of usernames but not
one password against every clerk.

``LockoutHandler`` is axes's database handler with one change: a successful login forgives
the user's own failures from that address, not the failures of other usernames from it
(axes resets every group the login matches, which would wipe the address's count).

``client_ip`` reads the client's address behind ``TRUSTED_PROXY_COUNT`` proxies the way DRF's
throttles do (``NUM_PROXIES``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _address(request: HttpRequest) -> str | None:
    address = getattr(request, "axes_ip_address", None)
    return address if address is not None else get_client_ip_address(request)


def _own_attempts(request: HttpRequest, credentials: dict[str, Any] | None) -> QuerySet[Any]:
    """The failures of this username from this address (any browser)."""
    return AccessAttempt.objects.filter(
        username=get_client_username(request, credentials), ip_address=_address(request)
    )


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """AXES_FAILURE_LIMIT: the limit the largest group count is compared with (see above)."""
    per_user = int(settings.LOCKOUT_USER_FAILURES)
    per_address = max(per_user, int(settings.LOCKOUT_ADDRESS_FAILURES))
    attempts = _own_attempts(request, credentials)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return per_user if failures >= per_user else per_address


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: the database handler, resetting only the user's own failures."""

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        count, _deleted = _own_attempts(request, credentials).delete()
        return int(count)


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address. Behind N trusted proxies
    (TRUSTED_PROXY_COUNT) it is the N-th address from the right of X-Forwarded-For — each
    proxy appends the address it got the request from, anything further left is whatever the
    client sent — exactly as DRF's throttles read it with NUM_PROXIES; else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        candidate = hops[-min(proxies, len(hops))]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:  # not an address: ignore the header rather than store junk
            return remote
    return remote
