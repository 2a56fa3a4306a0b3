"""SERVICE-2: supervisors change the entitlements table; every change is kept with who made
it (django-simple-history on the model)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.actors import recorded_actor
from servicedesk.models import Entitlement

BASELINE_REASON = "as seeded"


def _baseline(entitlement: Entitlement) -> None:
    """Rows seeded by a migration have no history yet: keep their stored version first, so
    the first change made in the app shows what it changed (before → after)."""
    if entitlement.pk is None or Entitlement.history.filter(id=entitlement.pk).exists():
        return
    stored = Entitlement.objects.filter(pk=entitlement.pk).first()
    if stored is not None:
        Entitlement.history.bulk_history_create([stored], default_change_reason=BASELINE_REASON)


@transaction.atomic
def entitlement_save(*, entitlement: Entitlement, actor: Any, reason: str = "") -> Entitlement:
    """Add or change a row; its history row names ``actor`` and ``reason``."""
    _baseline(entitlement)
    entitlement._history_user = recorded_actor(actor)  # type: ignore[attr-defined]
    entitlement._change_reason = reason[:100]  # type: ignore[attr-defined]
    entitlement.save()
    return entitlement


@transaction.atomic
def entitlement_delete(*, entitlement: Entitlement, actor: Any, reason: str = "") -> None:
    """Remove a row; the history keeps it (a deletion record) with ``actor``. Usage counters
    already opened keep the quota they were opened with (SERVICE-2)."""
    _baseline(entitlement)
    entitlement._history_user = recorded_actor(actor)  # type: ignore[attr-defined]
    entitlement._change_reason = reason[:100]  # type: ignore[attr-defined]
    entitlement.delete()
