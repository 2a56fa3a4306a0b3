"""Levels, grants and rating runs (TIER-1..11)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models.customers import Customer


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

    policy = models.CharField(_("policy"), max_length=16)
    period = models.CharField(
        _("rated period"),
        max_length=7,
        help_text=_("YYYY for an annual rating, YYYY-MM for a monthly one."),
    )
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
                fields=["policy", "period"],
                condition=models.Q(state="committed"),
                name="rating_committed_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.period} ({self.state})"

    # The policies' names on screens (the column keeps the policy's code, TIER-3 / TIER-11).
    POLICY_LABELS: ClassVar[dict[str, Any]] = {
        "gotone_annual": _("Annual rating"),
        "rolling_average": _("Rolling-average rating"),
    }

    def get_policy_display(self) -> str:
        return str(self.POLICY_LABELS.get(self.policy, self.policy))


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
