"""SERVICE-2: the entitlements table as the source gives it (platinum and the roaming-pack
days are Defaults). Supervisors edit it in the admin afterwards; this only seeds it."""

from django.db import migrations

IN, NAT = "in_province", "national"
LEVELS = ("diamond", "platinum", "gold", "silver", "guest")

ROWS = [
    # airport lounge 机场贵宾厅, per year (platinum: Default 9)
    *(
        ("airport_lounge", level, scope, quota, "year", True, None, None, "")
        for level, quota, scope in (
            ("diamond", 12, NAT),
            ("platinum", 9, NAT),
            ("gold", 6, NAT),
            ("silver", 2, IN),
            ("guest", 1, IN),
        )
    ),
    # railway lounge 火车站贵宾厅, per year in the province (platinum: Default 10) …
    *(
        ("railway_lounge", level, IN, quota, "year", True, None, None, "")
        for level, quota in (("diamond", 12), ("platinum", 10), ("gold", 8), ("silver", 4), ("guest", 2))
    ),
    # … and out of the province: entry without a free visit
    *(
        (
            "railway_lounge",
            level,
            NAT,
            None,
            "unlimited",
            False,
            None,
            None,
            "Out of the province: entry without a free visit.",
        )
        for level in ("diamond", "platinum", "gold", "silver")
    ),
    # free SIM replacement 免费换卡: unlimited for silver and above
    *(
        ("sim_replacement", level, NAT, None, "unlimited", True, None, None, "")
        for level in ("diamond", "platinum", "gold", "silver")
    ),
    # international roaming pack 国漫礼包: once a year, 90 days from the claim, days Default
    *(
        ("roaming_pack", level, NAT, 1, "year", True, days, 90, "")
        for level, days in (("diamond", 10), ("platinum", 7), ("gold", 5), ("silver", 3), ("guest", 1))
    ),
    # birthday: 50 minutes of domestic calls on the day; a gift 3 days before
    *(
        (
            "birthday",
            level,
            NAT,
            None,
            "unlimited",
            True,
            50,
            None,
            "50 minutes of domestic calls on the birthday; a gift from the account manager "
            "3 days before.",
        )
        for level in LEVELS
    ),
    # complaint fast track 投诉快速处理 and anti-harassment 高频防骚扰 for gotone
    ("complaint_fast_track", "gotone", NAT, None, "unlimited", True, None, None, ""),
    ("anti_harassment", "gotone", NAT, None, "unlimited", True, None, None, ""),
]


def seed(apps, schema_editor):
    Entitlement = apps.get_model("servicedesk", "Entitlement")
    for benefit, audience, scope, quota, period, free, allowance, valid_days, note in ROWS:
        Entitlement.objects.get_or_create(
            benefit=benefit,
            audience=audience,
            scope=scope,
            defaults={
                "quota": quota,
                "period": period,
                "free": free,
                "allowance": allowance,
                "valid_days": valid_days,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("servicedesk", "Entitlement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
