"""A synthetic province for benchmarks: customers, 13 months of bills and a day's usage, as the
CSV files of the import contract (CUST-1/2/9), so that a benchmark loads them through the
real import path.

The distributions are plausible, not measured (docs/performance.md says which): a brand mix
of about a quarter gotone, tenure with a long tail back to 1996, a log-normal monthly spend
by brand, a few per cent of suspended, pre-cancelled and cancelled lines, birthdays spread
over the year. Deterministic for a given seed, and streamed: memory does not grow with N.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from core.dates import add_months, month_end
from membership.services.imports.feeds import BILLS, CUSTOMERS, USAGE

# (value, weight) tables: the generator's choices, not programme rules.
BRANDS = (("gotone", 25), ("mzone", 30), ("easyown", 45))
STATUSES = (("active", 93), ("suspended", 3), ("pre_cancel", 2), ("cancelled", 2))
# Median monthly bill in yuan by brand; each customer's own level is log-normal around it.
MEDIAN_SPEND = {"gotone": 168.0, "mzone": 58.0, "easyown": 32.0}
SPEND_SIGMA = 0.75  # spread between customers (log-normal sigma)
MONTH_SIGMA = 0.2  # spread of one customer's bills month to month
REGISTERED_PERCENT = 96  # lines with a real-name registration date
MEAN_TENURE_MONTHS = 90  # exponential tenure, capped at the network's first day
NETWORK_START = date(1996, 1, 1)
REAL_NAME_START = date(2013, 9, 1)  # real-name registration of new lines became the rule
PREFIXES = ("139", "138", "137", "136", "135", "134", "150", "151", "152", "157", "158",
            "159", "182", "183", "184", "187", "188", "198")  # fmt: skip
PROVINCE = "广东"
CITIES = (("广州", 22), ("深圳", 20), ("东莞", 10), ("佛山", 9), ("惠州", 5), ("中山", 4),
          ("江门", 4), ("汕头", 5), ("湛江", 5), ("茂名", 5), ("肇庆", 4), ("梅州", 4),
          ("清远", 3))  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌浩宇欣怡子涵晨"
AREA_CODES = ("440103", "440104", "440305", "440306", "441900", "440604", "441302", "442000")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USAGE_MEAN = {"domestic_voice": 2.4, "domestic_data": 3.1, "domestic_sms": 0.3, "hmt": 6.0}


@dataclass(frozen=True)
class ProvinceFiles:
    customers: Path
    bills: Path
    usage: Path
    customer_rows: int
    bill_rows: int
    usage_rows: int


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> Iterator[str]:
    """An endless stream of the values of ``table`` drawn by weight."""
    values = [value for value, _weight in table]
    weights = [weight for _value, weight in table]
    while True:
        yield from rng.choices(values, weights, k=4096)


def msisdn_of(index: int) -> str:
    """The ``index``-th number: unique for every index below 18 × 10⁸ (CUST-1 shape)."""
    return f"{PREFIXES[index % len(PREFIXES)]}{index // len(PREFIXES):08d}"


def id_number_of(index: int, birth: date) -> str:
    """An 18-character resident ID number with its ISO 7064 check character."""
    body = f"{AREA_CODES[index % len(AREA_CODES)]}{birth:%Y%m%d}{index % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def _birthday_in(year: int, birth: date) -> date:
    """The birthday in ``year`` (29 February kept on 28 February in other years)."""
    try:
        return birth.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def generate_province(
    directory: Path,
    *,
    customers: int,
    last_month: date,
    months: int = 13,
    usage_day: date | None = None,
    seed: int = 2026,
) -> ProvinceFiles:
    """Write ``customers.csv``, ``bills.csv`` (``months`` months ending with ``last_month``)
    and ``usage.csv`` (the day ``usage_day``, default the last day of ``last_month``, for the
    customers whose birthday it is) into ``directory``."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    first_month = add_months(last_month, -(months - 1))
    last_day = month_end(last_month)
    usage_day = usage_day or last_day
    bill_months = [add_months(first_month, k) for k in range(months)]
    brands = _weighted(rng, BRANDS)
    statuses = _weighted(rng, STATUSES)
    cities = _weighted(rng, CITIES)
    paths = ProvinceFiles(
        directory / "customers.csv", directory / "bills.csv", directory / "usage.csv", 0, 0, 0
    )
    bill_rows = usage_rows = 0
    with (
        paths.customers.open("w", encoding="utf-8", newline="") as cf,
        paths.bills.open("w", encoding="utf-8", newline="") as bf,
        paths.usage.open("w", encoding="utf-8", newline="") as uf,
    ):
        cf.write(",".join(CUSTOMERS.columns) + "\n")
        bf.write(",".join(BILLS.columns) + "\n")
        uf.write(",".join(USAGE.columns) + "\n")
        month_labels = [f"{m:%Y-%m}" for m in bill_months]
        customer_lines: list[str] = []
        bill_lines: list[str] = []
        for index in range(customers):
            msisdn = msisdn_of(index)
            brand = next(brands)
            birth = last_day - timedelta(days=rng.randrange(18 * 365, 80 * 365))
            tenure = min(int(rng.expovariate(1 / MEAN_TENURE_MONTHS)), 12 * 60)
            joined = add_months(last_month, -tenure) + timedelta(days=rng.randrange(28))
            earliest = max(NETWORK_START, _birthday_in(birth.year + 16, birth))
            joined = min(max(joined, earliest), last_day)
            registered = ""
            if rng.randrange(100) < REGISTERED_PERCENT:
                on = max(joined, REAL_NAME_START) + timedelta(days=rng.randrange(30))
                registered = min(on, last_day).isoformat()
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            customer_lines.append(
                f"{msisdn},{name},{id_number_of(index, birth)},{birth.isoformat()},{brand},"
                f"{joined.isoformat()},{PROVINCE},{next(cities)},{next(statuses)},{registered}\n"
            )
            level = MEDIAN_SPEND[brand] * math.exp(rng.gauss(0.0, SPEND_SIGMA))
            joined_month = joined.replace(day=1)
            for month, label in zip(bill_months, month_labels, strict=True):
                if month < joined_month:
                    continue
                total = level * math.exp(rng.gauss(0.0, MONTH_SIGMA))
                bill_lines.append(f"{msisdn},{label},{total:.2f}\n")
            if _birthday_in(usage_day.year, birth) == usage_day and joined <= usage_day:
                for category, mean in USAGE_MEAN.items():
                    if rng.random() < 0.8:
                        amount = rng.expovariate(1 / mean)
                        uf.write(f"{msisdn},{usage_day.isoformat()},{category},{amount:.2f}\n")
                        usage_rows += 1
            if len(bill_lines) >= 65536:
                cf.writelines(customer_lines)
                bf.writelines(bill_lines)
                bill_rows += len(bill_lines)
                customer_lines, bill_lines = [], []
        cf.writelines(customer_lines)
        bf.writelines(bill_lines)
        bill_rows += len(bill_lines)
    return ProvinceFiles(
        paths.customers, paths.bills, paths.usage, customers, bill_rows, usage_rows
    )
