"""SERVICE-6: birthday waivers, and the corrections late usage adds to them (D-DESK-12)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class BirthdayWaiver(models.Model):
    """SERVICE-6: the domestic basic fees of the birthday, waived once per customer a year.

    ``amount`` is what is waived so far: the first run's amount plus the corrections that
    late usage of the day added (``corrections``, D-DESK-12).
    """

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


class BirthdayWaiverCorrection(models.Model):
    """SERVICE-6 (D-DESK-12): usage of the birthday that arrived after the waiver was first
    worked out, added to it by a later run of ``run_birthday_waivers``.

    Each row keeps the waiver's amount before and after it and the run that booked it
    (``run_day``: the JobRun (run_birthday_waivers, run_day)), so the first run's amount
    and every top-up stay on record. Corrections only add. They form a chain, one per
    amount before: two runs topping up the same waiver at once cannot both book from the
    same amount (the second fails and, run again, finds nothing left to add).
    """

    waiver = models.ForeignKey(BirthdayWaiver, on_delete=models.PROTECT, related_name="corrections")
    amount = models.DecimalField(_("amount added (yuan)"), max_digits=12, decimal_places=2)
    amount_before = models.DecimalField(
        _("amount waived before (yuan)"), max_digits=12, decimal_places=2
    )
    amount_after = models.DecimalField(
        _("amount waived after (yuan)"), max_digits=12, decimal_places=2
    )
    run_day = models.DateField(_("booked by the run of"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("birthday waiver correction")
        verbose_name_plural = _("birthday waiver corrections")
        ordering = ["waiver_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["waiver", "amount_before"], name="birthday_correction_chain"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="birthday_correction_only_adds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.waiver_id} +{self.amount} ({self.run_day})"
