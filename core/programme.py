"""The programme's configurable parameters: every number docs/rules.md marks as a Default.

Each value can be overridden in settings (``GOTONE = {"ANNUAL_THRESHOLDS": {...}}``) without
touching code; nothing else in the code base writes these numbers as literals.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # TIER-3: annual score thresholds (diamond from the source, the rest Defaults).
    "ANNUAL_THRESHOLDS": {
        "diamond": 4000,
        "platinum": 3000,
        "gold": 2000,
        "silver": 1000,
        "guest": 500,
    },
    # TIER-3: tenure score by whole years of tenure on 31 December.
    "TENURE_SCORE": ((10, 300), (3, 200), (1, 100)),
    # TIER-4: the annual rating runs on this day of January.
    "ANNUAL_RATING_DAY": 15,
    # TIER-11 / TIER-3: which level policy rates customers: "gotone_annual" or "rolling_average".
    "RATING_POLICY": "gotone_annual",
    # TIER-11: rolling-average thresholds on the mean bill of the last 6 months (mobile lines).
    "ROLLING_THRESHOLDS": {"diamond": 450, "gold": 300, "silver": 150},
    "ROLLING_MONTHS": 6,
    "ROLLING_VALID_MONTHS": 12,
    "ROLLING_END_DAY": 8,
    # TIER-5: True = the older rule (level from the month after the plan is chosen, ending the
    # month after a change or leaving); False = immediate, as the newer source says.
    "PLAN_LEVEL_NEXT_MONTH": False,
    # CREDIT-3: months in the average spend window; CREDIT-4: months of suspensions counted.
    "CREDIT_SPEND_MONTHS": 6,
    "CREDIT_SUSPENSION_MONTHS": 12,
    "CREDIT_SUSPENSION_PENALTY": 100,
    # CUST-5: an existing customer spending at least this much a month (mean of the last
    # SEGMENT_SPEND_MONTHS bills) is a "≥ 50 yuan" customer.
    "SEGMENT_SPEND_THRESHOLD": 50,
    "SEGMENT_SPEND_MONTHS": 3,
    # plans
    # PLAN-5: the first-month option of a new customer who orders by SMS (no clerk to ask):
    # "out_of_bundle", "full" or "half".
    "PLAN_SMS_FIRST_MONTH_OPTION": "full",
    # PLAN-7 (D-PLANS-6): plan advice averages the last PLAN_ADVICE_MONTHS full months of usage
    # and turns yuan into minutes and kilobytes at the standard rates the source values usage
    # at against a plan fee (本地主叫 0.4 元/分钟, 上网流量 0.01 元/KB).
    "PLAN_ADVICE_MONTHS": 3,
    "PLAN_ADVICE_VOICE_RATE": "0.40",
    "PLAN_ADVICE_DATA_RATE_PER_KB": "0.01",
    # groups (membership: GROUP-3/4, TIER-7)
    # GROUP-3: contacts 联系人 per group ("one or two"; one more with an IT centre).
    "GROUP_CONTACTS_MAX": 2,
    # GROUP-4: "no contact for N days" flags a key person; N by group class.
    "NO_CONTACT_DAYS": {"A": 30, "B": 60, "C": 60, "D": 60},
    # GROUP-4 care calendar lead times (days before the birthday / holiday it shows up).
    "CARE_BIRTHDAY_DAYS_AHEAD": 7,
    "CARE_BIRTHDAY_GIFT_DAYS_BEFORE": 3,  # SERVICE-2: the gift 3 days before the birthday
    "CARE_GREETING_DAYS_AHEAD": 7,
    "CARE_FOLLOW_UP_DAYS_AHEAD": 3,
    # TIER-7: a request pending more than this many working days is overdue.
    "UPGRADE_DECISION_WORKING_DAYS": 3,
    # points
    # POINTS-2: brand reward (gotone only) in percent of the month's consumption points, by the
    # effective level on the month's last day; "other" = any other gotone line.
    "POINTS_BRAND_REWARD_PERCENT": {
        "diamond": 100,
        "platinum": 90,
        "gold": 80,
        "silver": 50,
        "other": 20,
    },
    # POINTS-2: tenure reward (all brands) in percent, by whole months of tenure on the month's
    # last day: (minimum months, percent), highest first.
    "POINTS_TENURE_REWARD_PERCENT": ((60, 30), (24, 20), (12, 10)),
    # POINTS-3: easyown lines accrue from this month when registered before it (source: 2012-01).
    "POINTS_EASYOWN_START": "2012-01-01",
    # POINTS-6: points earned in year Y stay valid until 31 December of Y + this many years.
    "POINTS_VALID_YEARS": 2,
    # POINTS-8: transfer limits (from the operator's published help).
    "POINTS_TRANSFER_MIN_TENURE_MONTHS": 6,
    "POINTS_TRANSFER_MAX_RECIPIENTS": 8,
    "POINTS_TRANSFER_MONTHLY_OUT": 20000,
    "POINTS_TRANSFER_MONTHLY_IN": 20000,
    # POINTS-4: customers per transaction in the set-based accrual and expiry batches.
    "POINTS_BATCH_CUSTOMERS": 20000,
    # servicedesk
    # SERVICE-1: the longest wait from identification (ticket) to service, in minutes, by
    # ticket class; the hall board turns a wait amber from QUEUE_WARN_PERCENT of its limit.
    "QUEUE_WAIT_LIMITS": {"vip": 10, "gotone": 15, "other": 30},
    "QUEUE_WARN_PERCENT": 75,
    # SERVICE-3 (source): hours of the level privilege of gotone levels; the segment privilege
    # (times a month and hours each); Decision D-DESK-3: the credit-star one, hours by stars.
    "REACTIVATION_LEVEL_HOURS": {"diamond": 72, "platinum": 72, "gold": 72, "silver": 48},
    "REACTIVATION_SEGMENT_HOURS": 24,
    "REACTIVATION_SEGMENT_TIMES": {"vip_or_snapshot": 3, "gotone_or_50": 1},
    "REACTIVATION_CREDIT_HOURS": {5: 72, 4: 48, 3: 24},
    # SERVICE-4 (source): late-fee waiver rates in percent; the best applicable one applies.
    "LATE_FEE_WAIVER_PERCENT": {
        "vip": 100,
        "mid_high_end": 80,
        "gotone_or_50": 50,
        "mass_market": 30,
    },
    # SERVICE-6 / NOTICE-1: the birthday SMS goes out the next day from this hour (local time).
    "BIRTHDAY_SMS_HOUR": 9,
    # NOTICE-1: outbox retries: attempts before giving up, first back-off (doubling each time),
    # and how long a message may stay "sending" before the sweep treats its worker as dead.
    "OUTBOX_MAX_ATTEMPTS": 5,
    "OUTBOX_BACKOFF_SECONDS": 60,
    "OUTBOX_SENDING_LEASE_SECONDS": 300,
    # SERVICE-7 (source): hotline service-level targets (reported, not enforced).
    "HOTLINE_VIP_ANSWER_SECONDS": 20,
    "HOTLINE_VIP_ANSWER_MIN_PERCENT": "90",
    "HOTLINE_TRANSFER_ERROR_MAX_PERCENT": "0.5",
    "HOTLINE_SELF_SERVICE_MIN_PERCENT": "99",
    # calendar (core: the programme's job calendar, core/job_calendar.py; Asia/Shanghai, CONV-4)
    # Monthly close after the bills are in: accrual, credit, plan levels, KPI-1 (day of month).
    "MONTHLY_CLOSE_DAY": 5,
    # TIER-4: the annual rating preview runs on ANNUAL_RATING_DAY of January (above).
    # POINTS-6: points expiry on this day of December; the reminder on this day of November.
    "POINTS_EXPIRY_DAY": 31,
    "POINTS_EXPIRY_REMINDER_DAY": 1,
    # CUST-9 / D-IMPORT-6: hours a dry run that passed keeps its file for "Import this file".
    "IMPORT_CHECKED_FILE_HOURS": 24,
    # CONV-5: customers (primary-key values) per chunk of a chunked job.
    "JOB_CHUNK_SIZE": 5000,
    # CONV-5: a running whole job (it reports no progress until it ends), a pending one, or a
    # feed import with no sign of life for this long is marked interrupted (never started);
    # longer than CELERY_TASK_TIME_LIMIT, which ends such a task at the latest (D-CORE-7).
    "JOB_STALE_MINUTES": 60,
    # CONV-5 (D-CORE-7): a running chunked job with no chunk done for this long is stalled: the
    # sweeper sends its missing chunks again and the jobs page offers "resume". Longer than
    # JOB_CHUNK_TIME_LIMIT (settings, 180 s), so no chunk it sends again is still running.
    "JOB_CHUNK_STALE_MINUTES": 4,
    # CONV-5 (D-CORE-7): seconds between two runs of the sweeper (the beat schedule).
    "JOB_SWEEP_SECONDS": 60,
}


def programme(name: str) -> Any:
    """A programme parameter: the settings override if any, else the Default above."""
    overrides: dict[str, Any] = getattr(settings, "GOTONE", {})
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
