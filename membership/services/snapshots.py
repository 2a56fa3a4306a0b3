"""CUST-5 / KPI-1: taking a snapshot list 拍照中高端 (supervisors), set-based."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.sql import analyze_tables, insert_select
from membership.models import SnapshotList, SnapshotMember
from membership.selectors.snapshots import SnapshotCriteria, snapshot_candidates

audit = logging.getLogger("core.audit")


@transaction.atomic
def snapshot_list_take(*, criteria: SnapshotCriteria, name: str, actor: Any) -> SnapshotList:
    """CUST-5 / D-CUST-12: write the list of ``criteria.on`` in ONE ``INSERT … SELECT`` of
    the candidates (``snapshot_candidates``), store its counts, then ANALYZE the members
    table (PostgreSQL) as the other bulk writers do. One list a day (``taken_on`` is
    unique): a second one of the same day is refused."""
    if SnapshotList.objects.filter(taken_on=criteria.on).exists():
        raise DomainError(
            _("A snapshot list was taken on %(day)s already.") % {"day": criteria.on.isoformat()},
            code="snapshot_exists",
        )
    snapshot = SnapshotList.objects.create(
        name=name, taken_on=criteria.on, created_at=clock.now(), created_by=recorded_actor(actor)
    )
    inserted = insert_select(
        SnapshotMember,
        {"snapshot": Value(snapshot.pk), "customer": F("customer"), "important": F("important")},
        snapshot_candidates(criteria),
    )
    analyze_tables(SnapshotMember)
    important = SnapshotMember.objects.filter(snapshot=snapshot, important=True).count()
    SnapshotList.objects.filter(pk=snapshot.pk).update(
        members_count=inserted, important_count=important
    )
    snapshot.members_count, snapshot.important_count = inserted, important
    audit.info(
        "snapshot list taken: list=%s day=%s members=%s user=%s",
        snapshot.pk,
        criteria.on,
        inserted,
        getattr(actor, "pk", None),
    )
    return snapshot
