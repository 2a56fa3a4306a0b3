"""Who to record as the actor of a change."""

from __future__ import annotations

from typing import Any


def recorded_actor(user: Any) -> Any:
    """The staff member to write into an audit or history row, or None when nobody logged
    in is behind the change (a scheduled job, a command, an anonymous caller)."""
    return user if getattr(user, "is_authenticated", False) else None
