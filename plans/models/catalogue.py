"""The tariff catalogue (PLAN-1..4): families, plans, bundled services, where each family is
offered, and the stores designated to take orders the rest of a city may not.

All of it is data, loaded by the migration 0002_catalogue and edited by supervisors in the
admin (every change audited by django-simple-history).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from membership.models import Level


class PlanFamily(models.Model):
    """PLAN-1: internet 上网套餐, business travel 商旅套餐, local 本地套餐."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=32)
    # PLAN-1: every family belongs to plan category 1031 with priority 63 in billing.
    category_code = models.CharField(_("plan category"), max_length=8, default="1031")
    priority = models.PositiveSmallIntegerField(_("priority"), default=63)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan family")
        verbose_name_plural = _("plan families")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name}"


class BundledService(models.Model):
    """PLAN-3: a service every plan includes (caller ID, 139 mailbox 5-yuan edition).

    The customer may cancel it; the plan fee stays the same. A half first month (PLAN-5)
    never halves it.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=32)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bundled service")
        verbose_name_plural = _("bundled services")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name}"


class Plan(models.Model):
    """PLAN-1/2: one tariff plan with its fee, allowance, overage rates and order code."""

    family = models.ForeignKey(
        PlanFamily, on_delete=models.PROTECT, related_name="plans", verbose_name=_("family")
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=32)
    monthly_fee = models.DecimalField(_("monthly fee (yuan)"), max_digits=12, decimal_places=2)
    included_minutes = models.PositiveIntegerField(
        _("included minutes"), help_text=_("PLAN-3: domestic outgoing calls.")
    )
    included_data_mb = models.PositiveIntegerField(_("included data (MB)"), default=0)
    voice_overage_rate = models.DecimalField(
        _("voice beyond the plan (yuan/min)"), max_digits=8, decimal_places=4
    )
    data_overage_rate_per_kb = models.DecimalField(
        _("data beyond the plan (yuan/KB)"),
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.0010"),
    )
    video_call_rate = models.DecimalField(
        _("video calls (yuan/min)"), max_digits=8, decimal_places=4, default=Decimal("0.6000")
    )
    order_code = models.CharField(
        _("SMS order code"),
        max_length=16,
        blank=True,
        help_text=_("Sent to 10086 to order the plan, e.g. KTQSL58. Empty: no SMS ordering."),
    )
    # PLAN-2: the level the plan carries while it is in force (TIER-5); empty = none.
    carried_level = models.CharField(
        _("carried level"), max_length=8, choices=Level.choices, blank=True
    )
    bundled_services = models.ManyToManyField(
        BundledService, blank=True, related_name="plans", verbose_name=_("bundled services")
    )
    active = models.BooleanField(
        _("offered"), default=True, help_text=_("Only offered plans can be ordered.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["family__position", "monthly_fee", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_code"],
                condition=~models.Q(order_code=""),
                name="plan_order_code_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_fee__gte=0), name="plan_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh


class Availability(models.TextChoices):  # PLAN-4
    OPEN = "open", pgettext_lazy("plan availability", "Open")
    ON_REQUEST = "on_request", _("Only on the customer's request")
    NEW_ONLY = "new_only", _("New customers (existing: on request at designated stores)")
    CLOSED = "closed", _("Not offered")


class FamilyAvailability(models.Model):
    """PLAN-4: how a family is offered in a city. A city without a row: open."""

    city = models.CharField(_("city"), max_length=32)
    family = models.ForeignKey(
        PlanFamily, on_delete=models.CASCADE, related_name="availability", verbose_name=_("family")
    )
    state = models.CharField(_("state"), max_length=10, choices=Availability.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family availability")
        verbose_name_plural = _("family availability")
        ordering = ["city", "family__position"]
        constraints = [
            models.UniqueConstraint(fields=["city", "family"], name="availability_once_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.family.code} {self.state}"


class DesignatedStore(models.Model):
    """PLAN-4: a store where existing customers may order a `new_only` family on request
    (淮安: the 沟通100 stores of each district and county)."""

    city = models.CharField(_("city"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designated store")
        verbose_name_plural = _("designated stores")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name
