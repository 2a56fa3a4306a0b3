"""PLAN-1..4: the tariff catalogue as the source lists it (seeds/000_87244432c8c051d5.txt,
"全球通现行资费套餐", "全球通资费" and "新全球通套餐资费业务规则"), plus the decisions recorded in
docs/decisions.md (D-PLANS-1, D-PLANS-2, D-PLANS-3). Supervisors edit it in the admin."""

from decimal import Decimal

from django.db import migrations

FAMILIES = (
    # code, name, Chinese name, position
    ("internet", "Internet", "上网套餐", 1),
    ("business_travel", "Business travel", "商旅套餐", 2),
    ("local", "Local", "本地套餐", 3),
)

SERVICES = (
    ("caller_id", "Caller ID", "来电显示"),
    ("mailbox_139", "139 mailbox, 5-yuan edition", "139邮箱5元版"),
)

# PLAN-1/2: family, code, fee, minutes, data MB, voice overage (yuan/min), SMS code, level,
# offered, note.
PLANS = (
    ("internet", "net-88", "88", 200, 300, "0.19", "", "", True, ""),
    ("internet", "net-128", "128", 420, 400, "0.19", "", "", True, ""),
    ("business_travel", "bt-58", "58", 150, 30, "0.25", "KTQSL58", "", True, ""),
    ("business_travel", "bt-88", "88", 350, 0, "0.19", "KTQSL88", "", True, ""),
    ("business_travel", "bt-128", "128", 650, 0, "0.19", "KTQSL128", "", True, ""),
    ("business_travel", "bt-158", "158", 900, 0, "0.19", "KTQSL158", "", True, ""),
    ("business_travel", "bt-188", "188", 1200, 0, "0.19", "KTQSL188", "", True, ""),
    ("business_travel", "bt-288", "288", 1900, 0, "0.19", "KTQSL288", "silver", True, ""),
    ("business_travel", "bt-388", "388", 2600, 0, "0.19", "KTQSL388", "gold", True, ""),
    (
        "business_travel",
        "bt-488",
        "488",
        2450,
        0,
        "0.19",
        "",
        "gold",
        False,
        "D-PLANS-2: in an older table of the source only, with no SMS code; not offered.",
    ),
    ("business_travel", "bt-588", "588", 4000, 0, "0.19", "KTQSL588", "gold", True, ""),
    (
        "business_travel",
        "bt-888",
        "888",
        6000,
        0,
        "0.19",
        "KTQSL888",
        "gold",
        True,
        "D-PLANS-1: minutes and level not given by the source; set by us.",
    ),
)

# PLAN-4: city, family, state, note. Cities not listed here: open.
AVAILABILITY = (
    ("苏州", "internet", "on_request", "不主动推荐，客户要求可办理"),
    ("苏州", "business_travel", "on_request", "不主动推荐，客户要求可办理"),
    ("苏州", "local", "closed", "本地套餐仍在测试中"),
    ("常州", "internet", "open", ""),
    ("常州", "business_travel", "open", ""),
    ("常州", "local", "closed", "本地套餐不开放"),
    ("泰州", "internet", "on_request", "不主动推荐，客户主动要求可办理"),
    ("泰州", "business_travel", "on_request", "不主动推荐，客户主动要求可办理"),
    ("泰州", "local", "on_request", "不主动推荐，客户主动要求可办理"),
    ("盐城", "internet", "on_request", "不主动推荐，客户主动要求可办理"),
    ("盐城", "business_travel", "on_request", "不主动推荐，客户主动要求可办理"),
    ("盐城", "local", "on_request", "不主动推荐，客户主动要求可办理"),
    ("淮安", "internet", "new_only", "针对新入网客户开放；老客户要求办理引导至各县区沟通100店"),
    ("淮安", "business_travel", "new_only", "针对新入网客户开放；老客户要求办理引导至各县区沟通100店"),
    ("淮安", "local", "new_only", "针对新入网客户开放；老客户要求办理引导至各县区沟通100店"),
)

# PLAN-4 (D-PLANS-3): 淮安's existing customers are sent to the 沟通100 store of each
# district and county.
STORES = (
    ("淮安", "淮安沟通100店（清江浦区）"),
    ("淮安", "淮安沟通100店（淮安区）"),
    ("淮安", "淮安沟通100店（淮阴区）"),
    ("淮安", "淮安沟通100店（洪泽区）"),
    ("淮安", "淮安沟通100店（涟水县）"),
    ("淮安", "淮安沟通100店（盱眙县）"),
    ("淮安", "淮安沟通100店（金湖县）"),
)

FAMILY_ZH = {"internet": "上网", "business_travel": "商旅", "local": "本地"}
FAMILY_EN = {"internet": "Internet", "business_travel": "Business travel", "local": "Local"}


def load(apps, schema_editor):
    PlanFamily = apps.get_model("plans", "PlanFamily")
    BundledService = apps.get_model("plans", "BundledService")
    Plan = apps.get_model("plans", "Plan")
    FamilyAvailability = apps.get_model("plans", "FamilyAvailability")
    DesignatedStore = apps.get_model("plans", "DesignatedStore")

    families = {}
    for code, name, name_zh, position in FAMILIES:
        families[code], _ = PlanFamily.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "category_code": "1031",
                "priority": 63,
                "position": position,
            },
        )
    services = []
    for code, name, name_zh in SERVICES:
        service, _ = BundledService.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh}
        )
        services.append(service)
    for family, code, fee, minutes, data_mb, rate, order_code, level, active, note in PLANS:
        plan, created = Plan.objects.get_or_create(
            code=code,
            defaults={
                "family": families[family],
                "name": f"GoTone {FAMILY_EN[family].lower()} {fee}",
                "name_zh": f"全球通{FAMILY_ZH[family]}{fee}套餐",
                "monthly_fee": Decimal(fee),
                "included_minutes": minutes,
                "included_data_mb": data_mb,
                "voice_overage_rate": Decimal(rate),
                "data_overage_rate_per_kb": Decimal("0.001"),
                "video_call_rate": Decimal("0.6"),
                "order_code": order_code,
                "carried_level": level,
                "active": active,
                "note": note,
            },
        )
        if created:
            plan.bundled_services.set(services)
    for city, family, state, note in AVAILABILITY:
        FamilyAvailability.objects.get_or_create(
            city=city, family=families[family], defaults={"state": state, "note": note}
        )
    for city, name in STORES:
        DesignatedStore.objects.get_or_create(name=name, defaults={"city": city})


def unload(apps, schema_editor):
    apps.get_model("plans", "DesignatedStore").objects.filter(
        name__in=[name for _city, name in STORES]
    ).delete()
    apps.get_model("plans", "FamilyAvailability").objects.all().delete()
    apps.get_model("plans", "Plan").objects.filter(code__in=[p[1] for p in PLANS]).delete()
    apps.get_model("plans", "BundledService").objects.filter(
        code__in=[s[0] for s in SERVICES]
    ).delete()
    apps.get_model("plans", "PlanFamily").objects.filter(code__in=[f[0] for f in FAMILIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
