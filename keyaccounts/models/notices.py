"""D-GROUP-11: which of an account manager's notifications they have read.

The notifications themselves are not stored: they are computed from the data they speak of
(``keyaccounts.selectors.notices``). This table keeps only "seen": one row per manager and
notification, the notification named by its kind, the row it is about and its day (the
follow-up date, the birthday, the decision day), so a new follow-up date or next year's
birthday is a new notification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):  # D-GROUP-11
    UPGRADE_DECIDED = "upgrade_decided", _("Upgrade request decided")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
    BIRTHDAY = "birthday", _("Key person's birthday")
    GIFT = "gift", _("VIP customer's birthday gift")


class NoticeSeen(models.Model):
    """D-GROUP-11: ``user`` has read the notification (``kind``, ``object_id``, ``day``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    # The upgrade request, key person or birthday gift the notification is about.
    object_id = models.PositiveBigIntegerField()
    day = models.DateField(_("day"))
    seen_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("notification read")
        verbose_name_plural = _("notifications read")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "day"], name="notice_seen_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.object_id} {self.day}"
