"""Supervisors edit the catalogue here (PLAN-1..4), every change audited by simple_history.
Subscriptions are shown read-only: they change only through the plan services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ProvinceTableAdmin, ReadOnlyAdmin
from membership.filters import MsisdnSearchMixin
from plans.models import (
    BundledService,
    DesignatedStore,
    FamilyAvailability,
    Plan,
    PlanFamily,
    Subscription,
    SubscriptionEvent,
)


@admin.register(PlanFamily)
class PlanFamilyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_zh", "name", "category_code", "priority", "position")


@admin.register(BundledService)
class BundledServiceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_zh", "name")


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = (
        "name_zh",
        "family",
        "monthly_fee",
        "included_minutes",
        "included_data_mb",
        "voice_overage_rate",
        "order_code",
        "carried_level",
        "active",
    )
    list_filter = ("family", "carried_level", "active")
    search_fields = ("code", "name", "name_zh", "order_code")
    list_select_related = ("family",)
    filter_horizontal = ("bundled_services",)


@admin.register(FamilyAvailability)
class FamilyAvailabilityAdmin(SimpleHistoryAdmin):
    list_display = ("city", "family", "state", "note")
    list_filter = ("state", "family", "city")
    list_select_related = ("family",)


@admin.register(DesignatedStore)
class DesignatedStoreAdmin(SimpleHistoryAdmin):
    list_display = ("name", "city", "active")
    list_filter = ("city", "active")
    search_fields = ("name",)


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "from_status", "to_status", "actor", "note")
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    """Read-only: orders move only through the services (state machine, grants)."""

    list_display = ("id", "customer", "plan", "status", "channel", "effective_from", "ended_on")
    list_filter = ("status", "channel", "plan__family", "effective_from")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer", "plan")
    inlines = [SubscriptionEventInline]
