"""What plans declares about itself: its URLs, navigation, tile and programme settings
(core/manifests.py)."""

from django.utils.translation import gettext_lazy as _

from core.access import ANY_STAFF, COUNTER
from core.manifests import (
    declare_access,
    declare_count_labels,
    declare_navigation,
    declare_permissions,
    declare_settings,
    declare_tile,
)
from core.roles import CLERK, MANAGER, SUPERVISOR

declare_access(
    {
        "plans:catalogue": ANY_STAFF,
        "plans:customer_plans": ANY_STAFF,
        "plans:advice": ANY_STAFF,
        "plans:order": COUNTER,
        "plans:order_cancel": COUNTER,
        "api:plan-list": ANY_STAFF,
        "api:plan-detail": ANY_STAFF,
        # list for everybody; creating needs a counter role (customer_for_user write check)
        "api:plan-order-list": ANY_STAFF,
        "api:plan-order-detail": ANY_STAFF,
        "api:plan-order-cancel": COUNTER,
        "api:plan-advice": ANY_STAFF,
    }
)

declare_navigation("plans:catalogue", _("Plans"), order=30)
declare_tile(
    "plans:catalogue",
    _("Tariff plans"),
    _("The catalogue and where each family is offered."),
    order=80,
)

declare_settings(
    {
        # TIER-5: True = the older rule (level from the month after the plan is chosen, ending
        # the month after a change or leaving); False = immediate, as the newer source says.
        "PLAN_LEVEL_NEXT_MONTH": False,
        # PLAN-5: the first-month option of a new customer who orders by SMS (no clerk to
        # ask): "out_of_bundle", "full" or "half".
        "PLAN_SMS_FIRST_MONTH_OPTION": "full",
        # PLAN-7 (D-PLANS-6): plan advice averages the last PLAN_ADVICE_MONTHS full months of
        # usage and turns yuan into minutes and kilobytes at the standard rates the source
        # values usage at against a plan fee (本地主叫 0.4 元/分钟, 上网流量 0.01 元/KB).
        "PLAN_ADVICE_MONTHS": 3,
        "PLAN_ADVICE_VOICE_RATE": "0.40",
        "PLAN_ADVICE_DATA_RATE_PER_KB": "0.01",
    }
)

declare_permissions(
    {
        CLERK: ("plans.view_plan", "plans.view_subscription"),
        MANAGER: ("plans.view_plan", "plans.view_subscription"),
        # Supervisors edit the catalogue (PLAN-1..4) and see subscriptions.
        SUPERVISOR: (
            "plans.view_planfamily",
            "plans.change_planfamily",
            "plans.view_plan",
            "plans.add_plan",
            "plans.change_plan",
            "plans.view_bundledservice",
            "plans.add_bundledservice",
            "plans.change_bundledservice",
            "plans.view_familyavailability",
            "plans.add_familyavailability",
            "plans.change_familyavailability",
            "plans.view_designatedstore",
            "plans.add_designatedstore",
            "plans.change_designatedstore",
            "plans.view_subscription",
        ),
    }
)

# What the counts of each job run mean (the job pages show them in words).
declare_count_labels(
    "plans_apply_changes",
    {
        "effective": _("plan changes taking effect"),
        "ended": _("subscriptions ended"),
        "grants_created": _("level grants written"),
        "grants_ended": _("level grants ended"),
    },
)
