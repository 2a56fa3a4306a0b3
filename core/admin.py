"""Shared admin building blocks (read-only admins, admins of province-sized tables) and
the job runs, read-only (runs and re-runs go through the jobs page, /jobs/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import JobChunk, JobRun, JobRunEvent
from core.pagination import CappedCountPaginator


class ProvinceTableAdmin(admin.ModelAdmin):
    """The admin of a table that grows with the province (customers, bills, grants,
    requests…): nothing on a changelist reads the table whole. No full ``COUNT(*)`` (the
    capped paginator, and no second count for "show all"), no date hierarchy (its MIN/MAX
    and DISTINCT dates scan the table: a date list filter needs no query), and newest
    first by primary key, so that a page is an index scan of ``list_per_page`` rows.

    Subclasses keep to the same: no list filter over a column's distinct values or over a
    big foreign key, and a relation to a big table edited by id (``raw_id_fields``), never
    a choice list (tests/test_scale_queries.py holds every admin page to this). Put it
    first among the bases: ``class LevelGrantAdmin(ProvinceTableAdmin, ReadOnlyAdmin)``."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    date_hierarchy = None
    list_per_page = 50
    ordering = ("-pk",)


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
