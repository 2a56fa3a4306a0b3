"""Customers and their billing feed (CUST-1..9)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.validators import validate_msisdn


class Brand(models.TextChoices):  # CUST-2
    GOTONE = "gotone", _("GoTone 全球通")
    MZONE = "mzone", _("M-Zone 动感地带")
    EASYOWN = "easyown", _("Easy-Own 神州行")


class Status(models.TextChoices):  # CUST-4
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    PRE_CANCEL = "pre_cancel", _("Pending cancellation")
    CANCELLED = "cancelled", _("Cancelled")


class SuspensionReason(models.TextChoices):  # CUST-4
    ARREARS = "arrears", _("Arrears 欠费停机")
    REQUESTED = "requested", _("Requested 申请停机")
    FORCED = "forced", _("Forced 强制停机")
    HIGH_USAGE = "high_usage", _("High usage 高额停机")
    HALF = "half", _("Half 半停")


class Customer(models.Model):
    """CUST-1: one subscription line, identified by its MSISDN."""

    # CUST-4: which status may follow which (membership.services.customers.
    # customer_set_status moves it). A cancelled line stays cancelled.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.ACTIVE: frozenset({Status.SUSPENDED, Status.PRE_CANCEL, Status.CANCELLED}),
        Status.SUSPENDED: frozenset({Status.ACTIVE, Status.PRE_CANCEL, Status.CANCELLED}),
        Status.PRE_CANCEL: frozenset({Status.ACTIVE, Status.CANCELLED}),
        Status.CANCELLED: frozenset(),
    }

    msisdn = models.CharField(
        _("phone number"), max_length=11, unique=True, validators=[validate_msisdn]
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("national ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    brand = models.CharField(_("brand"), max_length=8, choices=Brand.choices)
    joined_on = models.DateField(_("joined on"))
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    suspension_reason = models.CharField(
        _("suspension reason"), max_length=10, blank=True, choices=SuspensionReason.choices
    )
    real_name_registered_on = models.DateField(_("real-name registration"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["msisdn"]
        # Plain B-trees only: a CharField's db_index adds a second, LIKE-pattern index that
        # no query of a choice column uses and every import of a million lines maintains.
        indexes = [
            models.Index(fields=["brand"], name="customer_brand"),
            models.Index(fields=["city"], name="customer_city"),
            models.Index(fields=["status"], name="customer_status"),
            # Whose birthday is today (SERVICE-6, -9, -14: membership.selectors.birthdays):
            # the daily jobs find a day's 1/365 of the lines on this index instead of reading
            # every line (bench_daily_jobs, 1,000,000 lines: 0.82 s → 0.04 s).
            models.Index(
                ExtractMonth("birth_date"), ExtractDay("birth_date"), name="customer_birthday"
            ),
            # The counter's search box (D-CUST-9): an ID number is found by an exact match,
            # a name by a prefix (``LIKE '张三%'``), which a B-tree serves only with the
            # pattern operator class on PostgreSQL (ignored elsewhere).
            models.Index(fields=["id_number"], name="customer_id_number"),
            models.Index(
                fields=["name"], name="customer_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(msisdn__regex=r"^1[3-9][0-9]{9}$"), name="customer_msisdn_cust_1"
            ),
        ]

    def __str__(self) -> str:
        return self.msisdn


class Bill(models.Model):
    """CUST-9: the monthly bill, total in yuan with 2 decimals (CONV-1)."""

    # indexed by the unique (customer, month) below; no second index on customer alone
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    month = models.DateField(_("month"), help_text=_("First day of the billed month."))
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["customer_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="bill_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="bill_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m} {self.total}"


class UsageCategory(models.TextChoices):  # CUST-9
    DOMESTIC_VOICE = "domestic_voice", _("Domestic voice")
    DOMESTIC_DATA = "domestic_data", _("Domestic data")
    DOMESTIC_SMS = "domestic_sms", _("Domestic SMS")
    HMT = "hmt", _("Hong Kong, Macau, Taiwan 港澳台")
    INTERNATIONAL = "international", _("International")
    PREMIUM = "premium", _("Premium-rate 声讯")
    CALL_FORWARDING = "call_forwarding", _("Call forwarding")
    OTHER = "other", _("Other")


class Usage(models.Model):
    """CUST-9: daily usage per customer, day and category, in yuan (CONV-1)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="usage")
    date = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=16, choices=UsageCategory.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("usage")
        verbose_name_plural = _("usage")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "date", "category"], name="usage_one_per_day_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.date} {self.category} {self.amount}"


class StatusChange(models.Model):
    """CUST-4: every status change, with time, reason and actor."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=10, choices=SuspensionReason.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.from_status}→{self.to_status}"


class SnapshotList(models.Model):
    """CUST-5: a dated list of snapshot mid-high-end customers 拍照中高端客户."""

    name = models.CharField(_("name"), max_length=64)
    taken_on = models.DateField(_("taken on"), unique=True)
    # D-CUST-12: a list taken on the snapshot screen keeps its counts and who took it, so
    # the list of lists never counts a province's members again; a list loaded otherwise
    # (tests, the admin) has none and is counted when shown.
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    important_count = models.PositiveIntegerField(_("important"), null=True, blank=True)
    created_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("snapshot list")
        verbose_name_plural = _("snapshot lists")
        ordering = ["-taken_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.taken_on})"

    @property
    def ordinary_count(self) -> int | None:
        if self.members_count is None or self.important_count is None:
            return None
        return self.members_count - self.important_count


class SnapshotMember(models.Model):
    snapshot = models.ForeignKey(SnapshotList, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="snapshot_memberships"
    )
    important = models.BooleanField(_("important snapshot customer 重要拍照客户"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "customer"], name="snapshot_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.snapshot_id}"


class CreditRating(models.Model):
    """CREDIT-1..5: the monthly credit score and stars, kept as history."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="credit_ratings")
    month = models.DateField(_("month"), help_text=_("First day of the rated month."))
    score = models.IntegerField(_("score"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    breakdown = models.JSONField(default=dict)
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["customer_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="credit_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m} {self.stars}★"


class CustomerEvent(models.Model):
    """CUST-6/7: ownership transfers, number changes and cross-region moves of a line."""

    class Kind(models.TextChoices):
        OWNERSHIP_TRANSFER = "ownership", _("Ownership transfer 过户")
        NUMBER_CHANGE = "number", _("Number change 换号")
        REGION_MOVE = "region", _("Cross-region move 跨区入网")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.at:%Y-%m-%d}"
