"""SERVICE-9: the birthday minutes 生日50分钟, one row per package given (D-DESK-15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class MinutesSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic, on the birthday")
    MANUAL = "manual", _("Added by hand after checking")


class BirthdayMinutes(models.Model):
    """SERVICE-9: a package of domestic call minutes (not roaming) valid on ``valid_on`` only.

    The daily job ``grant_birthday_minutes`` inserts the automatic ones, once per customer
    and year; an account manager or a supervisor adds a manual one, valid the day it is
    added, at most once a year and only after an automatic one (D-DESK-15). Rows are never
    changed: each one is its own record of who gave it, when and why (``note``).
    ``year`` is the birthday's year (a manual package added in January for a birthday of
    late December belongs to the year before).
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("birthday year"))
    valid_on = models.DateField(_("valid on"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    source = models.CharField(_("how"), max_length=9, choices=MinutesSource.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("birthday minutes")
        verbose_name_plural = _("birthday minutes")
        ordering = ["-valid_on", "customer_id", "source"]
        indexes = [models.Index(fields=["valid_on"])]
        constraints = [
            # SERVICE-9: once automatically and at most once by hand per customer and year.
            models.UniqueConstraint(
                fields=["customer", "year", "source"], name="birthday_minutes_once_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="birthday_minutes_positive"
            ),
            # A manual package names who added it (the automatic ones are the job's).
            models.CheckConstraint(
                condition=models.Q(source="automatic") | models.Q(granted_by__isnull=False),
                name="birthday_minutes_manual_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.valid_on} {self.minutes} min ({self.source})"
