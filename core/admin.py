"""Job runs in the admin: read-only (runs and re-runs go through the jobs page, /jobs/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import JobChunk, JobRun, JobRunEvent


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A model the admin shows but never writes: its rows change only through services."""


class JobRunEventInline(ReadOnlyMixin, admin.TabularInline):
    model = JobRunEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0


class JobChunkInline(ReadOnlyMixin, admin.TabularInline):
    model = JobChunk
    fields = ("lo", "hi", "done_at", "attempts", "error")
    readonly_fields = fields
    extra = 0
    max_num = 0


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = (
        "job",
        "period",
        "status",
        "trigger",
        "triggered_by",
        "started_at",
        "finished_at",
        "chunks_done",
        "chunks_total",
    )
    list_filter = ("status", "job", "trigger")
    search_fields = ("job", "period")
    date_hierarchy = "created_at"
    list_select_related = ("triggered_by",)
    readonly_fields = [field.name for field in JobRun._meta.fields]
    inlines = (JobRunEventInline, JobChunkInline)
