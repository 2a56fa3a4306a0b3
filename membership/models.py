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
