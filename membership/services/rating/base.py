"""What every rating policy shares: the preview (assembled once, here, from each policy's
SQL), run bookkeeping, set-based inserts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OrderBy, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from membership.models import LEVEL_RANK, RANK_LEVEL, RatingRun
from membership.signals import rating_committed


@dataclass
class RatingPreview:
    """What a run would do: counts per new level, movers up and down, a sample of each."""

    policy: str
    period: str
    valid_from: date
    valid_until: date
    rated: int
    per_level: dict[str, int]
    upgrades: int
    downgrades: int
    upgrade_sample: list[dict[str, Any]] = field(default_factory=list)
    downgrade_sample: list[dict[str, Any]] = field(default_factory=list)

    def as_counts(self) -> dict[str, Any]:
        return {
            "rated": self.rated,
            "per_level": self.per_level,
            "upgrades": self.upgrades,
            "downgrades": self.downgrades,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
        }


class RatingPolicy(Protocol):
    key: str

    def preview(self, *, period: str, actor: Any = None, sample: int = 10) -> RatingPreview: ...

    def commit(self, *, period: str, actor: Any = None) -> RatingRun: ...


def committed_run(policy: str, period: str) -> RatingRun | None:
    return RatingRun.objects.filter(
        policy=policy, period=period, state=RatingRun.State.COMMITTED
    ).first()


def refuse_second_commit(policy: str, period: str) -> None:
    """CONV-5: a period is committed once; a second commit is refused and changes nothing."""
    done = committed_run(policy, period)
    if done is not None:
        # TIER-4: no schedule commits; a commit without a user came from the command line.
        who = done.committed_by.get_username() if done.committed_by else _("the command line")
        raise DomainError(
            _(
                "The %(period)s rating was already committed on %(at)s by %(who)s; nothing was changed."
            )
            % {
                "period": period,
                "at": f"{timezone.localtime(done.committed_at):%Y-%m-%d %H:%M}",
                "who": who,
            },
            code="already_committed",
        )


def level_of_rank(rank: int | None) -> str:
    """The level a rank stands for, "none" below silver (the previews' key for no level)."""
    return RANK_LEVEL.get(rank or 0, "none")


def preview_record(
    *, policy: str, period: str, preview: RatingPreview, parameters: dict[str, Any], actor: Any
) -> RatingRun:
    """TIER-4: keep a preview as a RatingRun (its counts and the policy's parameters)."""
    return RatingRun.objects.create(
        policy=policy,
        period=period,
        parameters=parameters,
        counts=preview.as_counts(),
        created_by=recorded_actor(actor),
    )


def refuse_older_than_committed(policy: str, period: str) -> None:
    """TIER-4: a period older than one already committed is refused: its grants would start
    in a window long past and sit under the newer rating's (periods of one policy have one
    form, YYYY or YYYY-MM, so they compare as text)."""
    newer = (
        RatingRun.objects.filter(policy=policy, state=RatingRun.State.COMMITTED, period__gt=period)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if newer is not None:
        raise DomainError(
            _(
                "The %(newer)s rating is already committed; %(period)s is older and cannot be "
                "committed after it. Nothing was changed."
            )
            % {"newer": newer, "period": period},
            code="older_than_committed",
        )


def commit_run(
    *,
    policy: str,
    period: str,
    parameters: dict[str, Any],
    preview: RatingPreview,
    actor: Any,
    write: Callable[[RatingRun, datetime, Any], dict[str, Any]],
) -> RatingRun:
    """TIER-4 / CONV-5 for every policy: record the committed run and let ``write(run, now,
    user)`` write its grants, all in one transaction; a period is committed once (a second
    or concurrent commit is refused and changes nothing). Listeners of ``rating_committed``
    (the notices outbox) hear of it once the transaction is committed."""
    refuse_second_commit(policy, period)
    refuse_older_than_committed(policy, period)
    now = clock.now()
    user = recorded_actor(actor)
    try:
        with transaction.atomic():
            run = RatingRun.objects.create(
                policy=policy,
                period=period,
                state=RatingRun.State.COMMITTED,
                parameters=parameters,
                counts=preview.as_counts(),
                created_by=user,
                committed_by=user,
                committed_at=now,
            )
            run.counts = {**run.counts, **write(run, now, user)}
            run.save(update_fields=["counts"])
            transaction.on_commit(lambda: rating_committed.send(sender=RatingRun, run=run))
    except IntegrityError as exc:  # a concurrent commit of the same period won the race
        refuse_second_commit(policy, period)
        raise DomainError(_("The rating could not be committed; try again.")) from exc
    return run


PeriodT = TypeVar("PeriodT")


class RatingPolicyBase(ABC, Generic[PeriodT]):
    """A rating policy: the preview and the commit are assembled here, once; a policy gives
    only what differs: its period (``parse``: the text "YYYY" or "YYYY-MM" as it reads it;
    ``window``: the grants' first and last day), its SQL for who gets which level
    (``scores``: the rated lines with ``new_rank``, counted per rank by ``level_counts``;
    ``with_movement``: the same lines with the rank held before (``before_rank``) and after
    (``after_field``) the new window, for the movers), its recorded ``parameters`` and the
    grants its commit writes (``write``).

    A sample row has the policy's ``sample_fields``, its ``score`` (the ``score_field``)
    and the levels ``before`` and ``after``."""

    key: str
    sample_fields: ClassVar[tuple[str, ...]]
    score_field: ClassVar[str] = "score"
    after_field: ClassVar[str] = "after_rank"

    @abstractmethod
    def parse(self, period: str) -> PeriodT: ...

    @abstractmethod
    def window(self, rated: PeriodT) -> tuple[date, date]: ...

    @abstractmethod
    def scores(self, rated: PeriodT) -> QuerySet[Any]: ...

    @abstractmethod
    def with_movement(self, rated: PeriodT) -> QuerySet[Any]: ...

    @abstractmethod
    def parameters(self, rated: PeriodT) -> dict[str, Any]: ...

    @abstractmethod
    def write(self, rated: PeriodT, run: RatingRun, now: datetime, user: Any) -> dict[str, Any]:
        """The grants of the committed ``run``, in its transaction (see ``commit_run``)."""

    def level_counts(self, rated: PeriodT) -> dict[int, int]:
        """How many rated lines reach each rank (0: none), in one statement: counts filtered
        by rank over ``scores``. A grouped ``scores`` (the annual one) is counted as a derived
        table, each line's rank computed once; a policy whose ``scores`` is not grouped
        counts its own way (rolling.py)."""
        ranks = sorted({0, *LEVEL_RANK.values()})
        found = (
            self.scores(rated)
            .order_by()
            .aggregate(**{f"r{rank}": Count("id", filter=Q(new_rank=rank)) for rank in ranks})
        )
        return {rank: found[f"r{rank}"] for rank in ranks}

    def preview(
        self, *, period: str, actor: Any = None, sample: int = 10, record: bool = True
    ) -> RatingPreview:
        """TIER-4 / TIER-11: what a run of ``period`` would do, set-based: the counts per new
        level (``level_counts``), the movers up and down in one aggregate over
        ``with_movement``, a sample of each (the highest scores up, the lowest down); kept as
        a RatingRun unless ``record`` is False."""
        rated = self.parse(period)
        start, end = self.window(rated)
        per_level = dict.fromkeys(LEVEL_RANK, 0)
        per_level["none"] = 0
        for rank, count in self.level_counts(rated).items():
            per_level[level_of_rank(rank)] += count
        moved = self.with_movement(rated)
        movers = moved.order_by().aggregate(
            ups=Count("id", filter=self._moved("up")), downs=Count("id", filter=self._moved("down"))
        )
        ups = self._changes(moved, "up")
        downs = self._changes(moved, "down")
        preview = RatingPreview(
            policy=self.key,
            period=period,
            valid_from=start,
            valid_until=end,
            rated=sum(per_level.values()),
            per_level=per_level,
            upgrades=movers["ups"],
            downgrades=movers["downs"],
            upgrade_sample=self._sample(ups[:sample]),
            downgrade_sample=self._sample(downs[:sample]),
        )
        if record:
            preview_record(
                policy=self.key,
                period=period,
                preview=preview,
                parameters=self.parameters(rated),
                actor=actor,
            )
        return preview

    def changes(
        self, period: str, direction: str, *, order: Sequence[str | OrderBy] = ()
    ) -> QuerySet[Any]:
        """Every line the run of ``period`` would move ``direction`` ("up" or "down"), as the
        preview's sample rows (``change_row`` finishes each): the whole list behind the
        preview's counts, for its paged screen and CSV export (issue 17). ``order``: the
        fields to sort by (D-HOUSE-10: the screen's sort) instead of the samples' order."""
        rows = self._changes(self.with_movement(self.parse(period)), direction)
        return rows.order_by(*order) if order else rows

    def _moved(self, direction: str) -> Q:
        lookup = "gt" if direction == "up" else "lt"
        return Q(**{f"{self.after_field}__{lookup}": F("before_rank")})

    def _changes(self, moved: QuerySet[Any], direction: str) -> QuerySet[Any]:
        score = self.score_field
        order = f"-{score}" if direction == "up" else score
        return (
            moved.filter(self._moved(direction))
            .order_by(order, "msisdn")
            .values(*self.sample_fields)
        )

    def change_row(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "score": row[self.score_field],
            "before": level_of_rank(row["before_rank"]),
            "after": level_of_rank(row[self.after_field]),
        }

    def _sample(self, rows: Any) -> list[dict[str, Any]]:
        return [self.change_row(row) for row in rows]

    def commit(self, *, period: str, actor: Any = None) -> RatingRun:
        """TIER-4 / TIER-11: write the grants of ``period`` (``write``) in one transaction;
        refused the second time (CONV-5) and for a period older than a committed one, before
        the preview's counts are computed."""
        rated = self.parse(period)
        refuse_second_commit(self.key, period)
        refuse_older_than_committed(self.key, period)
        return commit_run(
            policy=self.key,
            period=period,
            parameters=self.parameters(rated),
            preview=self.preview(period=period, sample=0, record=False),
            actor=actor,
            write=lambda run, now, user: self.write(rated, run, now, user),
        )


def insert_grants_from(
    rows: QuerySet[Any],
    *,
    source: str,
    valid_from: date,
    valid_until: date,
    run: RatingRun,
    reason: str,
    now: datetime,
    actor_id: int | None,
) -> int:
    """INSERT … SELECT one grant per row of ``rows`` (a values() queryset with ``id``,
    ``new_level`` and ``new_rank``), all with the same window, then their GrantEvent rows
    (TIER-10). Set-based: the rows never come to Python."""
    select_sql, select_params = rows.query.sql_with_params()
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    grant_insert = (
        "INSERT INTO membership_levelgrant (customer_id, level, rank, source, valid_from,"
        " valid_until, limited, rating_run_id, reason, created_at, created_by_id,"
        " end_reason)"
        " SELECT s.id, s.new_level, s.new_rank, %s, %s, %s, %s, %s, %s, %s, %s, ''"
        f" FROM ({select_sql}) s"
    )
    grant_params = [
        source,
        ops.adapt_datefield_value(valid_from),
        ops.adapt_datefield_value(valid_until),
        False,
        run.pk,
        reason,
        at,
        actor_id,
        *select_params,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: each new grant's event comes from the grant's own RETURNING, so
            # no anti-join against the events table has to be planned from its statistics.
            cursor.execute(
                f"WITH g AS ({grant_insert} RETURNING id), e AS (INSERT INTO"
                " membership_grantevent (grant_id, action, at, actor_id, rating_run_id, reason)"
                " SELECT id, 'granted', %s, %s, %s, %s FROM g) SELECT COUNT(*) FROM g",
                [*grant_params, at, actor_id, run.pk, reason],
            )
            inserted = int(cursor.fetchone()[0])
            # The COMMIT checks every new row's foreign keys one by one; with the statistics
            # still calling these tables empty, each check would scan them (docs/performance.md).
            cursor.execute("ANALYZE membership_levelgrant")
            cursor.execute("ANALYZE membership_grantevent")
            return inserted
        cursor.execute(grant_insert, grant_params)
        inserted = cursor.rowcount
        cursor.execute(
            "INSERT INTO membership_grantevent (grant_id, action, at, actor_id, rating_run_id,"
            " reason) SELECT g.id, 'granted', %s, %s, %s, %s FROM membership_levelgrant g"
            " WHERE g.rating_run_id = %s AND g.valid_from = %s AND NOT EXISTS"
            " (SELECT 1 FROM membership_grantevent e WHERE e.grant_id = g.id)",
            [at, actor_id, run.pk, reason, run.pk, ops.adapt_datefield_value(valid_from)],
        )
    return int(inserted)
