"""CONV-5: the runs of the points batch jobs (accrual, expiry) with their counts, and the
scratch rows of an accrual chunk."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointsRun(models.Model):
    """CONV-5: one run of a batch job (accrual of a month, expiry of a year) and its counts."""

    class Job(models.TextChoices):
        ACCRUAL = "accrual", _("Monthly accrual")
        EXPIRY = "expiry", _("Year-end expiry")

    job = models.CharField(max_length=8, choices=Job.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM or YYYY."))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    # The job run (core) whose chunks write this run's entries; empty for a direct call of
    # the service (the demo, the benchmark). One open points run per job run: its chunks,
    # on whatever worker, resumed or not, all write to it (CONV-5).
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job run"),
    )

    class Meta:
        verbose_name = _("points run")
        verbose_name_plural = _("points runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "period"])]
        constraints = [
            models.UniqueConstraint(
                fields=["job_run"],
                condition=models.Q(finished_at__isnull=True, job_run__isnull=False),
                name="points_run_one_open_per_job_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
