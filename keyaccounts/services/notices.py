"""D-GROUP-11: an account manager marks notifications read (one, or all of them).

Marking is idempotent: a row per (manager, kind, object, day) under a unique constraint,
inserted with ``ignore_conflicts``, so a double submit or a stale page writes nothing more.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import clock
from keyaccounts.models import NoticeKind, NoticeSeen
from keyaccounts.selectors.notices import notices_for


def notice_mark_seen(*, user: Any, kind: str, object_id: int, day: date) -> None:
    """Record that ``user`` read one notification (nothing more if already read)."""
    NoticeKind(kind)  # an unknown kind is a programming error, the form checks it first
    NoticeSeen.objects.bulk_create(
        [NoticeSeen(user=user, kind=kind, object_id=object_id, day=day, seen_at=clock.now())],
        ignore_conflicts=True,
    )


def notice_mark_all_seen(*, user: Any, today: date | None = None) -> int:
    """Record every notification ``user`` has unread now as read; how many there were.
    One INSERT of at most one manager's notifications."""
    now = clock.now()
    rows = [
        NoticeSeen(user=user, kind=n.kind, object_id=n.object_id, day=n.day, seen_at=now)
        for n in notices_for(user, today)
    ]
    NoticeSeen.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
