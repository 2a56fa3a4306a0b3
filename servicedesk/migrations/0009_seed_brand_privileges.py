"""SERVICE-12: the brand privileges' rows of the entitlements table, as the source gives
them; the numbers it does not give are Defaults (D-DESK-18) that supervisors edit in the
table afterwards. This only seeds it; rows already there are left as they are."""

from django.db import migrations

NAT = "national"
# 品牌权益 (the 全球通 privileges): diamond, platinum, gold and silver cards.
BRAND_LEVELS = ("diamond", "platinum", "gold", "silver")
# The 2014 five-star standard (VIP 钻卡/金卡/银卡/贵宾卡); platinum is a VIP level today.
FIVE_STAR_LEVELS = ("diamond", "platinum", "gold", "silver", "guest")

# benefit, levels, quota, period, allowance, note
BENEFITS = [
    # hotel discount 酒店折扣: unlimited, 15 % off (both Default)
    (
        "hotel_discount",
        BRAND_LEVELS,
        None,
        "unlimited",
        15,
        "Percent off at partner hotels (Default).",
    ),
    # member day 星动日: once a month (Default)
    ("member_day", BRAND_LEVELS, 1, "month", None, "The member-day offer, once a month (Default)."),
    # 《环球企业家》 magazine: one subscription a year, semi-monthly (24 issues), by the publisher
    (
        "magazine",
        FIVE_STAR_LEVELS,
        1,
        "year",
        24,
        "Free subscription, semi-monthly, sent by the publisher.",
    ),
    # New Year card 新年贺卡: once a year, mailed by the branch
    ("new_year_card", FIVE_STAR_LEVELS, 1, "year", None, "Mailed by the branch."),
    # club events 俱乐部活动: sign-up per event, no yearly limit (Default)
    (
        "club_event",
        FIVE_STAR_LEVELS,
        None,
        "unlimited",
        None,
        "Sign up per event; seats per event (Default: no yearly limit).",
    ),
    # free invoice mailing 免费邮寄发票: on request to the account manager (Default unlimited)
    (
        "invoice_mailing",
        FIVE_STAR_LEVELS,
        None,
        "unlimited",
        None,
        "On request to the account manager.",
    ),
]


def seed(apps, schema_editor):
    Entitlement = apps.get_model("servicedesk", "Entitlement")
    for benefit, levels, quota, period, allowance, note in BENEFITS:
        for level in levels:
            Entitlement.objects.get_or_create(
                benefit=benefit,
                audience=level,
                scope=NAT,
                defaults={
                    "quota": quota,
                    "period": period,
                    "free": True,
                    "allowance": allowance,
                    "valid_days": None,
                    "note": note,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("servicedesk", "Entitlement").objects.filter(
        benefit__in=[row[0] for row in BENEFITS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0008_brand_privileges_club_events")]

    operations = [migrations.RunPython(seed, unseed)]
