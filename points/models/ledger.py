"""POINTS-5/11: lots per earning year, the kinds of entry, and the append-only entries every
balance derives from (``Lot.balance`` is a cache of its entries' sum)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer
from points.models.redemptions import Redemption
from points.models.runs import PointsRun
from points.models.transfers import Transfer


class Lot(models.Model):
    """POINTS-5: the points a customer earned in one natural year (and still holds).

    ``exempt`` marks points earned under the easyown brand, which never expire (POINTS-3
    Decision); a customer whose brand changed within a year has two lots for that year.
    """

    # indexed by the unique (customer, year, exempt) below (D-8)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="points_lots", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("earning year"))
    exempt = models.BooleanField(_("exempt from expiry"), default=False)
    balance = models.IntegerField(_("balance"), default=0)

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        ordering = ["customer_id", "year", "exempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year", "exempt"], name="points_lot_one_per_year"
            ),
            # POINTS-11: no balance goes negative, whatever the code above does.
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="points_lot_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.year}{' (exempt)' if self.exempt else ''}: {self.balance}"


class EntryKind(models.TextChoices):
    ACCRUAL = "accrual", _("Consumption points")
    REWARD_BRAND = "reward_brand", _("Brand reward")
    REWARD_TENURE = "reward_tenure", _("Tenure reward")
    CORRECTION = "correction", _("Correction (re-imported bill)")
    REDEMPTION = "redemption", _("Redemption")
    REDEMPTION_CANCEL = "redemption_cancel", _("Redemption cancelled")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    EXPIRY = "expiry", _("Expiry")
    CANCELLATION_CLEAR = "cancellation_clear", _("Cleared on cancellation")


# POINTS-4: the kinds a monthly accrual writes once per (customer, month).
ACCRUAL_KINDS: tuple[str, ...] = (
    EntryKind.ACCRUAL,
    EntryKind.REWARD_BRAND,
    EntryKind.REWARD_TENURE,
)
POSITIVE_KINDS: tuple[str, ...] = (
    *ACCRUAL_KINDS,
    EntryKind.REDEMPTION_CANCEL,
    EntryKind.TRANSFER_IN,
)
NEGATIVE_KINDS: tuple[str, ...] = (
    EntryKind.REDEMPTION,
    EntryKind.TRANSFER_OUT,
    EntryKind.EXPIRY,
    EntryKind.CANCELLATION_CLEAR,
)


class AppendOnlyError(Exception):
    pass


class Entry(models.Model):
    """POINTS-11: one movement of points on one lot; never changed, never deleted.

    Cause: ``month`` (accrual and its corrections), ``redemption``, ``transfer`` or ``run``
    (batch jobs); ``actor`` is the staff member, or None for a job.
    """

    # Indexed by (customer, booked_on) and (customer, month, kind) below; the accrual writes
    # millions of entries a month, so no index is kept that those two already give.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="points_entries", db_index=False
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField(_("lot year"))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    corrects = models.CharField(
        _("corrects"),
        max_length=20,
        choices=[(k, EntryKind(k).label) for k in ACCRUAL_KINDS],
        blank=True,
        help_text=_("For a correction: the accrual kind it corrects."),
    )
    amount = models.IntegerField(_("points"))
    month = models.DateField(_("billed month"), null=True, blank=True)
    booked_on = models.DateField(_("booked on"), db_index=True)
    # Set on few entries: indexed where set only (partial indexes in Meta).
    redemption = models.ForeignKey(
        Redemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    run = models.ForeignKey(
        PointsRun, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-booked_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "booked_on"]),
            models.Index(fields=["customer", "month", "kind"]),
            models.Index(fields=["month", "kind", "customer"]),
            models.Index(
                fields=["redemption"],
                condition=models.Q(redemption__isnull=False),
                name="entry_redemption_set",
            ),
            models.Index(
                fields=["transfer"],
                condition=models.Q(transfer__isnull=False),
                name="entry_transfer_set",
            ),
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="entry_actor_set"
            ),
        ]
        constraints = [
            # POINTS-4: a month's accrual (each of its three parts) is written once.
            models.UniqueConstraint(
                fields=["customer", "month", "kind"],
                condition=models.Q(kind__in=ACCRUAL_KINDS),
                name="points_entry_accrual_once_per_month",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=POSITIVE_KINDS, amount__gt=0)
                    | models.Q(kind__in=NEGATIVE_KINDS, amount__lt=0)
                    | (
                        models.Q(kind=EntryKind.CORRECTION, corrects__in=ACCRUAL_KINDS)
                        & ~models.Q(amount=0)
                    )
                ),
                name="points_entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ACCRUAL_KINDS, month__isnull=False)
                | ~models.Q(kind__in=ACCRUAL_KINDS),
                name="points_entry_accrual_has_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.amount:+d} ({self.year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("POINTS-11: ledger entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("POINTS-11: ledger entries are never deleted.")
