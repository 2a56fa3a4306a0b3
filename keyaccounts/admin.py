"""The admin of the key-account models: group customers with their key persons, view-only
for supervisors (core/roles.py); changes go through the group pages, whose services
re-grant the key persons (TIER-6)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from keyaccounts.models import GroupCustomer, KeyPerson


class KeyPersonInline(admin.TabularInline):
    model = KeyPerson
    raw_id_fields = ("customer",)
    extra = 0


@admin.register(GroupCustomer)
class GroupCustomerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "group_class", "city", "account_manager")
    list_filter = ("group_class", "city")
    search_fields = ("code", "name")
    inlines = [KeyPersonInline]
