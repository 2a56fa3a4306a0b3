from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from membership.models import Bill, Customer, GroupCustomer, KeyPerson


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("msisdn", "name", "brand", "city", "status", "joined_on")
    list_filter = ("brand", "status", "city")
    search_fields = ("=msisdn", "name")
    date_hierarchy = "joined_on"
    list_per_page = 50


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ("customer", "month", "total")
    search_fields = ("=customer__msisdn",)
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    date_hierarchy = "month"


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
