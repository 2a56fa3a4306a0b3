"""Subscriptions and plan-change orders (PLAN-5, PLAN-6): one record per order, moving
requested → scheduled → effective → ended, or cancelled, with a history row per move."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from membership.models import Customer
from plans.models.catalogue import Availability, DesignatedStore, Plan


class Channel(models.TextChoices):  # PLAN-6
    COUNTER = "counter", _("Counter 营业厅")
    HOTLINE = "hotline", _("Hotline 10086")
    SMS = "sms", _("SMS code 短信")
    WEB = "web", _("Web 网上营业厅")


class FirstMonthOption(models.TextChoices):  # PLAN-5
    OUT_OF_BUNDLE = "out_of_bundle", _("Out of bundle 套餐包外资费")
    FULL = "full", _("Full month 全月套餐")
    HALF = "half", _("Half 套餐减半")


class SubscriptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    EFFECTIVE = "effective", _("In force")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", pgettext_lazy("order or request", "Cancelled")


# PLAN-6: an order not yet in force; a customer has at most one.
PENDING: tuple[str, ...] = (SubscriptionStatus.REQUESTED, SubscriptionStatus.SCHEDULED)


class Subscription(models.Model):
    """A plan order and, once in force, the customer's subscription to the plan.

    ``effective_from`` is the first day the plan is in force, ``ended_on`` the last one.
    For a new customer (PLAN-5) the first month's terms are recorded as ordered. Moves go
    through plans.services.orders.subscription_set_status.
    """

    # The state machine: which status may follow which. Ended and cancelled are final.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        SubscriptionStatus.REQUESTED: frozenset(
            {SubscriptionStatus.SCHEDULED, SubscriptionStatus.CANCELLED}
        ),
        SubscriptionStatus.SCHEDULED: frozenset(
            {SubscriptionStatus.EFFECTIVE, SubscriptionStatus.CANCELLED}
        ),
        SubscriptionStatus.EFFECTIVE: frozenset({SubscriptionStatus.ENDED}),
        SubscriptionStatus.ENDED: frozenset(),
        SubscriptionStatus.CANCELLED: frozenset(),
    }

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="plan_subscriptions"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.REQUESTED,
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    ordered_on = models.DateField(_("ordered on"))
    effective_from = models.DateField(_("in force from"))
    ended_on = models.DateField(_("in force until"), null=True, blank=True)
    new_customer = models.BooleanField(_("new customer"), default=False)
    first_month_option = models.CharField(
        _("first month"), max_length=14, choices=FirstMonthOption.choices, blank=True
    )
    first_month_fee = models.DecimalField(
        _("first month fee (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    first_month_minutes = models.PositiveIntegerField(
        _("first month minutes"), null=True, blank=True
    )
    first_month_data_mb = models.PositiveIntegerField(
        _("first month data (MB)"), null=True, blank=True
    )
    # PLAN-4: the city's terms when the order was taken, and the clerk's tick.
    availability = models.CharField(
        _("availability when ordered"), max_length=10, choices=Availability.choices
    )
    customer_asked = models.BooleanField(_("the customer asked for it"), default=False)
    store = models.ForeignKey(
        DesignatedStore,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated store"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Set by a batch move (plans_make_effective) to find exactly the rows it moved.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("plan subscription")
        verbose_name_plural = _("plan subscriptions")
        ordering = ["-effective_from", "-id"]
        indexes = [
            models.Index(fields=["status", "effective_from"]),
            models.Index(fields=["claim_token"]),
        ]
        constraints = [
            # PLAN-6: at most one pending change per customer.
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status__in=["requested", "scheduled"]),
                name="plans_one_pending_order_plan_6",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status="effective"),
                name="plans_one_subscription_in_force",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | models.Q(ended_on__isnull=False),
                name="plans_ended_has_last_day",
            ),
            # PLAN-5: first-month terms only for a new customer, and then all of them.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        new_customer=False,
                        first_month_option="",
                        first_month_fee__isnull=True,
                    )
                    | (
                        models.Q(new_customer=True, first_month_fee__isnull=False)
                        & ~models.Q(first_month_option="")
                    )
                ),
                name="plans_first_month_only_for_new_plan_5",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_id} {self.plan_id} {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING


class SubscriptionEvent(models.Model):
    """One move of a subscription: who (a user or a job), when, from, to, why."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=SubscriptionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SubscriptionStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.from_status}→{self.to_status}"
