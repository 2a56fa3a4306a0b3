"""What servicedesk declares about itself: its URLs, navigation, tile and programme
settings (core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ACCOUNTS, ANY_STAFF, COUNTER, PUBLIC, SUPERVISORS
from core.manifests import (
    declare_access,
    declare_count_labels,
    declare_navigation,
    declare_permissions,
    declare_settings,
    declare_tile,
)
from core.roles import SUPERVISOR

declare_access(
    {
        "servicedesk:desk_home": COUNTER,
        "servicedesk:desk_card": COUNTER,
        # D-DESK-20: the visit's ticket from the desk card; the clerk's hall
        "servicedesk:desk_ticket": COUNTER,
        "servicedesk:hall_choose": COUNTER,
        # SERVICE-12: account managers too, for the brand privileges of the customers they
        # look after (servicedesk/access.py customer_for_registering)
        "servicedesk:request_create": ANY_STAFF,
        "servicedesk:request_list": COUNTER,
        "servicedesk:request_detail": COUNTER,
        "servicedesk:request_transition": COUNTER,
        "servicedesk:hall_list": COUNTER,
        "servicedesk:hall_desk": COUNTER,
        "servicedesk:ticket_issue": COUNTER,
        "servicedesk:ticket_call_next": COUNTER,
        "servicedesk:ticket_action": COUNTER,
        "servicedesk:hall_board": COUNTER,
        "servicedesk:hall_board_data": COUNTER,
        "servicedesk:service_levels": SUPERVISORS,
        # SERVICE-2: the entitlements table, edited by supervisors with its history
        "servicedesk:entitlement_list": SUPERVISORS,
        "servicedesk:entitlement_create": SUPERVISORS,
        "servicedesk:entitlement_edit": SUPERVISORS,
        "servicedesk:entitlement_delete": SUPERVISORS,
        "servicedesk:entitlement_history": SUPERVISORS,
        # SERVICE-9: the customer's account manager adds the birthday minutes by hand, after
        # checking (D-DESK-15); supervisors too.
        "servicedesk:birthday_minutes_add": ACCOUNTS,
        # SERVICE-13: club events: every role sees the events (managers recommend them);
        # supervisors create and edit them; the counter keeps the sign-ups and attendance;
        # the desk and the customer's account manager sign a customer up (the view checks
        # the manager looks after the customer).
        "servicedesk:club_event_list": ANY_STAFF,
        "servicedesk:club_event_create": SUPERVISORS,
        "servicedesk:club_event_edit": SUPERVISORS,
        "servicedesk:club_event_detail": COUNTER,
        "servicedesk:club_event_export": COUNTER,
        "servicedesk:club_signup_transition": COUNTER,
        "servicedesk:club_signup_create": ANY_STAFF,
        # list for everybody; registering (POST) needs a counter role, checked by the view
        # (D-API-2)
        "api:service-request-list": ANY_STAFF,
        "api:service-request-detail": ANY_STAFF,
        "api:ticket-list": ANY_STAFF,
        "api:ticket-detail": ANY_STAFF,
        "api:entitlement-list": ANY_STAFF,
        "api:entitlement-detail": ANY_STAFF,
        "api:fee-waivers": ANY_STAFF,
        # NOTICE-2: the SMS gateway, machine to machine: the view checks its HMAC signature
        # (D-API-3)
        "api:sms-inbound": PUBLIC,
    }
)

declare_navigation("servicedesk:desk_home", _("Desk"), order=20)
declare_tile(
    "servicedesk:club_event_list",
    _("Club events"),
    _("VIP lectures, performances, films, health check-ups: sign-ups and attendance."),
    order=45,
)
declare_tile(
    "servicedesk:entitlement_list",
    _("Entitlements"),
    _("What each level may use, how often and where; every change kept."),
    order=42,
)
declare_tile(
    "servicedesk:service_levels",
    _("Service levels"),
    _("Today's waits and breaches per hall, hotline figures."),
    order=40,
)

declare_settings(
    {
        # SERVICE-1: the longest wait from identification (ticket) to service, in minutes, by
        # ticket class; the hall board turns a wait amber from QUEUE_WARN_PERCENT of its
        # limit.
        "QUEUE_WAIT_LIMITS": {"vip": 10, "gotone": 15, "other": 30},
        "QUEUE_WARN_PERCENT": 75,
        # SERVICE-3 (source): hours of the level privilege of gotone levels; the segment
        # privilege (times a month and hours each); one reactivation per arrears suspension,
        # whatever the privilege ("只能享受一次", D-DESK-13). The credit-star hours by stars
        # are not in the source: none unless an operator sets them, e.g. {5: 72, 4: 48, 3: 24}.
        "REACTIVATION_LEVEL_HOURS": {"diamond": 72, "platinum": 72, "gold": 72, "silver": 48},
        "REACTIVATION_TIMES_PER_SUSPENSION": 1,
        "REACTIVATION_SEGMENT_HOURS": 24,
        "REACTIVATION_SEGMENT_TIMES": {"vip_or_snapshot": 3, "gotone_or_50": 1},
        "REACTIVATION_CREDIT_HOURS": {},
        # SERVICE-4 (source): late-fee waiver rates in percent; the best applicable one
        # applies.
        "LATE_FEE_WAIVER_PERCENT": {
            "vip": 100,
            "mid_high_end": 80,
            "gotone_or_50": 50,
            "mass_market": 30,
        },
        # SERVICE-6 / NOTICE-1: the birthday SMS goes out the next day from this hour (local
        # time); the final-amount one (D-DESK-12) from this hour on the day the lookback ends.
        "BIRTHDAY_SMS_HOUR": 9,
        # SERVICE-6 (Decision D-DESK-12): usage of the birthday that the feed delivers up to
        # this many days late is still waived (a correction); when these days are over, one
        # more SMS tells the final amount if a correction changed it (0: next-day SMS only).
        "BIRTHDAY_WAIVER_LOOKBACK_DAYS": 7,
        # SERVICE-9 (Decision D-DESK-15): how many days after the birthday an account
        # manager may still add the minutes by hand (valid the day they are added).
        "BIRTHDAY_MINUTES_MAKEUP_DAYS": 7,
        # SERVICE-10 (Decision D-DESK-16): the source ticks delayed suspension 延迟停机 for VIP,
        # snapshot mid-high-end and >= 50-yuan customers but gives no terms: the days a line
        # is kept from arrears suspension (today counted) and how often a month.
        "DELAYED_SUSPENSION_DAYS": 7,
        "DELAYED_SUSPENSION_TIMES_PER_MONTH": 1,
        # NOTICE-1: outbox retries: attempts before giving up, first back-off (doubling each
        # time), and how long a message may stay "sending" before the sweep treats its worker
        # as dead.
        "OUTBOX_MAX_ATTEMPTS": 5,
        "OUTBOX_BACKOFF_SECONDS": 60,
        "OUTBOX_SENDING_LEASE_SECONDS": 300,
        # SERVICE-7 (source): hotline service-level targets (reported, not enforced).
        "HOTLINE_VIP_ANSWER_SECONDS": 20,
        "HOTLINE_VIP_ANSWER_MIN_PERCENT": "90",
        "HOTLINE_TRANSFER_ERROR_MAX_PERCENT": "0.5",
        "HOTLINE_SELF_SERVICE_MIN_PERCENT": "99",
        # SERVICE-7 (source): transfers to an expert agent answered within 20 s in >= 90 %.
        "HOTLINE_EXPERT_ANSWER_SECONDS": 20,
        "HOTLINE_EXPERT_ANSWER_MIN_PERCENT": "90",
    }
)

# Supervisors edit the entitlements (SERVICE-2, with history) and the halls; everything else
# is read-only in the admin (the services do the writing).
declare_permissions(
    {
        SUPERVISOR: (
            "servicedesk.view_entitlement",
            "servicedesk.add_entitlement",
            "servicedesk.change_entitlement",
            "servicedesk.view_hall",
            "servicedesk.add_hall",
            "servicedesk.change_hall",
            "servicedesk.view_servicerequest",
            "servicedesk.view_ticket",
            "servicedesk.view_usagecounter",
            "servicedesk.view_outboxmessage",
            "servicedesk.view_birthdaywaiver",
            "servicedesk.view_birthdayminutes",
            "servicedesk.view_hotlinecall",
            "servicedesk.view_clubevent",
            "servicedesk.view_clubsignup",
        ),
    }
)

# What the counts of each job run mean (the job pages show them in words).
declare_count_labels(
    "run_birthday_waivers",
    {
        "created": _("waivers created"),
        "total": _("birthdays"),
        "zero": _("waivers of nothing"),
        "amount": _("amount waived (yuan)"),
        "sms": _("SMS queued"),
        "usage_present": _("usage of the day received"),
        "corrections": _("corrections"),
        "topped_up": _("topped up (yuan)"),
        "final_sms": _("final-amount SMS queued"),
    },
)
declare_count_labels(
    "outbox_retries",
    {
        "sent": _("sent"),
        "retry": _("to retry"),
        "failed": _("failed"),
        "skipped": _("skipped"),
        "recovered": _("recovered"),
    },
)
declare_count_labels(
    "grant_birthday_minutes",
    {"day": _("day"), "created": _("packages given"), "total": _("packages of the day")},
)
declare_count_labels(
    "export_birthday_minutes",
    {
        "day": _("day"),
        "rows": _("lines written"),
        "manual": _("packages added by hand"),
        "file": _("file"),
    },
)
declare_count_labels(
    "export_no_suspension",
    {
        "day": _("day"),
        "rows": _("lines written"),
        "holiday": _("protected by a holiday"),
        "delayed_suspension": _("protected by a delayed suspension"),
        "file": _("file"),
    },
)
