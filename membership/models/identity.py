"""CUST-10: the audit of identity checks at the counter (who, when, which customer, result)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models.customers import Customer


class IdentityResult(models.TextChoices):  # CUST-10
    MATCH = "match", _("Matches")
    MISMATCH = "mismatch", _("Does not match")
    REFUSED = "refused", _("Refused: too many mismatches today")


class IdentityCheck(models.Model):
    """CUST-10 / D-CUST-10: one ID-number check a clerk made, append-only.

    Neither the typed nor the stored number is kept (CUST-8): only who asked, when, for
    which line, and the answer. The day (Asia/Shanghai) is stored so that the daily throttle
    counts a customer's mismatches with one indexed query.
    """

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="identity_checks", db_index=False
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"))
    day = models.DateField(_("day"))
    result = models.CharField(_("result"), max_length=8, choices=IdentityResult.choices)

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "day", "result"], name="identity_check_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.checked_at:%Y-%m-%d %H:%M} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An identity check is an audit row: it is never changed.")
        super().save(*args, **kwargs)
