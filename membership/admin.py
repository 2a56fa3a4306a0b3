from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ProvinceTableAdmin, ReadOnlyAdmin
from core.validators import normalise_msisdn
from membership.filters import MsisdnSearchMixin
from membership.models import (
    Bill,
    Customer,
    IdentityCheck,
    ImportRun,
    ImportRunEvent,
    LevelGrant,
    RatingRun,
)


class CustomerAdminForm(forms.ModelForm):
    """D-VALID-3: the number may be typed as at the counter (full-width digits, spaces,
    dashes, +86); it is stored as its 11 digits (CUST-1)."""

    msisdn = forms.CharField(label=_("phone number"), max_length=32)

    class Meta:
        model = Customer
        fields = "__all__"  # noqa: DJ007 - the admin lays the fields out, as it did before

    def clean_msisdn(self) -> str:
        return normalise_msisdn(self.cleaned_data["msisdn"])


@admin.register(Customer)
class CustomerAdmin(MsisdnSearchMixin, ProvinceTableAdmin, SimpleHistoryAdmin):
    """A city is searched for (exactly, on its index) rather than filtered: a filter's
    choices would be the distinct cities of every customer, read on each page view."""

    form = CustomerAdminForm
    list_display = ("msisdn", "name", "brand", "city", "status", "joined_on")
    list_filter = ("brand", "status")
    search_fields = ("=msisdn", "=city", "name")
    ordering = ("msisdn",)


@admin.register(Bill)
class BillAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    """Read-only (D-VALID-2): bills come from the billing feed only, whose import checks
    every row (CUST-9); a wrong bill is corrected by importing it again."""

    list_display = ("customer", "month", "total")
    list_filter = ("month",)
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(LevelGrant)
class LevelGrantAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    """Read-only: grants are written and ended by the grant service only (TIER-2/10)."""

    list_display = (
        "customer",
        "level",
        "source",
        "valid_from",
        "valid_until",
        "limited",
        "rating_run",
        "ended_at",
    )
    list_filter = ("level", "source", "limited", "valid_from")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer", "rating_run")


@admin.register(IdentityCheck)
class IdentityCheckAdmin(MsisdnSearchMixin, ProvinceTableAdmin, ReadOnlyAdmin):
    """CUST-10: the audit of identity checks, read by supervisors; written by the check only."""

    list_display = ("checked_at", "customer", "checked_by", "result")
    list_filter = ("result", "day")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer", "checked_by")
    raw_id_fields = ("customer", "checked_by")


@admin.register(RatingRun)
class RatingRunAdmin(ReadOnlyAdmin):
    list_display = (
        "period",
        "policy",
        "state",
        "created_by",
        "created_at",
        "committed_by",
        "committed_at",
    )
    list_filter = ("policy", "state")


class ImportRunEventInline(admin.TabularInline):
    model = ImportRunEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Read-only: uploads and re-runs go through the upload page (D-IMPORT-5)."""

    list_display = (
        "created_at",
        "feed",
        "original_name",
        "size",
        "dry_run",
        "status",
        "error_count",
        "created_by",
        "finished_at",
    )
    list_filter = ("status", "feed", "dry_run")
    search_fields = ("original_name",)
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)
    # The stored file is named, never linked: no URL serves uploaded feeds (personal data).
    exclude = ("file",)
    readonly_fields = [*(f.name for f in ImportRun._meta.fields if f.name != "file"), "stored"]
    inlines = (ImportRunEventInline,)

    @admin.display(description=_("stored file"))
    def stored(self, obj: ImportRun) -> str:
        return obj.file.name or "—"
