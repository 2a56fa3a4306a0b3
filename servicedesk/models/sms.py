"""NOTICE-2: the SMS customers send us (inbound), one row per gateway message."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer
from points.models import Transfer as PointsTransfer
from servicedesk.models.requests import ServiceRequest


class InboundResult(models.TextChoices):
    """What an inbound SMS came to; the HTTP answer's ``result`` (docs/interfaces.md)."""

    OPTED_OUT = "opted_out", _("Holiday opt-out registered")
    OPT_OUT_REFUSED = "opt_out_refused", _("Holiday opt-out refused")
    TRANSFERRED = "transferred", _("Points transferred")
    TRANSFER_REFUSED = "transfer_refused", _("Points transfer refused")
    HELP = "help", _("Not a command: help sent")
    UNKNOWN_NUMBER = "unknown_number", _("Sender is not a customer")


class InboundSms(models.Model):
    """One message the SMS gateway posted. ``message_id`` (the gateway's id) is unique: a
    re-post of the same message finds this row and does nothing again (Decision D-API-3)."""

    message_id = models.CharField(_("gateway message id"), max_length=100, unique=True)
    sender = models.CharField(_("sender"), max_length=11)
    service_number = models.CharField(_("service number"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    received_at = models.DateTimeField(_("received at"))
    stored_at = models.DateTimeField(_("stored at"))
    result = models.CharField(_("result"), max_length=20, choices=InboundResult.choices)
    reply = models.CharField(_("reply"), max_length=500, blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        PointsTransfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.result})"
