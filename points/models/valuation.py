"""FIN-1: the yuan-per-point rate at which supervisors value the points liability, with its
history (who set which rate, from which day, when)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from points.models.ledger import AppendOnlyError


class PointsValuation(models.Model):
    """FIN-1: one rate a supervisor set. The rate in force on a day is the row with the
    latest ``valid_from`` on or before that day (of two with the same day, the one set
    last). Rows are never changed: a correction is a new row, so the table is its own audit
    trail (``set_by``, ``set_at``)."""

    rate = models.DecimalField(
        _("yuan per point"),
        max_digits=8,
        decimal_places=4,
        help_text=_("Positive, at most 4 decimals."),
    )
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("points valuation rate")
        verbose_name_plural = _("points valuation rates")
        ordering = ["-valid_from", "-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gt=0), name="points_valuation_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} from {self.valid_from}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("FIN-1: a valuation rate is never changed; set a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("FIN-1: a valuation rate is never deleted; set a new one.")
