"""SERVICE-7: the hotline call log, imported from the call centre's CSV."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Transfer(models.TextChoices):
    NONE = "", _("No transfer")
    AGENT = "agent", _("To an agent")
    SELF_SERVICE = "self_service", _("To self-service")


class HotlineCall(models.Model):
    """One call of the call log (columns in docs/decisions.md, D-DESK-8 and D-DESK-14)."""

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
    # Optional columns added to the call log by Decision D-DESK-14 (empty: not recorded).
    transfer_asked = models.BooleanField(
        _("transfer asked for by the customer"),
        null=True,
        blank=True,
        help_text=_("Empty: no transfer, or the call centre did not record it."),
    )
    expert = models.BooleanField(
        _("transferred to an expert agent"),
        null=True,
        blank=True,
        help_text=_("Only for a transfer to an agent. Empty: not recorded."),
    )
    expert_wait_seconds = models.PositiveIntegerField(
        _("seconds to the expert agent"),
        null=True,
        blank=True,
        help_text=_("From the transfer until the expert agent answered. Empty: never answered."),
    )
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
            models.CheckConstraint(
                condition=~models.Q(transfer="") | models.Q(transfer_asked__isnull=True),
                name="hotline_transfer_asked_only_with_transfer",
            ),
            models.CheckConstraint(
                condition=models.Q(transfer="agent") | models.Q(expert__isnull=True),
                name="hotline_expert_only_for_agent_transfer",
            ),
            models.CheckConstraint(
                condition=models.Q(expert=True) | models.Q(expert_wait_seconds__isnull=True),
                name="hotline_expert_wait_only_for_expert",
            ),
        ]

    def __str__(self) -> str:
        return self.call_id
