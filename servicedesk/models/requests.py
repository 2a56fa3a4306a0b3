"""Service requests (SERVICE-2..5, SERVICE-10) as a state machine with history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from membership.models import Customer
from servicedesk.models.entitlements import COUNTER_CHOICES, UsageCounter
from servicedesk.models.queue import Hall


class RequestKind(models.TextChoices):
    SIM_REPLACEMENT = "sim_replacement", _("Free SIM replacement 免费换卡")
    EMERGENCY_REACTIVATION = "emergency_reactivation", _("Emergency reactivation 紧急开机")
    LATE_FEE_WAIVER = "late_fee_waiver", _("Late-fee waiver 违约金减免")
    LOUNGE_VISIT = "lounge_visit", _("Lounge visit 贵宾厅")
    ROAMING_PACK = "roaming_pack", _("International roaming pack 国漫礼包")
    COMPLAINT = "complaint", _("Complaint 投诉")
    ANTI_HARASSMENT = "anti_harassment", _("Anti-harassment 高频防骚扰")
    HOLIDAY_OPT_OUT = "holiday_opt_out", _("Holiday no-suspension opt-out 节假日免停机退订")
    DELAYED_SUSPENSION = "delayed_suspension", _("Delayed suspension 延迟停机")  # SERVICE-10
    # SERVICE-12: brand privileges, one kind each (club events are signed up for instead,
    # SERVICE-13: servicedesk/models/club.py).
    HOTEL_DISCOUNT = "hotel_discount", _("Hotel discount 酒店折扣")
    MEMBER_DAY = "member_day", _("Member day 星动日")
    MAGAZINE = "magazine", _("Magazine 《环球企业家》杂志")
    NEW_YEAR_CARD = "new_year_card", _("New Year card 新年贺卡")
    INVOICE_MAILING = "invoice_mailing", _("Free invoice mailing 免费邮寄发票")


# SERVICE-12: the request kinds of the brand privileges, with the benefit each one counts on;
# account managers may register these for the customers they look after.
BRAND_PRIVILEGE_KINDS: dict[str, str] = {
    RequestKind.HOTEL_DISCOUNT: "hotel_discount",
    RequestKind.MEMBER_DAY: "member_day",
    RequestKind.MAGAZINE: "magazine",
    RequestKind.NEW_YEAR_CARD: "new_year_card",
    RequestKind.INVOICE_MAILING: "invoice_mailing",
}


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", pgettext_lazy("order or request", "Cancelled")


OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS)


class Reservation(models.TextChoices):
    """Where the request's unit of quota stands (reserve-then-consume)."""

    NONE = "none", _("Not counted")
    RESERVED = "reserved", _("Reserved")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Returned")


class LoungeType(models.TextChoices):
    AIRPORT = "airport", _("Airport 机场")
    RAILWAY = "railway", _("Railway station 火车站")


class Location(models.TextChoices):
    IN_PROVINCE = "in_province", _("In the home province 省内")
    OUT_OF_PROVINCE = "out_of_province", _("Out of the province 省外")


class Privilege(models.TextChoices):
    """Which rule granted the request (SERVICE-3: the best single one applies)."""

    LEVEL = "level", _("Level privilege")
    SEGMENT = "segment", _("Segment privilege")
    CREDIT = "credit", _("Credit-star privilege")
    GOTONE = "gotone", _("GoTone line")
    NONE = "", _("—")


class ServiceRequest(models.Model):
    """A customer's request at the counter; accepted with its terms, or refused with why."""

    # The allowed moves; services/requests.py service_request_set_status refuses the others.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        RequestStatus.OPEN: frozenset(
            {
                RequestStatus.IN_PROGRESS,
                RequestStatus.DONE,
                RequestStatus.REFUSED,
                RequestStatus.CANCELLED,
            }
        ),
        RequestStatus.IN_PROGRESS: frozenset(
            {RequestStatus.DONE, RequestStatus.REFUSED, RequestStatus.CANCELLED}
        ),
        RequestStatus.DONE: frozenset(),
        RequestStatus.REFUSED: frozenset(),
        RequestStatus.CANCELLED: frozenset(),
    }

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="service_requests"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    # The unit of quota this request holds (reserve-then-consume); none when not counted.
    benefit = models.CharField(_("benefit"), max_length=24, choices=COUNTER_CHOICES, blank=True)
    counter = models.ForeignKey(
        UsageCounter, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    reservation = models.CharField(
        max_length=8, choices=Reservation.choices, default=Reservation.NONE
    )
    privilege = models.CharField(
        _("privilege"), max_length=8, choices=Privilege.choices, blank=True
    )
    terms = models.CharField(_("terms"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("reason refused"), max_length=300, blank=True)
    # The rule's machine-readable reason (the API's 409 ``code``), e.g. "arrears_too_old".
    refusal_code = models.CharField(_("refusal code"), max_length=40, blank=True)
    # Kind-specific details (empty where they do not apply).
    lounge_type = models.CharField(
        _("lounge"), max_length=8, choices=LoungeType.choices, blank=True
    )
    location = models.CharField(_("where"), max_length=16, choices=Location.choices, blank=True)
    arrears_month = models.DateField(_("arrears since (month)"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    late_fee = models.DecimalField(
        _("late fee (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    waiver_percent = models.PositiveSmallIntegerField(_("waiver (%)"), null=True, blank=True)
    waived_amount = models.DecimalField(
        _("waived (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    fast_track = models.BooleanField(_("fast track"), default=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("registered at"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "status"]),
            # D-HOUSE-10: the list filtered by kind or by hall pages in registration order.
            models.Index(fields=["kind", "created_at"], name="request_kind_time"),
            models.Index(fields=["hall", "created_at"], name="request_hall_time"),
            # the open requests (a few in a province of millions) in registration order
            models.Index(fields=["status", "created_at"], name="request_status_time"),
        ]
        constraints = [
            # SERVICE-3: one emergency reactivation at a time (they never stack).
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(
                    kind="emergency_reactivation", status__in=["open", "in_progress"]
                ),
                name="request_one_open_reactivation",
            ),
            models.CheckConstraint(
                condition=models.Q(reservation="none") | models.Q(counter__isnull=False),
                name="request_reservation_has_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.customer_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ServiceRequestEvent(models.Model):
    """The history of a request: one row per move, with who and why."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RequestStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_status}→{self.to_status}"
