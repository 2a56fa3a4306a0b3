"""SERVICE-7: the hotline call log, imported from the call centre's CSV."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Transfer(models.TextChoices):
    NONE = "", _("No transfer")
    AGENT = "agent", _("To an agent")
    SELF_SERVICE = "self_service", _("To self-service")


class HotlineCall(models.Model):
    """One call of the call log (columns in docs/decisions.md, D-DESK-8)."""

    call_id = models.CharField(_("call id"), max_length=40, unique=True)
    started_at = models.DateTimeField(_("started at"))
    day = models.DateField(_("day"), db_index=True)
    msisdn = models.CharField(_("phone number"), max_length=11)
    vip = models.BooleanField(_("VIP call"))
    wait_seconds = models.PositiveIntegerField(
        _("seconds to an agent"), null=True, blank=True, help_text=_("Empty: never answered.")
    )
    transfer = models.CharField(_("transfer"), max_length=12, choices=Transfer.choices, blank=True)
    transfer_ok = models.BooleanField(_("transfer succeeded"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(transfer="") & models.Q(transfer_ok__isnull=True))
                | (~models.Q(transfer="") & models.Q(transfer_ok__isnull=False)),
                name="hotline_transfer_result_iff_transfer",
            ),
        ]

    def __str__(self) -> str:
        return self.call_id
