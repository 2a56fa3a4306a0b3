"""Forms of the service desk: lookup, request forms by kind, queue, transitions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.validators import normalise_msisdn
from membership.models import Level
from servicedesk.models import (
    ClubEvent,
    ClubEventKind,
    Entitlement,
    Hall,
    Location,
    LoungeType,
    RequestKind,
    SignupStatus,
    TicketClass,
    TicketStatus,
)


class MsisdnField(forms.CharField):
    """CUST-1: a mobile number; spaces, dashes and +86 are tolerated."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        return normalise_msisdn(super().clean(value))


class LookupForm(forms.Form):
    msisdn = MsisdnField()


class TicketIssueForm(forms.Form):
    msisdn = MsisdnField()


class CallNextForm(forms.Form):
    desk = forms.CharField(label=_("Desk"), max_length=16, required=False)


class HallChoiceForm(forms.Form):
    """D-DESK-20: the clerk's hall, remembered for the session."""

    hall = forms.ModelChoiceField(
        label=_("Your service hall"),
        queryset=Hall.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
    )


class RequestForm(forms.Form):
    """The fields every request has; one subclass per kind adds its own."""

    hall = forms.ModelChoiceField(
        label=_("Service hall"),
        queryset=Hall.objects.filter(active=True),
        required=False,
        to_field_name="code",
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Fields that feed the entitlement check (the rest are stored as they are).
    check_fields: tuple[str, ...] = ()

    def check_data(self) -> dict[str, Any]:
        """What the entitlement check needs, from the valid fields (a preview may be partial)."""
        data = getattr(self, "cleaned_data", {}) or {}
        return {name: data.get(name) for name in self.check_fields if data.get(name) is not None}


class LoungeVisitForm(RequestForm):
    lounge_type = forms.ChoiceField(
        label=_("Lounge"), choices=LoungeType.choices, initial=LoungeType.AIRPORT
    )
    location = forms.ChoiceField(
        label=_("Where"), choices=Location.choices, initial=Location.IN_PROVINCE
    )
    check_fields = ("lounge_type", "location")


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class EmergencyReactivationForm(RequestForm):
    arrears_month = forms.CharField(
        label=_("Arrears from (month)"),
        help_text=_("The month of the oldest unpaid bill, YYYY-MM."),
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM"}),
    )
    check_fields = ("arrears_month",)

    def clean_arrears_month(self) -> date:
        raw = self.cleaned_data["arrears_month"].strip()
        match = MONTH_RE.match(raw)
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("“%(v)s” is not a month YYYY-MM."), params={"v": raw})
        return date(int(match[1]), int(match[2]), 1)


