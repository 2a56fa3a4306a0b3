"""Demo points: accrue every month of the demo bills, a small catalogue, a few redemptions.

The accrual of each month is the calendar's ``accrue_points`` job run through the job
runner (core/jobs.py), as the command would run it: each month is a JobRun on /jobs/
(decision D-OPS-3).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from core.errors import DomainError
from core.jobs import run_job
from membership.models import Bill, Customer, Status
from points.models import Lot, Redemption, RewardItem
from points.services import redemption_create, redemption_fulfil

CATALOGUE: tuple[tuple[str, str, int, int, str], ...] = (
    ("30元话费", RewardItem.Category.OWN_SERVICE, 3000, 500, "30 yuan of call credit"),
    ("1GB国内流量包", RewardItem.Category.OWN_SERVICE, 1500, 1000, "1 GB domestic data, 30 days"),
    ("100分钟国内通话", RewardItem.Category.OWN_SERVICE, 2000, 800, "100 domestic minutes"),
    ("保温杯", RewardItem.Category.PHYSICAL, 4500, 60, "Stainless vacuum flask"),
    ("蓝牙耳机", RewardItem.Category.PHYSICAL, 16000, 20, "Bluetooth earphones"),
    ("移动电源", RewardItem.Category.PHYSICAL, 9000, 0, "Power bank (out of stock)"),
    ("电影票两张", RewardItem.Category.PARTNER, 6000, 100, "Two cinema tickets"),
    ("咖啡券", RewardItem.Category.PARTNER, 1200, 300, "A coffee voucher"),
)


def seed(*, today: date, redemptions: int = 12) -> dict[str, int]:
    """Accrue the demo bills month by month (the ``accrue_points`` job of each month, run
    inline), create the catalogue and a few redemptions. Safe to run again: a month whose
    run succeeded is not run again, the catalogue is keyed by name, and redemptions are
    made only when there are none. ``entries``: the entries this call wrote."""
    months = sorted(
        set(Bill.objects.filter(month__lt=today.replace(day=1)).values_list("month", flat=True))
    )
    entries = 0
    for month in months:
        outcome = run_job("accrue_points", month.strftime("%Y-%m"), inline=True)
        if not outcome.ok:
            raise DomainError(outcome.message, code="demo_accrual_failed")
        if outcome.action == "ran":
            entries += int(outcome.run.counts.get("entries", 0))
    items = 0
    for name, category, price, stock, description in CATALOGUE:
        _item, created = RewardItem.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "points_price": price,
                "stock": stock,
                "description": description,
            },
        )
        items += int(created)
    made = 0
    if not Redemption.objects.exists():
        made = _redeem_some(count=redemptions, today=today)
    return {"months": len(months), "entries": entries, "rewards": items, "redemptions": made}


def _redeem_some(*, count: int, today: date) -> int:
    """A few redemptions by active customers with the most points; every other one fulfilled."""
    richest: list[int] = list(
        Lot.objects.filter(customer__status=Status.ACTIVE)
        .values("customer")
        .annotate(points=Sum("balance"))
        .order_by("-points", "customer")
        .values_list("customer", flat=True)[:count]
    )
    items = list(RewardItem.objects.filter(active=True, stock__gt=0).order_by("points_price"))
    made = 0
    for n, customer in enumerate(Customer.objects.filter(pk__in=richest).order_by("pk")):
        item = items[n % len(items)]
        try:
            redemption = redemption_create(customer=customer, item=item, today=today)
        except DomainError:
            continue
        if n % 2 == 0:
            redemption_fulfil(redemption=redemption)
        made += 1
    return made
