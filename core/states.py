"""The move of an explicit state machine (docs/style.md, habit 3), for the models whose moves race.

Each model keeps its own allowed-transitions map, its own refusal message and its own
history table; what they share is how a move is written when two workers or two people may
move the same row at once: one UPDATE conditional on the status that was read, and the
history row in the same transaction, so a move either happens with its history or not at
all, and the loser of a race learns it (False) instead of overwriting the winner.
Used by job runs (core/job_states.py), feed import runs and upgrade requests (membership).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction


def status_move(
    obj: models.Model,
    *,
    origin: str,
    values: dict[str, Any],
    history: Callable[[], object],
) -> bool:
    """Write ``values`` (the new status among them) to ``obj`` if its status is still
    ``origin``; when it was, call ``history()`` to write the history row in the same
    transaction and refresh ``obj``. False when somebody moved it meanwhile (nothing written).
    """
    manager = type(obj)._default_manager
    with transaction.atomic():
        if not manager.filter(pk=obj.pk, status=origin).update(**values):
            return False
        history()
    obj.refresh_from_db()
    return True
