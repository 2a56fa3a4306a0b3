"""POINTS-8: the recipients a sender registered, and transfers of points between customers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class TransferRecipient(models.Model):
    """POINTS-8: a recipient a sender registered (at most TRANSFER_MAX_RECIPIENTS each)."""

    sender = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="points_recipients")
    recipient = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer recipient")
        verbose_name_plural = _("transfer recipients")
        ordering = ["sender_id", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"], name="points_recipient_once_per_sender"
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")),
                name="points_recipient_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id}"


class Transfer(models.Model):
    """POINTS-8: points moved from one customer to another, lot by lot (earning years kept)."""

    sender = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("points"))
    month = models.DateField(_("month"), help_text=_("First day of the calendar month."))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("points transfer")
        verbose_name_plural = _("points transfers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "month"]),
            models.Index(fields=["recipient", "month"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="points_transfer_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")),
                name="points_transfer_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id}: {self.points}"
