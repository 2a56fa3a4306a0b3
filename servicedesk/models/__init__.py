"""servicedesk models, one module per topic; import them from here."""

from servicedesk.models.birthday import BirthdayMinutes, MinutesSource
from servicedesk.models.entitlements import (
    AUDIENCE_CHOICES,
    COUNTER_CHOICES,
    COUNTER_DELAYED_SUSPENSION,
    COUNTER_EMERGENCY_REACTIVATION,
    COUNTER_HOLIDAY_OPT_OUT,
    GOTONE_AUDIENCE,
    Benefit,
    Entitlement,
    Period,
    Scope,
    UsageCounter,
)
from servicedesk.models.hotline import HotlineCall, Transfer
from servicedesk.models.notices import OutboxMessage, OutboxStatus, SmsTemplate
from servicedesk.models.queue import (
    TICKET_LETTER,
    TICKET_PRIORITY,
    Hall,
    Ticket,
    TicketClass,
    TicketEvent,
    TicketStatus,
)
from servicedesk.models.requests import (
    OPEN_STATUSES,
    Location,
    LoungeType,
    Privilege,
    RequestKind,
    RequestStatus,
    Reservation,
    ServiceRequest,
    ServiceRequestEvent,
)
from servicedesk.models.sms import InboundResult, InboundSms
from servicedesk.models.waivers import BirthdayWaiver, BirthdayWaiverCorrection

__all__ = [
    "AUDIENCE_CHOICES",
    "COUNTER_CHOICES",
    "COUNTER_DELAYED_SUSPENSION",
    "COUNTER_EMERGENCY_REACTIVATION",
    "COUNTER_HOLIDAY_OPT_OUT",
    "GOTONE_AUDIENCE",
    "OPEN_STATUSES",
    "TICKET_LETTER",
    "TICKET_PRIORITY",
    "Benefit",
    "BirthdayMinutes",
    "BirthdayWaiver",
    "BirthdayWaiverCorrection",
    "Entitlement",
    "Hall",
    "HotlineCall",
    "InboundResult",
    "InboundSms",
    "Location",
    "LoungeType",
    "MinutesSource",
    "OutboxMessage",
    "OutboxStatus",
    "Period",
    "Privilege",
    "RequestKind",
    "RequestStatus",
    "Reservation",
    "Scope",
    "ServiceRequest",
    "ServiceRequestEvent",
    "SmsTemplate",
    "Ticket",
    "TicketClass",
    "TicketEvent",
    "TicketStatus",
    "Transfer",
    "UsageCounter",
]
