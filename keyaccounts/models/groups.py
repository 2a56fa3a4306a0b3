"""Group customers, their people and key persons, the contact log, upgrade requests and
the monthly KPI figures (GROUP-1..4, TIER-6, TIER-7, KPI-1).

Each model keeps the table it had when it lived in membership (``Meta.db_table``, and
``table_name`` on the history): moving the models to this app changed no table, index or
constraint (decisions.md D-HOUSE-1).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from membership.models import Customer, Level, LevelGrant, SnapshotList


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
    # GROUP-3: a group with an IT centre may have one more contact (three instead of two).
    has_it_centre = models.BooleanField(_("has an IT centre"), default=False)

    history = HistoricalRecords(table_name="membership_historicalgroupcustomer")

    class Meta:
        db_table = "membership_groupcustomer"
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
    created_at = models.DateTimeField(_("key person since"), default=timezone.now)
    # A key person who leaves the role is ended, never deleted: grants and contacts point here.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("end reason"), max_length=200, blank=True)

    history = HistoricalRecords(table_name="membership_historicalkeyperson")

    class Meta:
        db_table = "membership_keyperson"
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        ordering = ["group_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "customer"],
                condition=models.Q(ended_at__isnull=True),
                name="key_person_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.group.code}"

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def birth_date(self) -> date | None:
        """GROUP-4: the birthday comes from the key person's line (Customer.birth_date)."""
        return self.customer.birth_date


class GroupMember(models.Model):
    """GROUP-2: a signed member of a group. Key persons are members too; whether a member
    counts as key person, group gotone VIP or ordinary member is derived, never stored.

    A member who leaves is ended (``ended_on``: the first day no longer a member), never
    deleted, so that KPI-1 of a past month still sees who was a member then (D-GROUP-5).
    The current members are the open rows (``ended_on`` is null); a line may sign up again
    after leaving, as a new row.
    """

    group = models.ForeignKey(GroupCustomer, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="group_memberships"
    )
    signed_on = models.DateField(_("signed on"))
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "membership_groupmember"
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group_id", "customer_id"]
        # D-HOUSE-10: a group's current members by the day they signed on (ended_on IS
        # NULL, then signed_on) and its former members by the day they left.
        indexes = [
            models.Index(fields=["group", "ended_on", "signed_on"], name="group_member_dates"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "customer"],
                condition=models.Q(ended_on__isnull=True),
                name="group_member_once_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("signed_on")),
                name="group_member_ends_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.group_id}"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class ContactChannel(models.TextChoices):  # GROUP-4
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    SMS = "sms", _("SMS")
    GIFT = "gift", _("Gift")
    GREETING = "greeting", _("Greeting")


class CareOccasion(models.TextChoices):  # GROUP-4: what a contact was for
    ROUTINE = "routine", _("Routine contact")
    BIRTHDAY = "birthday", _("Birthday")
    NEW_YEAR = "new_year", _("New Year's Day 元旦")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival 春节")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival 端午")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival 中秋")


class ContactLog(models.Model):
    """GROUP-4: one contact of an account manager with a group's people.

    ``occasion_date`` is the birthday or holiday the contact was for (derived by the service
    from ``occasion`` and the contact day); it is what marks a care-calendar item done.
    """

    group = models.ForeignKey(GroupCustomer, on_delete=models.PROTECT, related_name="contacts")
    key_person = models.ForeignKey(
        KeyPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    person = models.CharField(_("who"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    occasion = models.CharField(
        _("occasion"), max_length=16, choices=CareOccasion.choices, default=CareOccasion.ROUTINE
    )
    occasion_date = models.DateField(_("occasion date"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("when"), db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "membership_contactlog"
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["key_person", "contacted_at"]),
            models.Index(fields=["group", "contacted_at"]),
            models.Index(fields=["key_person", "occasion", "occasion_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.channel} {self.contacted_at:%Y-%m-%d}"


class UpgradeStatus(models.TextChoices):  # TIER-7
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UpgradeRequest(models.Model):
    """TIER-7: an account manager asks for a higher level for a key person."""

    # TIER-7: which status may follow which (moved by keyaccounts.services.upgrades.
    # upgrade_set_status). Decided and withdrawn requests are final.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        UpgradeStatus.PENDING: frozenset(
            {UpgradeStatus.APPROVED, UpgradeStatus.REJECTED, UpgradeStatus.WITHDRAWN}
        ),
        UpgradeStatus.APPROVED: frozenset(),
        UpgradeStatus.REJECTED: frozenset(),
        UpgradeStatus.WITHDRAWN: frozenset(),
    }

    key_person = models.ForeignKey(
        KeyPerson, on_delete=models.PROTECT, related_name="upgrade_requests"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    current_level = models.CharField(
        _("level when asked"), max_length=8, choices=Level.choices, blank=True
    )
    requested_level = models.CharField(_("requested level"), max_length=8, choices=Level.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=UpgradeStatus.choices,
        default=UpgradeStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    grant = models.OneToOneField(
        LevelGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "membership_upgraderequest"
        verbose_name = _("upgrade request")
        verbose_name_plural = _("upgrade requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_person"],
                condition=models.Q(status="pending"),
                name="upgrade_one_pending_per_key_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.requested_level} ({self.status})"


class UpgradeRequestEvent(models.Model):
    """TIER-7 / TIER-10: one row per move of an upgrade request."""

    request = models.ForeignKey(UpgradeRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=UpgradeStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=UpgradeStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        db_table = "membership_upgraderequestevent"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_status or '∅'}→{self.to_status}"


class KpiDimension(models.TextChoices):  # KPI-1
    TOTAL = "total", pgettext_lazy("KPI-1 figure of the whole province", "Province")
    REGION = "region", _("Region")
    MANAGER = "manager", _("Account manager")


class KpiFigure(models.Model):
    """KPI-1: the stored figures of one month for the province, a region or a manager."""

    month = models.DateField(_("month"), help_text=_("First day of the month."))
    dimension = models.CharField(max_length=8, choices=KpiDimension.choices)
    key = models.CharField(max_length=64, blank=True, help_text=_("City, or manager id."))
    label = models.CharField(max_length=128, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.ForeignKey(
        SnapshotList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mid_high_end = models.PositiveIntegerField(_("mid-high-end customers"), default=0)
    snapshot_size = models.PositiveIntegerField(default=0)
    snapshot_retained = models.PositiveIntegerField(default=0)
    important_size = models.PositiveIntegerField(default=0)
    important_retained = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "membership_kpifigure"
        verbose_name = _("KPI figure")
        verbose_name_plural = _("KPI figures")
        ordering = ["-month", "dimension", "label"]
        constraints = [
            models.UniqueConstraint(fields=["month", "dimension", "key"], name="kpi_once_per_key"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="kpi_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension} {self.label or self.key}"
