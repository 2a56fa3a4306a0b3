"""NOTICE-1: the SMS outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class SmsTemplate(models.TextChoices):  # NOTICE-1: what customers are told
    BIRTHDAY_WAIVER = "birthday_waiver", _("Birthday waiver")
    # D-DESK-12: the amount after late usage topped the waiver up (max_length 20)
    BIRTHDAY_FINAL = "birthday_final", _("Birthday waiver, final amount")
    LEVEL_CHANGE = "level_change", _("New level")
    POINTS_EXPIRY = "points_expiry", _("Points about to expire")
    HOLIDAY_GREETING = "holiday_greeting", _("Holiday greeting")
    # NOTICE-2: the answer to an SMS a customer sent (its text is the ``text`` parameter)
    INBOUND_REPLY = "inbound_reply", _("Reply to an inbound SMS")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """One SMS to one customer, for one cause; stored first, sent later by a worker.

    ``cause_key`` is unique: a second notice for the same cause (a re-run job, a retried
    task) is never stored, so it is never sent twice. The key is also the idempotency key the
    gateway receives (Decision D-DESK-6).
    """

    template = models.CharField(_("template"), max_length=20, choices=SmsTemplate.choices)
    params = models.JSONField(_("parameters"), default=dict)
    recipient = models.CharField(_("recipient"), max_length=11)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cause_key = models.CharField(_("cause"), max_length=120, unique=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    body = models.TextField(_("text sent"), blank=True)
    gateway_id = models.CharField(_("gateway id"), max_length=120, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.cause_key} ({self.status})"
