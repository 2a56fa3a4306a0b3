"""SERVICE-13: GoTone club events 全球通俱乐部活动 and the customers' sign-ups to them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from membership.models import Customer, Level
from servicedesk.models.entitlements import UsageCounter
from servicedesk.models.requests import Reservation


class ClubEventKind(models.TextChoices):
    """The kinds the source names (VIP讲堂、新年艺术演出、电影答谢、健康体检), and others."""

    VIP_LECTURE = "vip_lecture", _("VIP lecture VIP讲堂")
    NEW_YEAR_SHOW = "new_year_show", _("New Year performance 新年艺术演出")
    FILM = "film", _("Film screening 电影答谢")
    HEALTH_CHECK = "health_check", _("Health check-up 健康体检")
    OTHER = "other", _("Other club event 其他活动")


class ClubEvent(models.Model):
    """SERVICE-13: a club event supervisors organise: when, where, how many seats, which
    levels may sign up and until when.

    ``signed_up`` counts the seats taken (sign-ups not cancelled); it moves only by a
    conditional UPDATE (``signed_up < capacity``), and a check constraint keeps it within
    the capacity, so two clerks cannot both take the last seat. Every edit is kept
    (django-simple-history).
    """

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ClubEventKind.choices)
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    # Level codes (membership.models.Level) whose customers may sign up.
    levels = models.JSONField(_("levels that may sign up"), default=list)
    signup_deadline = models.DateField(
        _("sign-up deadline"), help_text=_("The last day a customer may sign up.")
    )
    description = models.TextField(_("description"), blank=True)
    signed_up = models.PositiveIntegerField(_("seats taken"), default=0)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("club event")
        verbose_name_plural = _("club events")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(  # SERVICE-13: never more seats taken than there are
                condition=models.Q(signed_up__lte=models.F("capacity")),
                name="club_event_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="club_event_has_seats"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def level_labels(self) -> str:
        """The levels that may sign up, in words, in the order of the levels."""
        return ", ".join(str(label) for value, label in Level.choices if value in self.levels)

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.signed_up)


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Sign-up cancelled")


class ClubSignup(models.Model):
    """SERVICE-13: one customer signed up for one event; attended, no-show or cancelled.

    The sign-up holds a seat of the event and, where the entitlement table counts club
    events, a unit of the customer's ``club_event`` quota (reserve-then-consume, SERVICE-2):
    attending or not coming uses it, cancelling gives it and the seat back (D-DESK-19).
    """

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        SignupStatus.SIGNED_UP: frozenset(
            {SignupStatus.ATTENDED, SignupStatus.NO_SHOW, SignupStatus.CANCELLED}
        ),
        SignupStatus.ATTENDED: frozenset(),
        SignupStatus.NO_SHOW: frozenset(),
        SignupStatus.CANCELLED: frozenset(),
    }

    event = models.ForeignKey(ClubEvent, on_delete=models.PROTECT, related_name="signups")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="club_signups")
    status = models.CharField(
        _("status"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP
    )
    counter = models.ForeignKey(
        UsageCounter, on_delete=models.PROTECT, null=True, blank=True, related_name="signups"
    )
    reservation = models.CharField(
        max_length=8, choices=Reservation.choices, default=Reservation.NONE
    )
    terms = models.CharField(_("terms"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed up at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("club event sign-up")
        verbose_name_plural = _("club event sign-ups")
        ordering = ["event_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["customer", "status"], name="club_signup_customer"),
            # D-HOUSE-10: an event's sign-ups page in sign-up order on it.
            models.Index(fields=["event", "created_at"], name="club_signup_event_time"),
        ]
        constraints = [
            # SERVICE-13: one live sign-up per customer and event (again after cancelling).
            models.UniqueConstraint(
                fields=["event", "customer"],
                condition=~models.Q(status="cancelled"),
                name="club_signup_once_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(reservation="none") | models.Q(counter__isnull=False),
                name="club_signup_reservation_has_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.customer_id} ({self.status})"


class ClubSignupEvent(models.Model):
    """The history of a sign-up: one row per move, with who and why."""

    signup = models.ForeignKey(ClubSignup, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=SignupStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SignupStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.signup_id} {self.from_status}→{self.to_status}"
