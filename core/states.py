"""Explicit state machines (docs/style.md, habit 3): one shape for every model with a status.

The shape (job runs, feed import runs, customers' lines, plan orders, redemptions, service
requests, queue tickets):

- the model class declares its moves next to its ``status`` field, a final status mapping
  to nothing::

      class Parcel(models.Model):
          class Status(models.TextChoices): ...
          TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
              Status.OPEN: frozenset({Status.SENT, Status.CANCELLED}),
              Status.SENT: frozenset(),
              Status.CANCELLED: frozenset(),
          }

- a history model keeps one row per move: from, to, when, who, why;
- one service per model, ``<entity>_set_status``, checks what only it knows (a reason
  that must be given, a quota to give back) and calls ``state_move`` for the rest::

      def parcel_set_status(*, parcel: Parcel, status: str, actor: Any, note: str = "") -> ParcelEvent:
          origin = parcel.status
          return state_move(
              parcel,
              status,
              values={"sent_at": clock.now()} if status == Parcel.Status.SENT else {},
              refusal=_("A parcel that is %(from)s cannot become %(to)s.") % {...},  # optional
              lost=_("The parcel changed meanwhile; look at it again."),  # optional
              history=lambda: ParcelEvent.objects.create(
                  parcel=parcel, from_status=origin, to_status=status, at=clock.now(),
                  actor=recorded_actor(actor), note=note,
              ),
          )

  Nothing else writes the status, but for set-based batch moves (habit 7, e.g.
  plans_make_effective), which write their history rows in bulk.

``state_move`` (1) refuses a move the map does not allow, with a ``DomainError`` a clerk can
act on (each app passes its own wording; the default names both statuses); (2) writes the
new status and the move's other values; (3) writes the history row in the same
transaction, so a move happens with its history or not at all; (4) leaves the object as
the database holds it; it returns the history row.

How (2) is written depends on whether the row may be moved by somebody else meanwhile:

- ``locked=False`` (the default): one UPDATE conditional on the status that was read. Two
  workers or two people may move the same row at once (runs, orders, tickets); the loser
  of the race writes nothing and learns it, ``MovedMeanwhile(lost)``, instead of
  overwriting the winner. The object is then read again.
- ``locked=True``: the caller read the row with ``select_for_update`` in the current
  transaction (it had to, to check more than the status: a quota, a reason), so nobody
  can move it meanwhile. The values are set on the object and saved with
  ``save(update_fields=…)``, so that the model's own save machinery runs
  (django-simple-history keeps the customer's history that way).

In both, the model's ``auto_now`` fields are written too, as any save writes them.
``status_move`` is the conditional write alone, for a caller that checked the move itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

H = TypeVar("H", bound=models.Model)  # the history row


class MovedMeanwhile(DomainError):
    """A move lost its race: the row's status was no longer the one read (code
    ``conflict``). A caller for whom that is no error (a run claimed twice) catches it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")


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


def state_allows(obj: models.Model, to: str) -> bool:
    """Whether ``type(obj).TRANSITIONS`` lets ``obj`` move from its status to ``to``."""
    transitions: Mapping[str, frozenset[str]] = type(obj).TRANSITIONS  # type: ignore[attr-defined]
    return to in transitions.get(obj.status, frozenset())  # type: ignore[attr-defined]


def state_check(
    obj: models.Model, to: str, *, refusal: str | None = None, code: str = "bad_transition"
) -> None:
    """Refuse (``DomainError(refusal, code=code)``) a move of ``obj`` to ``to`` that its
    model's TRANSITIONS does not allow. For a service that must refuse a bad move before it
    checks anything else; ``state_move`` checks again."""
    if not state_allows(obj, to):
        raise DomainError(refusal if refusal is not None else _refusal(obj, to), code=code)


def state_move(
    obj: models.Model,
    to: str,
    *,
    history: Callable[[], H],
    values: Mapping[str, Any] | None = None,
    refusal: str | None = None,
    code: str = "bad_transition",
    lost: str | None = None,
    locked: bool = False,
) -> H:
    """Move ``obj`` to status ``to`` with ``values`` (other fields the move writes; F()
    expressions allowed) and the history row ``history()`` writes, in one transaction; the
    history row is the answer. Refused (``DomainError(refusal, code=code)``) when
    ``type(obj).TRANSITIONS`` does not allow the move; ``MovedMeanwhile(lost)`` when
    somebody moved ``obj`` first (nothing written; never with ``locked``, see the module's
    doc)."""
    state_check(obj, to, refusal=refusal, code=code)
    origin: str = obj.status  # type: ignore[attr-defined]
    written: dict[str, Any] = {"status": to, **(values or {})}
    stamped = [f for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    if locked:
        if not transaction.get_connection(obj._state.db).in_atomic_block:
            raise RuntimeError("locked=True: read the row with select_for_update in a transaction")
        with transaction.atomic(using=obj._state.db, savepoint=False):
            for name, value in written.items():
                setattr(obj, name, value)
            obj.save(update_fields=[*written, *(f.name for f in stamped if f.name not in written)])
            row = history()
        expressions = [
            name for name, value in written.items() if hasattr(value, "resolve_expression")
        ]
        if expressions:
            obj.refresh_from_db(fields=expressions)
        return row
    for field in stamped:
        written.setdefault(field.attname, field.pre_save(obj, add=False))
    rows: list[H] = []
    if status_move(obj, origin=origin, values=written, history=lambda: rows.append(history())):
        return rows[0]
    raise MovedMeanwhile(lost if lost is not None else _("The object changed meanwhile."))


def _refusal(obj: models.Model, to: str) -> str:
    labels = dict(obj._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
    origin = obj.status  # type: ignore[attr-defined]
    return _("A %(what)s that is %(origin)s cannot become %(to)s.") % {
        "what": obj._meta.verbose_name,
        "origin": labels.get(origin, origin),
        "to": labels.get(to, to),
    }
