"""The points ledger (POINTS-1..11): lots per earning year, an append-only ledger of entries,
the reward catalogue, redemptions and transfers.

Every balance derives from ``Entry`` rows (POINTS-11). ``Lot.balance`` is a cache of the sum of
a lot's entries, kept for speed and for row locks; ``points_reconcile`` rebuilds and compares
it. Database constraints, not only Python, keep a lot from going negative and a month's
accrual from being written twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from membership.models import Customer


class Lot(models.Model):
    """POINTS-5: the points a customer earned in one natural year (and still holds).

    ``exempt`` marks points earned under the easyown brand, which never expire (POINTS-3
    Decision); a customer whose brand changed within a year has two lots for that year.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="points_lots")
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


class PointsRun(models.Model):
    """CONV-5: one run of a batch job (accrual of a month, expiry of a year) and its counts."""

    class Job(models.TextChoices):
        ACCRUAL = "accrual", _("Monthly accrual")
        EXPIRY = "expiry", _("Year-end expiry")

    job = models.CharField(max_length=8, choices=Job.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM or YYYY."))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    # The job run (core) whose chunks write this run's entries; empty for a direct call of
    # the service (the demo, the benchmark). One open points run per job run: its chunks,
    # on whatever worker, resumed or not, all write to it (CONV-5).
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job run"),
    )

    class Meta:
        verbose_name = _("points run")
        verbose_name_plural = _("points runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "period"])]
        constraints = [
            models.UniqueConstraint(
                fields=["job_run"],
                condition=models.Q(finished_at__isnull=True, job_run__isnull=False),
                name="points_run_one_open_per_job_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class AccrualStage(models.Model):
    """Scratch rows of one accrual chunk: what each customer should hold for the month.

    Filled by one INSERT … SELECT over the bills, read by the statements that write the
    entries, and emptied before the chunk's transaction commits.
    """

    run = models.ForeignKey(PointsRun, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    exempt = models.BooleanField()
    consumption = models.IntegerField()
    reward_brand = models.IntegerField()
    reward_tenure = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="points_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.customer_id}"


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
    amounts it consumed. State machine: requested → fulfilled, or requested → cancelled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("redemption", "Requested")
        FULFILLED = "fulfilled", pgettext_lazy("redemption", "Fulfilled")
        CANCELLED = "cancelled", pgettext_lazy("redemption", "Cancelled")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.REQUESTED: frozenset({Status.FULFILLED, Status.CANCELLED}),
        Status.FULFILLED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="redemptions")
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0) & models.Q(quantity__gt=0),
                name="points_redemption_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.item_id} × {self.quantity} ({self.status})"

    def set_status(self, status: str, *, actor: Any, note: str = "", at: Any) -> RedemptionEvent:
        """Move to ``status`` if the map allows it, with a history row; the caller saves."""
        if status not in self.TRANSITIONS[self.status]:
            raise DomainError(
                gettext("A %(current)s redemption cannot become %(target)s.")
                % {
                    "current": self.get_status_display().lower(),
                    "target": str(self.Status(status).label).lower(),
                },
                code="illegal_transition",
            )
        event = RedemptionEvent(
            redemption=self,
            from_status=self.status,
            to_status=status,
            at=at,
            actor=actor,
            note=note,
        )
        self.status = status
        return event


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


class Entry(models.Model):
    """POINTS-11: one movement of points on one lot; never changed, never deleted.

    Cause: ``month`` (accrual and its corrections), ``redemption``, ``transfer`` or ``run``
    (batch jobs); ``actor`` is the staff member, or None for a job.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="points_entries")
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
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    run = models.ForeignKey(
        PointsRun, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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
