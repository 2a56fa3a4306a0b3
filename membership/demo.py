"""A believable small province for the demo: customers and 24 months of bills. The groups
and their key persons are seeded by the app of the account managers' world, above this one
(seed_demo calls both)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from core.dates import add_months, month_start
from membership.models import Bill, Brand, Customer, SnapshotList, Status, SuspensionReason
from membership.selectors.snapshots import snapshot_criteria
from membership.services.snapshots import snapshot_list_take

PROVINCE = "江苏"
# City and the first four digits of its national ID area codes.
CITIES = (("南京", "3201"), ("苏州", "3205"), ("常州", "3204"), ("淮安", "3208"), ("泰州", "3212"))
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鹏飞辉建国志强晨曦"
    "宇轩浩然子涵欣怡梓萱思远佳琪雨桐俊杰文博嘉怡"
)
PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "178",
    "182",
    "183",
    "184",
    "187",
    "188",
    "195",
    "198",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Mean monthly bill by brand (yuan), for a log-normal spread.
BILL_MEANS = {Brand.GOTONE: 180.0, Brand.MZONE: 65.0, Brand.EASYOWN: 35.0}


def id_check_digit(first17: str) -> str:
    """GB 11643 check digit of an 18-digit resident ID number."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _month_add(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def seed_province(
    *, customers: int = 3000, today: date, seed: int = 20261125, rng: random.Random | None = None
) -> dict[str, int]:
    """Create the demo province; returns counts. Does nothing if customers exist already.
    ``rng``: the generator to draw from (seed_demo passes one generator to every seeder, so
    the demo is the same on every machine); a new one from ``seed`` if not given."""
    if Customer.objects.exists():
        return {"customers": 0, "bills": 0}
    rng = rng or random.Random(seed)
    msisdns: set[str] = set()
    rows: list[Customer] = []
    for i in range(customers):
        while True:
            msisdn = rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}"
            if msisdn not in msisdns:
                msisdns.add(msisdn)
                break
        city, area = rng.choice(CITIES)
        birth = date(1955, 1, 1) + timedelta(days=rng.randrange(50 * 365))
        if i % 500 == 0:
            birth = date(1988, 2, 29)  # a few leap-day birthdays for SERVICE-6
        joined = today - timedelta(days=rng.randrange(15 * 365))
        brand = rng.choices(list(Brand), weights=(35, 30, 35))[0]
        status = rng.choices(list(Status), weights=(90, 5, 2, 3))[0]
        first17 = f"{area}{rng.randrange(1, 20):02d}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        registered = None
        if brand != Brand.EASYOWN or rng.random() < 0.8:
            registered = min(
                today, max(joined, date(2010, 9, 1)) + timedelta(days=rng.randrange(60))
            )
        rows.append(
            Customer(
                msisdn=msisdn,
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                id_number=first17 + id_check_digit(first17),
                birth_date=birth,
                brand=brand,
                joined_on=joined,
                province=PROVINCE,
                city=city,
                status=status,
                suspension_reason=(
                    rng.choice(list(SuspensionReason)) if status == Status.SUSPENDED else ""
                ),
                real_name_registered_on=registered,
            )
        )
    Customer.objects.bulk_create(rows, batch_size=1000)
    created = list(Customer.objects.order_by("id"))

    first_month = _month_add(today.replace(day=1), -24)
    months = [_month_add(first_month, n) for n in range(24)]
    bills: list[Bill] = []
    for customer in created:
        mean = BILL_MEANS[Brand(customer.brand)] * rng.uniform(0.4, 2.2)
        join_month = customer.joined_on.replace(day=1)
        for month in months:
            if month < join_month or (customer.status == Status.CANCELLED and rng.random() < 0.5):
                continue
            total = Decimal(str(round(rng.lognormvariate(0, 0.35) * mean, 2)))
            bills.append(Bill(customer=customer, month=month, total=total))
    Bill.objects.bulk_create(bills, batch_size=5000)

    return {"customers": len(created), "bills": len(bills)}


def seed_snapshot(*, today: date, months_back: int = 6) -> dict[str, int]:
    """CUST-5 / KPI-1: the snapshot list the demo's KPI is measured against, taken on the
    first day of the month ``months_back`` months ago by the screen's own service (one
    INSERT … SELECT, D-CUST-12). Does nothing when a list exists."""
    if SnapshotList.objects.exists():
        return {"snapshot_members": 0, "snapshot_important": 0}
    taken_on = add_months(month_start(today), -months_back)
    snapshot = snapshot_list_take(
        criteria=snapshot_criteria(taken_on), name="拍照中高端客户", actor=None
    )
    return {
        "snapshot_members": snapshot.members_count or 0,
        "snapshot_important": snapshot.important_count or 0,
    }
