"""Customers and their billing feed (CUST-1..9), groups and key persons (GROUP-1..3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from membership.validators import validate_msisdn


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

    msisdn = models.CharField(
        _("phone number"), max_length=11, unique=True, validators=[validate_msisdn]
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("national ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    brand = models.CharField(_("brand"), max_length=8, choices=Brand.choices, db_index=True)
    joined_on = models.DateField(_("joined on"))
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(msisdn__regex=r"^1[3-9][0-9]{9}$"), name="customer_msisdn_cust_1"
            ),
        ]

    def __str__(self) -> str:
        return self.msisdn


class Bill(models.Model):
    """CUST-9: the monthly bill, total in yuan with 2 decimals (CONV-1)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bills")
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


class GroupClass(models.TextChoices):  # GROUP-1
    A = "A", _("Class A")
    B = "B", _("Class B")
    C = "C", _("Class C")
    D = "D", _("Class D")


class GroupCustomer(models.Model):
    """GROUP-1: a group customer with its class and account manager."""

    code = models.CharField(_("group code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=128)
    group_class = models.CharField(_("class"), max_length=1, choices=GroupClass.choices)
    city = models.CharField(_("city"), max_length=32, db_index=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_groups",
        verbose_name=_("account manager"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group customer")
        verbose_name_plural = _("group customers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.group_class})"


class KeyPersonRole(models.TextChoices):  # GROUP-3
    DECISION_MAKER = "decision_maker", _("Decision maker 最高决策者")
    CONTACT = "contact", _("Contact 联系人")
    COMMS_MANAGER = "comms_manager", _("Communications middle manager 通信部门中层")
    INFLUENCER = "influencer", _("Influencer 影响力人物")


class KeyPersonRank(models.TextChoices):  # GROUP-3
    SENIOR_LEADER = "senior_leader", _("Senior leader")
    DIVISION_CADRE = "division_cadre", _("Division-level cadre 处级干部")
    OTHER = "other", _("Other")


class KeyPerson(models.Model):
    """GROUP-3: a key person of a group, whose line is a customer of ours."""

    group = models.ForeignKey(GroupCustomer, on_delete=models.CASCADE, related_name="key_persons")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="key_person_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=KeyPersonRole.choices)
    rank = models.CharField(_("rank"), max_length=16, choices=KeyPersonRank.choices)
    title = models.CharField(_("job title"), max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        constraints = [
            models.UniqueConstraint(fields=["group", "customer"], name="key_person_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.group.code}"


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

    class Meta:
        verbose_name = _("snapshot list")
        verbose_name_plural = _("snapshot lists")
        ordering = ["-taken_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.taken_on})"


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


class Level(models.TextChoices):  # TIER-1, highest first
    DIAMOND = "diamond", _("Diamond 钻石卡")
    PLATINUM = "platinum", _("Platinum 白金卡")
    GOLD = "gold", _("Gold 金卡")
    SILVER = "silver", _("Silver 银卡")
    GUEST = "guest", _("Guest 贵宾卡")


# TIER-1: the order of levels as integers, so that SQL can take MAX over grants.
LEVEL_RANK: dict[str, int] = {
    Level.DIAMOND: 5,
    Level.PLATINUM: 4,
    Level.GOLD: 3,
    Level.SILVER: 2,
    Level.GUEST: 1,
}
RANK_LEVEL: dict[int, str] = {rank: level for level, rank in LEVEL_RANK.items()}


class GrantSource(models.TextChoices):  # TIER-2
    ANNUAL = "annual", _("Annual rating")
    PLAN = "plan", _("Plan")
    KEY_PERSON = "key_person", _("Key person")
    UPGRADE = "upgrade", _("Approved upgrade")
    RETAINED = "retained", _("Retained on a cross-region move")


class RatingRun(models.Model):
    """TIER-3/4: one run of the level rating for a period, previewed then committed."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Committed")

    year = models.PositiveSmallIntegerField(_("rated year"))
    policy = models.CharField(_("policy"), max_length=16)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    parameters = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rating run")
        verbose_name_plural = _("rating runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "policy"],
                condition=models.Q(state="committed"),
                name="rating_committed_once_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.year} ({self.state})"


class LevelGrant(models.Model):
    """TIER-2: the single source of a customer's level.

    A grant is valid from ``valid_from`` to ``valid_until`` inclusive (open-ended when
    ``valid_until`` is null). Ending a grant sets ``valid_until`` and records who and why;
    grants are never deleted. ``cause`` points at the record that caused it (a rating run,
    a plan subscription, a key-person role, an approved upgrade request).
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grants")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    rank = models.PositiveSmallIntegerField()
    source = models.CharField(_("source"), max_length=12, choices=GrantSource.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    limited = models.BooleanField(
        _("limited"),
        default=False,
        help_text=_("TIER-7: airport VIP and green channel only; no mid-high-end promotions."),
    )
    rating_run = models.ForeignKey(
        RatingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    cause_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("level grant")
        verbose_name_plural = _("level grants")
        ordering = ["customer_id", "-rank", "valid_from"]
        indexes = [models.Index(fields=["customer", "valid_from", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="diamond", rank=5)
                    | models.Q(level="platinum", rank=4)
                    | models.Q(level="gold", rank=3)
                    | models.Q(level="silver", rank=2)
                    | models.Q(level="guest", rank=1)
                ),
                name="grant_rank_matches_level",
            ),
            models.CheckConstraint(
                # Only an ended grant may close before it opened (ended before its start).
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from"))
                | models.Q(ended_at__isnull=False),
                name="grant_window_not_reversed",
            ),
            # A rating run grants a customer once; a second commit cannot double it.
            models.UniqueConstraint(
                fields=["customer", "rating_run"],
                condition=models.Q(rating_run__isnull=False),
                name="grant_once_per_rating_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.level} {self.source} {self.valid_from}–{self.valid_until}"


class GrantEvent(models.Model):
    """TIER-10: the audit trail of every grant and every end of a grant."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        ENDED = "ended", _("Ended")

    grant = models.ForeignKey(LevelGrant, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=Action.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rating_run = models.ForeignKey(
        RatingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.action} {self.at:%Y-%m-%d}"


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
