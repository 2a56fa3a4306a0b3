"""D-CUST-9: the counter's search box in the page header, for the roles that use the counter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.access import may_open

LOOKUP = "membership:lookup"


def counter_search(request: HttpRequest) -> dict[str, Any]:
    """``counter_search_url`` for base.html's header box: set for users who may open the
    lookup, except on the lookup page itself (its own box has the focus there)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_open(user, LOOKUP):
        return {}
    match = request.resolver_match
    if match is not None and match.view_name == LOOKUP:
        return {}
    return {"counter_search_url": reverse(LOOKUP)}
