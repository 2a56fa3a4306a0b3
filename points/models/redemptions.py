"""POINTS-7: the reward catalogue, redemptions with their state machine, and the history of
a redemption's states."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from membership.models import Customer


class RewardItem(models.Model):
    """POINTS-7: an entry of the reward catalogue, with its points price and stock."""

    class Category(models.TextChoices):
        PHYSICAL = "physical", _("Physical goods 实物类")
        OWN_SERVICE = "own_service", _("Own services 自有类")
        PARTNER = "partner", _("Partner offers 合作类")

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    points_price = models.PositiveIntegerField(_("points price"))
    stock = models.IntegerField(_("stock"), default=0)
    active = models.BooleanField(_("offered"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("reward catalogue")
        ordering = ["category", "points_price", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="points_reward_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(points_price__gt=0), name="points_reward_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.points_price})"


class Redemption(models.Model):
    """POINTS-7: a reward redeemed by a customer; the entries pointing here are the lot
    amounts it consumed. State machine: requested → fulfilled, or requested → cancelled
    (points.services.redemptions.redemption_set_status moves it)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("redemption", "Requested")
        FULFILLED = "fulfilled", pgettext_lazy("redemption", "Fulfilled")
        CANCELLED = "cancelled", pgettext_lazy("redemption", "Cancelled")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.REQUESTED: frozenset({Status.FULFILLED, Status.CANCELLED}),
        Status.FULFILLED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    # Indexed with the time below (a customer's redemptions, newest first: D-HOUSE-10).
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="redemptions", db_index=False
    )
    item = models.ForeignKey(RewardItem, on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("redeemed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "created_at"], name="redemption_customer_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0) & models.Q(quantity__gt=0),
                name="points_redemption_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.item_id} × {self.quantity} ({self.status})"


class RedemptionEvent(models.Model):
    """History of a redemption's states, one row per move."""

    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Redemption.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Redemption.Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.redemption_id} {self.from_status}→{self.to_status}"
