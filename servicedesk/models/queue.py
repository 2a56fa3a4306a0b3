"""SERVICE-1: service halls and their queue tickets."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models import Customer


class Hall(models.Model):
    """A service hall 营业厅: data, kept by supervisors in the admin."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32, db_index=True)
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["city", "code"]

    def __str__(self) -> str:
        return self.name


class TicketClass(models.TextChoices):  # SERVICE-1, highest first
    VIP = "vip", _("VIP")
    GOTONE = "gotone", _("GoTone 全球通")
    OTHER = "other", _("Others")


# SERVICE-1: higher class is called first; the letter prefixes the ticket number.
TICKET_PRIORITY: dict[str, int] = {TicketClass.VIP: 3, TicketClass.GOTONE: 2, TicketClass.OTHER: 1}
TICKET_LETTER: dict[str, str] = {
    TicketClass.VIP: "V",
    TicketClass.GOTONE: "G",
    TicketClass.OTHER: "P",
}


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Left / cancelled")


class Ticket(models.Model):
    """A queue ticket, issued when the customer identifies themselves by phone number.

    The wait (SERVICE-1) runs from ``issued_at`` (identification) to ``called_at`` (service);
    it is stored in seconds when the ticket is called so that reports aggregate it in SQL.
    """

    # The allowed moves (services/queue.py: ticket_call_next, ticket_set_status).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        TicketStatus.WAITING: frozenset({TicketStatus.CALLED, TicketStatus.CANCELLED}),
        TicketStatus.CALLED: frozenset({TicketStatus.SERVED, TicketStatus.CANCELLED}),
        TicketStatus.SERVED: frozenset(),
        TicketStatus.CANCELLED: frozenset(),
    }

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.CharField(_("ticket"), max_length=8)
    ticket_class = models.CharField(_("class"), max_length=8, choices=TicketClass.choices)
    priority = models.PositiveSmallIntegerField()
    msisdn = models.CharField(_("phone number"), max_length=11)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), null=True, blank=True)
    desk = models.CharField(_("desk"), max_length=16, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["hall", "status", "-priority", "issued_at"]),
            # A hall's day (the daily report, the visit's ticket) and its tickets in the
            # order they were issued (the hall desk's list, D-HOUSE-10).
            models.Index(fields=["day", "hall", "issued_at"], name="ticket_day_hall_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="ticket_number_per_day"),
            models.CheckConstraint(
                condition=(
                    models.Q(ticket_class="vip", priority=3)
                    | models.Q(ticket_class="gotone", priority=2)
                    | models.Q(ticket_class="other", priority=1)
                ),
                name="ticket_priority_matches_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.number}"


class TicketEvent(models.Model):
    """The history of a ticket: one row per move."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=TicketStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.from_status}→{self.to_status}"
