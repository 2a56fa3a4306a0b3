"""SERVICE-2: the entitlements table and the per-customer usage counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from membership.models import Customer, Level


class Benefit(models.TextChoices):  # SERVICE-2
    AIRPORT_LOUNGE = "airport_lounge", _("Airport lounge 机场贵宾厅")
    RAILWAY_LOUNGE = "railway_lounge", _("Railway lounge 火车站贵宾厅")
    SIM_REPLACEMENT = "sim_replacement", _("Free SIM replacement 免费换卡")
    ROAMING_PACK = "roaming_pack", _("International roaming pack 国漫礼包")
    BIRTHDAY = "birthday", _("Birthday minutes 生日通话")
    COMPLAINT_FAST_TRACK = "complaint_fast_track", _("Complaint fast track 投诉快速处理")
    ANTI_HARASSMENT = "anti_harassment", _("Anti-harassment 高频防骚扰")
    # SERVICE-12: the brand privileges 品牌权益 (hotel discount, member day) and the 2014
    # standard's magazine, New Year card, club events and invoice mailing.
    HOTEL_DISCOUNT = "hotel_discount", _("Hotel discount 酒店折扣")
    MEMBER_DAY = "member_day", _("Member day 星动日")
    MAGAZINE = "magazine", _("Magazine 《环球企业家》杂志")
    NEW_YEAR_CARD = "new_year_card", _("New Year card 新年贺卡")
    CLUB_EVENT = "club_event", _("Club event 俱乐部活动")
    INVOICE_MAILING = "invoice_mailing", _("Free invoice mailing 免费邮寄发票")


# Counters also count privileges that are not rows of the entitlements table.
COUNTER_EMERGENCY_REACTIVATION = "emergency_reactivation"  # SERVICE-3 segment privilege
COUNTER_HOLIDAY_OPT_OUT = "holiday_opt_out"  # SERVICE-5: one opt-out a year
COUNTER_DELAYED_SUSPENSION = "delayed_suspension"  # SERVICE-10: times a month
COUNTER_CHOICES = [
    *Benefit.choices,
    (COUNTER_EMERGENCY_REACTIVATION, _("Emergency reactivation (segment privilege) 紧急开机")),
    (COUNTER_HOLIDAY_OPT_OUT, _("Holiday no-suspension opt-out 节假日免停机退订")),
    (COUNTER_DELAYED_SUSPENSION, _("Delayed suspension 延迟停机")),
]

GOTONE_AUDIENCE = "gotone"
AUDIENCE_CHOICES = [*Level.choices, (GOTONE_AUDIENCE, _("Every GoTone line 全球通客户"))]


class Period(models.TextChoices):
    YEAR = "year", _("per year")
    MONTH = "month", _("per month")
    UNLIMITED = "unlimited", _("unlimited")


class Scope(models.TextChoices):
    IN_PROVINCE = "in_province", _("in the home province 省内")
    NATIONAL = "national", _("nationwide 全国")


class Entitlement(models.Model):
    """SERVICE-2: what a level (or every gotone line) may use, how often and where.

    ``quota`` is the number of uses per ``period``; empty means unlimited. ``free`` is False
    for access that is not a free visit (railway lounges out of the province). ``allowance``
    is the size of one use where the benefit has one (roaming-pack days, birthday minutes);
    ``valid_days`` how long a claimed benefit lasts (the roaming pack: 90 days).
    Supervisors edit the table in the admin; every change is kept (django-simple-history).
    """

    benefit = models.CharField(_("benefit"), max_length=24, choices=Benefit.choices)
    audience = models.CharField(
        _("level"),
        max_length=8,
        choices=AUDIENCE_CHOICES,
        help_text=_("The level it belongs to, or every GoTone line."),
    )
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    quota = models.PositiveSmallIntegerField(
        _("quota"), null=True, blank=True, help_text=_("Uses per period; empty = unlimited.")
    )
    period = models.CharField(_("period"), max_length=9, choices=Period.choices)
    free = models.BooleanField(
        _("free"), default=True, help_text=_("Unticked: access only, the use is not free.")
    )
    allowance = models.PositiveSmallIntegerField(
        _("allowance"),
        null=True,
        blank=True,
        help_text=_(
            "Days of a roaming pack, minutes on the birthday, percent off at hotels, "
            "magazine issues a year."
        ),
    )
    valid_days = models.PositiveSmallIntegerField(
        _("valid for (days)"), null=True, blank=True, help_text=_("From the day it is claimed.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["benefit", "audience", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "audience", "scope"], name="entitlement_once_per_scope"
            ),
            # A counted quota needs a period to count it in.
            models.CheckConstraint(
                condition=models.Q(quota__isnull=True) | ~models.Q(period="unlimited"),
                name="entitlement_quota_has_period",
            ),
        ]

    def __str__(self) -> str:
        quota = "∞" if self.quota is None else str(self.quota)
        return f"{self.get_benefit_display()} · {self.get_audience_display()} · {quota}"


class UsageCounter(models.Model):
    """Reserve-then-consume: what a customer used of one benefit in one period.

    Creating a request reserves a unit, completing it consumes the unit, cancelling or
    refusing returns it. Reservations and uses both count against ``quota`` (the quota last
    applied); the check constraint makes overdrawing impossible even under a race.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    benefit = models.CharField(_("benefit"), max_length=24, choices=COUNTER_CHOICES)
    period_start = models.DateField(_("period from"))
    quota = models.PositiveSmallIntegerField(_("quota"))
    reserved = models.PositiveSmallIntegerField(_("reserved"), default=0)
    consumed = models.PositiveSmallIntegerField(_("used"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("usage counter")
        verbose_name_plural = _("usage counters")
        ordering = ["customer_id", "benefit", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "benefit", "period_start"], name="counter_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0) & models.Q(consumed__gte=0),
                name="counter_not_negative",
            ),
            models.CheckConstraint(  # SERVICE-2: never beyond the quota
                condition=models.Q(
                    quota__gte=models.F("reserved") + models.F("consumed"),
                ),
                name="counter_within_quota",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.benefit} {self.period_start}: {self.used}/{self.quota}"

    @property
    def used(self) -> int:
        return self.reserved + self.consumed
