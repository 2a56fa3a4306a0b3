"""django-filter FilterSets of keyaccounts' list pages (the API's own are in keyaccounts/api/).

Labels are declared lazily: django-filter's own, taken from the model, are fixed in the
language active when the class is first built (CONV-6).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.search import search_term
from core.validators import msisdn_or_none
from keyaccounts.models import CareOccasion, ContactChannel, ContactLog


class ContactFilter(django_filters.FilterSet):
    """GROUP-4: a contact log (a group's, a key person's). Every filter narrows rows already
    narrowed to one group or one key person by an index, so none needs its own."""

    q = django_filters.CharFilter(label=_("Who, notes or line"), method="filter_q")
    channel = django_filters.ChoiceFilter(
        label=pgettext_lazy("contact log", "Channel"), choices=ContactChannel.choices
    )
    occasion = django_filters.ChoiceFilter(label=_("Occasion"), choices=CareOccasion.choices)
    since = django_filters.DateFilter(
        label=_("Contacted from"),
        field_name="contacted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("to"),
        field_name="contacted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ContactLog
        fields = ["q", "channel", "occasion", "since", "until"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Who was contacted (the name typed for somebody who is not a key person), the
        notes, or the start of the key person's number, typed with spaces or dashes or not
        (D-VALID-3: a whole number with +86 or full-width digits is read as one)."""
        term = search_term(self.data, name)
        if not term:
            return queryset
        found = Q(person__icontains=term) | Q(notes__icontains=term)
        line = msisdn_or_none(term) or "".join(term.split()).replace("-", "")
        if line.isdigit():
            found |= Q(key_person__customer__msisdn__startswith=line)
        return queryset.filter(found)
