"""SERVICE-8: the personal account manager 专属客户经理 of a VIP customer.

One row per assignment, never changed but to end it: reassigning a customer ends the current
row and starts a new one, so the rows are the history (who assigned whom, from when, until
when, and who ended it). One current row (``ended_on`` is null) per customer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class PersonalManager(models.Model):
    """SERVICE-8: a customer's personal account manager from ``started_on`` until the day
    before ``ended_on`` (the first day no longer theirs; null while current)."""

    class Reason(models.TextChoices):
        ASSIGN = "assign", _("Assigned")
        REBALANCE = "rebalance", _("Portfolio moved")

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="personal_managers"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="personal_customers",
        verbose_name=_("account manager"),
    )
    started_on = models.DateField(_("assigned from"))
    ended_on = models.DateField(_("assigned until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # SERVICE-8 (D-GROUP-10): why a supervisor ended it without a successor; empty when a
    # new assignment or a portfolio move ended it (the next row says why).
    end_note = models.CharField(_("why it ended"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal account manager")
        verbose_name_plural = _("personal account managers")
        ordering = ["customer_id", "-started_on", "-id"]
        indexes = [models.Index(fields=["manager", "ended_on"], name="personal_manager_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(ended_on__isnull=True),
                name="personal_manager_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="personal_manager_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.manager_id} from {self.started_on}"

    @property
    def current(self) -> bool:
        return self.ended_on is None
