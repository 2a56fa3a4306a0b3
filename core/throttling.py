"""API throttles (decisions.md D-TRUST-12): DRF's per-user and anonymous rate throttles,
counting in the ``throttle`` cache (Redis when REDIS_URL is set, so every server process
shares one count) and reading their rates from the settings at each request.

A throttle never takes the API down with it: when the cache cannot be reached (Redis down)
the request goes through and a warning is logged — throttling is a guard against abuse, not a
precondition of serving the clerks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"


if TYPE_CHECKING:
    _Throttle = throttling.SimpleRateThrottle
else:
    _Throttle = object


class _SharedCount(_Throttle):
    """The count in the ``throttle`` cache; the rate from the current settings; fail open."""

    def __init__(self) -> None:
        self.cache = caches[CACHE_ALIAS]
        super().__init__()

    def get_rate(self) -> str | None:
        # DRF binds THROTTLE_RATES when it is imported; reading api_settings here follows
        # the settings of the moment (a test's override, a rate set to "off").
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("API throttle: the %s cache is unreachable; let through", CACHE_ALIAS)
            return True


class UserRateThrottle(_SharedCount, throttling.UserRateThrottle):
    """Per staff account (the anonymous are counted by address)."""


class AnonRateThrottle(_SharedCount, throttling.AnonRateThrottle):
    """Per client address, for requests without a login."""
