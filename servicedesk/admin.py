"""The supervisors' admin: entitlements (SERVICE-2, with history) and halls are edited
here; requests, tickets, counters, waivers, calls, the outbox and the club events' sign-ups
are read-only (services write them; events are edited on their own pages, SERVICE-13)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ProvinceTableAdmin, ReadOnlyAdmin
from membership.filters import MsisdnSearchMixin
from servicedesk.models import (
    BirthdayWaiver,
    BirthdayWaiverCorrection,
    ClubSignup,
    ClubSignupEvent,
    Entitlement,
    Hall,
    HotlineCall,
    OutboxMessage,
    ServiceRequest,
    ServiceRequestEvent,
    Ticket,
    UsageCounter,
)
from servicedesk.services.outbox import outbox_retry_failed


@admin.register(Entitlement)
class EntitlementAdmin(SimpleHistoryAdmin):
    list_display = (
        "benefit",
        "audience",
        "scope",
        "quota",
        "period",
        "free",
        "allowance",
        "valid_days",
    )
    list_filter = ("benefit", "audience", "scope", "period")
    list_editable = ("quota",)
    list_per_page = 100


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "city", "active")
    list_filter = ("city", "active")
    search_fields = ("code", "name")


class ServiceRequestEventInline(admin.TabularInline):
    model = ServiceRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("id", "customer", "kind", "status", "privilege", "created_at")
    list_filter = ("kind", "status", "hall", "created_at")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer",)
    inlines = [ServiceRequestEventInline]


@admin.register(Ticket)
class TicketAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("number", "hall", "day", "ticket_class", "status", "wait_seconds")
    list_filter = ("hall", "ticket_class", "status", "day")
    search_fields = ("=msisdn", "number")
    list_select_related = ("hall",)


@admin.register(UsageCounter)
class UsageCounterAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("customer", "benefit", "period_start", "quota", "reserved", "consumed")
    list_filter = ("benefit", "period_start")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer",)


class BirthdayWaiverCorrectionInline(admin.TabularInline):
    """SERVICE-6 (D-DESK-12): the late usage a waiver was topped up with, read-only."""

    model = BirthdayWaiverCorrection
    extra = 0
    can_delete = False
    readonly_fields = ("amount", "amount_before", "amount_after", "run_day", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BirthdayWaiver)
class BirthdayWaiverAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("customer", "date", "amount")
    list_filter = ("date",)
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer",)
    inlines = [BirthdayWaiverCorrectionInline]


@admin.register(HotlineCall)
class HotlineCallAdmin(ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("call_id", "started_at", "vip", "wait_seconds", "transfer", "transfer_ok")
    list_filter = ("vip", "transfer", "transfer_ok", "day")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("cause_key", "template", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("=recipient", "cause_key")
    actions = ["retry_failed"]

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_retry_failed(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, _("%(n)d message(s) queued again.") % {"n": count}, messages.SUCCESS
        )


class ClubSignupEventInline(admin.TabularInline):
    """SERVICE-13: a sign-up's moves, read-only."""

    model = ClubSignupEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClubSignup)
class ClubSignupAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("id", "event", "customer", "status", "reservation", "created_at")
    list_filter = ("status",)
    search_fields = ("=customer__msisdn",)
    list_select_related = ("event", "customer")
    inlines = [ClubSignupEventInline]
