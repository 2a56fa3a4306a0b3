from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ProvinceTableAdmin, ReadOnlyAdmin
from membership.filters import MsisdnSearchMixin
from points.models import PointsRun, Redemption, RewardItem


@admin.register(RewardItem)
class RewardItemAdmin(admin.ModelAdmin):
    """POINTS-7: the reward catalogue, kept by supervisors. Stock can be topped up here;
    redemptions take it down with a conditional update that never goes below zero."""

    list_display = ("name", "category", "points_price", "stock", "active")
    list_filter = ("category", "active")
    list_editable = ("stock", "active")
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # redemptions point at items: retire one with "offered" instead


@admin.register(Redemption)
class RedemptionAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    list_display = ("id", "customer", "item", "quantity", "points", "status", "created_at")
    list_filter = ("status", "item__category", "created_at")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer", "item")


@admin.register(PointsRun)
class PointsRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "period", "started_at", "finished_at", "counts")
    list_filter = ("job",)
