"""SERVICE-6: birthday waivers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class BirthdayWaiver(models.Model):
    """SERVICE-6: the domestic basic fees of the birthday, waived once per customer a year."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date waived"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount waived (yuan)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("birthday waiver")
        verbose_name_plural = _("birthday waivers")
        ordering = ["-date", "customer_id"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"], name="birthday_waiver_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.date} {self.amount}"