class LateFeeWaiverForm(RequestForm):
    late_fee = forms.DecimalField(
        label=_("Late fee (yuan)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    check_fields = ("late_fee",)


class ComplaintForm(RequestForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)


class HolidayOptOutForm(RequestForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    check_fields = ("year",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class BrandPrivilegeForm(RequestForm):
    """SERVICE-12: a brand privilege; the details are the clerk's or the manager's words."""

    subject = forms.CharField(label=_("Details"), max_length=200, required=False)
    subject_help: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].help_text = self.subject_help


class HotelDiscountForm(BrandPrivilegeForm):
    subject_help = _("The hotel and the dates of the stay.")


class PostalForm(BrandPrivilegeForm):
    subject_help = _("The postal address, if not the one on file.")


class InvoiceMailingForm(BrandPrivilegeForm):
    subject_help = _("Which invoices (months), and the postal address if not the one on file.")


REQUEST_FORMS: dict[str, type[RequestForm]] = {
    RequestKind.SIM_REPLACEMENT: RequestForm,
    RequestKind.EMERGENCY_REACTIVATION: EmergencyReactivationForm,
    RequestKind.LATE_FEE_WAIVER: LateFeeWaiverForm,
    RequestKind.LOUNGE_VISIT: LoungeVisitForm,
    RequestKind.ROAMING_PACK: RequestForm,
    RequestKind.COMPLAINT: ComplaintForm,
    RequestKind.ANTI_HARASSMENT: RequestForm,
    RequestKind.HOLIDAY_OPT_OUT: HolidayOptOutForm,
    RequestKind.DELAYED_SUSPENSION: RequestForm,  # SERVICE-10: the days are a setting
    RequestKind.HOTEL_DISCOUNT: HotelDiscountForm,
    RequestKind.MEMBER_DAY: BrandPrivilegeForm,
    RequestKind.MAGAZINE: PostalForm,
    RequestKind.NEW_YEAR_CARD: PostalForm,
    RequestKind.INVOICE_MAILING: InvoiceMailingForm,
}


class BirthdayMinutesForm(forms.Form):
    """SERVICE-9: what the manager checked before adding the minutes by hand."""

    note = forms.CharField(
        label=_("What was checked"),
        max_length=300,
        help_text=_("E.g. the customer was away on the birthday and could not use the minutes."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I checked with the customer and add the minutes, valid today only."),
    )


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, note_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if note_required:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason")


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ClubEventForm(forms.ModelForm):
    """SERVICE-13: a club event, as supervisors create and edit it."""

    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    signup_deadline = forms.DateField(
        label=_("Sign-up deadline"),
        help_text=_("The last day a customer may sign up."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels that may sign up"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ClubEvent
        fields = [
            "title",
            "kind",
            "starts_at",
            "place",
            "capacity",
            "levels",
            "signup_deadline",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, deadline = data.get("starts_at"), data.get("signup_deadline")
        if starts_at and deadline and deadline > timezone.localdate(starts_at):
            self.add_error(
                "signup_deadline", _("The sign-up deadline cannot be after the event's day.")
            )
        capacity = data.get("capacity")
        if capacity is not None and self.instance.pk and capacity < self.instance.signed_up:
            self.add_error(
                "capacity",
                _("%(n)d seats are taken already; the capacity cannot be lower.")
                % {"n": self.instance.signed_up},
            )
        if capacity is not None and capacity < 1:
            self.add_error("capacity", _("An event needs at least one seat."))
        return data


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M} · {obj.title} · {obj.place}"


class ClubSignupForm(forms.Form):
    """SERVICE-13: sign a customer up for one of the events open for sign-up."""

    event = EventChoiceField(label=_("Event"), queryset=ClubEvent.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, events: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class TicketSearchForm(forms.Form):
    """The hall desk's tickets of a day (D-HOUSE-10): a ticket number or digits of a phone
    number, the day (today when left empty), the status and the class."""

    q = forms.CharField(label=_("Ticket or phone number"), required=False, max_length=20)
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_all(TicketStatus.choices)
    )
    ticket_class = forms.ChoiceField(
        label=_("Class"), required=False, choices=_all(TicketClass.choices)
    )


class HallSearchForm(forms.Form):
    """The halls list (D-HOUSE-10): a part of the name, the city or the code; open or closed."""

    q = forms.CharField(label=_("Hall, city or code"), required=False, max_length=64)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_all(
            [("open", pgettext_lazy("hall", "Open")), ("closed", pgettext_lazy("hall", "Closed"))]
        ),
    )


class ClubEventSearchForm(forms.Form):
    """The club events list (D-HOUSE-10): a part of the title or the place, the kind, and
    whether the event is still to come."""

    q = forms.CharField(label=_("Title or place"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_all(ClubEventKind.choices))
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=_all([("upcoming", _("Upcoming")), ("past", _("Past"))]),
    )


class SignupSearchForm(forms.Form):
    q = forms.CharField(label=_("Phone number"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *SignupStatus.choices],
    )


class EntitlementForm(forms.ModelForm):
    """SERVICE-2: one row of the entitlements table, as supervisors edit it in the app."""

    class Meta:
        model = Entitlement
        fields = [
            "benefit",
            "audience",
            "scope",
            "quota",
            "period",
            "free",
            "allowance",
            "valid_days",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # the model's check constraint, said in words before the database refuses it
        if data.get("quota") is not None and data.get("period") == "unlimited":
            self.add_error(
                "period",
                _("A counted quota needs a period to count it in (per year or per month)."),
            )
        return data
