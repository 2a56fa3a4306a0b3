"""A supervisor's upload of a billing feed, run in the background (CUST-9, D-IMPORT-5).

The import service (membership/services/imports/runs.py) is the only writer; this module
declares the shape and the allowed status transitions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import clock
from core.models import RunBase, RunEventBase


class ImportFeed(models.TextChoices):  # the names of membership.services.imports.FEEDS
    CUSTOMERS = "customers", _("Customers")
    BILLS = "bills", _("Bills")
    USAGE = "usage", _("Usage")


def import_upload_to(instance: Any, filename: str) -> str:
    """Stored as imports/YYYY/MM/<random>.csv: the original name is kept on the run, not in
    the path (no personal data or odd characters in file names)."""
    return clock.now().strftime(f"imports/%Y/%m/{uuid.uuid4().hex}.csv")


class ImportRun(RunBase):
    """One uploaded feed file and what its import did (the run base: core.models.RunBase)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Bad rows")
        ERROR = "error", _("Error")

    # The state machine. FAILED (bad rows: nothing imported) and SUCCEEDED are final: a
    # corrected file is a new upload. ERROR (the import crashed) → QUEUED is "run again";
    # RUNNING → QUEUED is "run again" of a run whose worker died (allowed once it is stale).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.QUEUED: frozenset({Status.RUNNING}),
        Status.RUNNING: frozenset({Status.SUCCEEDED, Status.FAILED, Status.ERROR, Status.QUEUED}),
        Status.ERROR: frozenset({Status.QUEUED}),
        Status.SUCCEEDED: frozenset(),
        Status.FAILED: frozenset(),
    }
    FINISHED: ClassVar[frozenset[str]] = frozenset({Status.SUCCEEDED, Status.FAILED, Status.ERROR})
    # Stuck once silent too long: its worker or its task is gone (import_run_is_stale).
    STALLS: ClassVar[frozenset[str]] = frozenset({Status.QUEUED, Status.RUNNING})

    feed = models.CharField(_("feed"), max_length=16, choices=ImportFeed.choices)
    file = models.FileField(
        _("stored file"),
        upload_to=import_upload_to,
        max_length=255,
        blank=True,
        help_text=_(
            "Empty once the run succeeded or found bad rows; a dry run that passed keeps it "
            "for a day, for its import (D-IMPORT-6)."
        ),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(
        _("first bad rows"),
        default=list,
        blank=True,
        help_text=_("The first 200 bad rows, as {line, message}."),
    )
    # The dry run whose checked file this run imports ("Import this file", D-IMPORT-6).
    checked_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by the dry run"),
    )

    class Meta:
        verbose_name = _("feed import")
        verbose_name_plural = _("feed imports")
        ordering = ["-created_at", "-id"]
        # the runs list's order, with or without its feed and status filters (D-HOUSE-10)
        indexes = [models.Index(fields=["created_at"], name="importrun_created_idx")]

    def __str__(self) -> str:
        return f"{self.feed} {self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        """Progress in whole percent of the file read (100 once finished)."""
        if self.is_finished and self.status != self.Status.ERROR:
            return 100
        if not self.size:
            return 0
        return min(100, self.bytes_read * 100 // self.size)

    @property
    def hidden_errors(self) -> int:
        """Bad rows counted but not kept on the run."""
        return max(0, self.error_count - len(self.errors))

    @property
    def summary(self) -> str:
        """The contract's one-line summary (as the command prints it)."""
        return f"created {self.counts.get('created', 0)}, updated {self.counts.get('updated', 0)}"

    def move_values(self, to: str, now: datetime) -> dict[str, Any]:
        """A start, or a run sent again, reads the file from its first byte."""
        return {"bytes_read": 0} if to in (self.Status.RUNNING, self.Status.QUEUED) else {}


class ImportRunEvent(RunEventBase):
    """The history of an import run: one row per status move, with who and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ImportRun.Status.choices)
    to_status = models.CharField(max_length=10, choices=ImportRun.Status.choices)

    class Meta(RunEventBase.Meta):
        verbose_name = _("feed import event")
        verbose_name_plural = _("feed import events")
