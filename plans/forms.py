from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from membership.models import Customer, Level
from plans.models import Channel, DesignatedStore, FirstMonthOption, Plan, PlanFamily
from plans.selectors import designated_stores


def in_language(zh: str, en: str) -> str:
    """The catalogue's Chinese name on Chinese pages, its English one on English pages."""
    return zh if (get_language() or "").startswith("zh") else (en or zh)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        level = f" · {obj.get_carried_level_display()}" if obj.carried_level else ""
        terms = gettext("%(fee)s yuan · %(minutes)s min · %(data)s MB") % {
            "fee": obj.monthly_fee,
            "minutes": obj.included_minutes,
            "data": obj.included_data_mb,
        }
        return f"{in_language(obj.name_zh, obj.name)} · {terms}{level}"


class FamilyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return in_language(obj.name_zh, obj.name)


class CatalogueFilterForm(forms.Form):
    """The catalogue's toolbar: family, city (for PLAN-4 availability), level, search."""

    family = FamilyChoiceField(
        queryset=PlanFamily.objects.all(),
        required=False,
        to_field_name="code",
        label=_("Family"),
        empty_label=_("All families"),
    )
    city = forms.CharField(required=False, max_length=32, label=_("City"))
    level = forms.ChoiceField(
        required=False,
        choices=[("", _("Any level")), *Level.choices],
        label=_("Carried level"),
    )
    q = forms.CharField(required=False, max_length=40, label=_("Search"))


# The clerk records where the order came from; SMS and web orders arrive by their own way.
STAFF_CHANNELS = [
    (Channel.COUNTER, Channel.COUNTER.label),
    (Channel.HOTLINE, Channel.HOTLINE.label),
]


class PlanOrderForm(forms.Form):
    """The order screen on the customer card (PLAN-4, PLAN-5, PLAN-6)."""

    plan = PlanChoiceField(queryset=Plan.objects.none(), label=_("Plan"))
    channel = forms.ChoiceField(choices=STAFF_CHANNELS, initial=Channel.COUNTER, label=_("Channel"))
    first_month_option = forms.ChoiceField(
        choices=FirstMonthOption.choices,
        label=_("First month (new customer)"),
        widget=forms.RadioSelect,
    )
    customer_asked = forms.BooleanField(
        required=False,
        label=_("The customer asked for this plan"),
        help_text=_("Required where the city offers the family only on the customer's request."),
    )
    store: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=DesignatedStore.objects.none(),
        required=False,
        label=_("Designated store"),
        empty_label=_("— not at a designated store —"),
    )
    note = forms.CharField(required=False, max_length=200, label=_("Note"))

    def __init__(self, *args: Any, customer: Customer, new_customer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)
        plan_field.queryset = Plan.objects.filter(active=True).select_related("family")
        stores = designated_stores(customer.city)
        store_field = self.fields["store"]
        assert isinstance(store_field, forms.ModelChoiceField)
        store_field.queryset = stores
        if not stores.exists():
            del self.fields["store"]
        if not new_customer:
            del self.fields["first_month_option"]
