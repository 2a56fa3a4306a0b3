"""D-GROUP-11: the account manager's unread notifications, counted for the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from keyaccounts.selectors.notices import is_manager, notice_count


def manager_notices(request: HttpRequest) -> dict[str, Any]:
    """``notice_url`` and ``notice_count`` for base.html's navigation, for account
    managers only; the count is computed when the template shows it (lazily)."""
    user = getattr(request, "user", None)
    if user is None or not is_manager(user):
        return {}
    return {
        "notice_url": reverse("keyaccounts:notices"),
        "notice_count": _LazyCount(user),
    }


class _LazyCount:
    """Counts once, on first use in the template (a page without the header pays nothing)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def _get(self) -> int:
        if self.value is None:
            self.value = notice_count(self.user)
        return self.value

    def __int__(self) -> int:
        return self._get()

    def __bool__(self) -> bool:
        return self._get() > 0

    def __str__(self) -> str:
        return str(self._get())
