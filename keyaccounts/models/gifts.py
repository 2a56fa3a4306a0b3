"""SERVICE-14: the birthday gift 生日礼物 of a VIP customer with a personal account manager.

One row per customer and birthday year, opened by the daily job ``vip_birthday_gifts``
three days before the birthday (CARE_BIRTHDAY_GIFT_DAYS_BEFORE). The manager (or the phone
manager 电话经理) confirms with the customer the gift chosen, the delivery time and the
address; the manager or a third party delivers it. Each step is a move of ``status``
(TRANSITIONS, ``keyaccounts.services.gifts.gift_set_status``) and a row of the model's
history (django-simple-history), D-GROUP-9.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from membership.models import Customer


class GiftStatus(models.TextChoices):  # SERVICE-14
    DUE = "due", _("To contact")
    CONTACTED = "contacted", _("Confirmed with the customer")
    DELIVERED = "delivered", _("Delivered")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Not reached")


class GiftContactBy(models.TextChoices):  # SERVICE-14: 客户经理、电话经理
    ACCOUNT_MANAGER = "account_manager", _("Account manager 客户经理")
    PHONE_MANAGER = "phone_manager", _("Phone manager 电话经理")


class GiftDeliveredBy(models.TextChoices):  # SERVICE-14: 客户经理或第三方
    ACCOUNT_MANAGER = "account_manager", _("Account manager 客户经理")
    THIRD_PARTY = "third_party", _("Third party 第三方")


class BirthdayGift(models.Model):
    """SERVICE-14: a VIP customer's birthday gift of one year and how far it got."""

    # SERVICE-14 (D-GROUP-9): a customer not reached may be reached later; delivered and
    # declined are final.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        GiftStatus.DUE: frozenset(
            {GiftStatus.CONTACTED, GiftStatus.DECLINED, GiftStatus.UNREACHABLE}
        ),
        GiftStatus.UNREACHABLE: frozenset({GiftStatus.CONTACTED, GiftStatus.DECLINED}),
        GiftStatus.CONTACTED: frozenset({GiftStatus.DELIVERED, GiftStatus.DECLINED}),
        GiftStatus.DELIVERED: frozenset(),
        GiftStatus.DECLINED: frozenset(),
    }

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    birthday = models.DateField(_("birthday"))  # this year's (29 February → 28 February)
    contact_by = models.DateField(_("contact by"))  # 3 days before the birthday
    status = models.CharField(
        _("status"), max_length=12, choices=GiftStatus.choices, default=GiftStatus.DUE
    )
    opened_at = models.DateTimeField(_("opened at"))
    # Confirmed with the customer: the gift chosen, when and where it goes, who called.
    gift = models.CharField(_("gift chosen"), max_length=200, blank=True)
    deliver_at = models.DateTimeField(_("delivery time"), null=True, blank=True)
    address = models.CharField(_("delivery address"), max_length=300, blank=True)
    contacted_via = models.CharField(
        _("contacted by"), max_length=16, choices=GiftContactBy.choices, blank=True
    )
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Delivered: by the manager or a third party (named), on which day, recorded by whom.
    delivered_via = models.CharField(
        _("delivered by"), max_length=16, choices=GiftDeliveredBy.choices, blank=True
    )
    delivered_by_name = models.CharField(_("third party"), max_length=100, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Declined or not reached: why, and who said so.
    note = models.CharField(_("note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("birthday gift")
        verbose_name_plural = _("birthday gifts")
        ordering = ["contact_by", "customer_id"]
        indexes = [models.Index(fields=["status", "contact_by"], name="birthday_gift_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"], name="birthday_gift_one_per_customer_and_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.birthday} ({self.status})"

    @property
    def open(self) -> bool:
        return self.status in (GiftStatus.DUE, GiftStatus.CONTACTED, GiftStatus.UNREACHABLE)
