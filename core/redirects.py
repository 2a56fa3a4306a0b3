"""Where a form or a link goes back to: its ``next``, when that is a page of ours."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str = "") -> str:
    """The ``next`` the request carries (the form's field, else the query string) when it
    is a page of this site (same host; https when the request is), else ``fallback``: an
    address typed into a link never sends staff to another site (an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
