"""Job runs: one row per (job, period), its chunks and the history of its status (CONV-5),
and the run base they share with feed import runs (membership.ImportRun).

The runner (core/jobs.py) is the only writer; these models only declare the shape and the
allowed status transitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunBase(models.Model):
    """What a job run and a feed import run share (CONV-5): when it started and finished,
    how many attempts, its counts and its error, and how its status moves — one mover for
    both, ``core.runs.run_set_status`` (the shared bookkeeping of a start, an end, a run
    sent again), and one test of a dead worker, ``core.runs.run_is_stale``.

    A subclass declares its ``Status`` (with RUNNING = "running"), its ``TRANSITIONS``
    (core/states.py), which statuses are ``FINISHED``, in which a silent run is ``STALLS``
    (stuck), a ``created_at`` and a history model (``RunEventBase``) whose ``run`` has
    ``related_name="events"``. Only fields the two declare alike live here, so that no
    migration follows.
    """

    RUNNING: ClassVar[str] = "running"
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]]
    FINISHED: ClassVar[frozenset[str]]
    STALLS: ClassVar[frozenset[str]]

    status: str
    created_at: datetime

    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def last_sign_of_life(self) -> datetime:
        """When the run last showed it was alive: its start while it runs, else its
        creation (a queued run has not started this time, whatever an earlier try did)."""
        if self.status == self.RUNNING and self.started_at:
            return self.started_at
        return self.created_at

    def move_values(self, to: str, now: datetime) -> dict[str, Any]:
        """What a move to ``to`` writes besides the shared bookkeeping (none here)."""
        return {}

    def event_values(self, to: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """What the history row of a move to ``to`` records besides the shared columns."""
        return {}


class RunEventBase(models.Model):
    """One row per status move of a run, with who and why; a subclass adds ``run`` (a
    foreign key with ``related_name="events"``) and its ``from_status``/``to_status``."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    run_id: int
    from_status: str
    to_status: str

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.from_status} → {self.to_status}"


class JobRun(RunBase):
    """CONV-5: one run of a batch job for one period; unique per (job, period)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command")
        PAGE = "page", _("Supervisor page")

    # The state machine. SUCCEEDED → RUNNING is only taken by an explicit re-run
    # (`run_job NAME PERIOD --rerun`); FAILED → RUNNING is "run again"; PENDING → FAILED is a
    # run whose task never started (the sweeper). A resume of a running run is not a move: its
    # history row reads running → running, with who resumed it (D-CORE-7).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.SUCCEEDED, Status.FAILED}),
        Status.FAILED: frozenset({Status.RUNNING}),
        Status.SUCCEEDED: frozenset({Status.RUNNING}),
    }
    FINISHED: ClassVar[frozenset[str]] = frozenset({Status.SUCCEEDED, Status.FAILED})
    STALLS: ClassVar[frozenset[str]] = frozenset({Status.RUNNING})  # a pending run: the sweeper

    job = models.CharField(_("job"), max_length=64)
    period = models.CharField(
        _("period"), max_length=10, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    trigger = models.CharField(
        _("triggered from"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
        help_text=_("Empty: the schedule or a command."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="jobrun_once_per_job_period"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="jobrun_status_idx"),
            # the jobs page's default order, unfiltered (D-HOUSE-10)
            models.Index(fields=["created_at"], name="jobrun_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period} ({self.status})"

    @property
    def percent(self) -> int:
        """Progress in whole percent of the chunks done (100 once succeeded)."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.chunks_total:
            return 0
        return min(100, self.chunks_done * 100 // self.chunks_total)

    def last_sign_of_life(self) -> datetime:
        """The run's last heartbeat (a chunk done, a resume), else its start, else its
        creation (D-CORE-7)."""
        return self.heartbeat_at or super().last_sign_of_life()

    def move_values(self, to: str, now: datetime) -> dict[str, Any]:
        """A start is the run's first sign of life."""
        return {"heartbeat_at": now} if to == self.Status.RUNNING else {}

    def event_values(self, to: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The history of a success keeps its counts."""
        return {"counts": fields.get("counts", {})} if to == self.Status.SUCCEEDED else {}


class JobRunEvent(RunEventBase):
    """The history of a run: one row per status move, with who and why."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=JobRun.Status.choices)
    to_status = models.CharField(max_length=10, choices=JobRun.Status.choices)
    counts = models.JSONField(default=dict, blank=True)

    class Meta(RunEventBase.Meta):
        verbose_name = _("job run event")
        verbose_name_plural = _("job run events")


class JobChunk(models.Model):
    """One primary-key range [lo, hi) of a chunked run; done once, in the chunk's transaction."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="chunks")
    lo = models.BigIntegerField()
    hi = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("job chunk")
        verbose_name_plural = _("job chunks")
        ordering = ["run_id", "lo"]
        constraints = [
            models.UniqueConstraint(fields=["run", "lo"], name="jobchunk_once_per_run_lo"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} [{self.lo}, {self.hi})"


class IdempotencyKey(models.Model):
    """D-TRUST-1: one submission of a form token or an API ``Idempotency-Key``, per user, and
    what it answered, so that a replay answers the same and does nothing again.

    The row is inserted in the transaction of the work it guards, before the work: of two
    simultaneous submissions the second waits on the unique constraint and then fails, and
    shows the first's result. Rows live a day (core/idempotency.py purges older ones).
    """

    class Scope(models.TextChoices):
        FORM = "form", _("Form")
        API = "api", _("API")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    scope = models.CharField(_("scope"), max_length=4, choices=Scope.choices)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("API: SHA-256 of the method, path and body the key was first used with."),
    )
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    result_url = models.TextField(_("result URL"), blank=True)  # a redirect's Location
    result_message = models.TextField(_("result message"), blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotencykey_once_per_user_scope_key"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({self.user_id})"
