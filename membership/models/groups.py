"""Group customers and key persons (GROUP-1..4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from membership.models.customers import Customer


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
