"""``generate_province DIR [--customers N]``: the CSV files of a synthetic province.

Writes ``customers.csv``, ``bills.csv`` (13 months ending with the last finished month) and
``usage.csv`` (one day, the birthday customers' usage) in the import contract's format, for
the province benchmark (``make bench-province``) to load through the real import commands.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import clock
from core.dates import add_months, parse_month
from membership.province import generate_province


class Command(BaseCommand):
    help = "Write a synthetic province (customers, 13 months of bills, a day's usage) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--months", type=int, default=13)
        parser.add_argument(
            "--last-month", help="YYYY-MM, the last billed month (default: last month)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1 or options["months"] < 1:
            raise CommandError("--customers and --months must be at least 1.")
        this_month = clock.today().replace(day=1)
        try:
            last = parse_month(options["last_month"]) if options["last_month"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        last = last or add_months(this_month, -1)
        if last >= this_month:
            raise CommandError("--last-month must be a finished month.")
        started = time.perf_counter()
        files = generate_province(
            options["directory"],
            customers=options["customers"],
            last_month=last,
            months=options["months"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"generate_province: {files.customer_rows} customers, {files.bill_rows} bills "
            f"({options['months']} months to {last:%Y-%m}), {files.usage_rows} usage rows "
            f"in {options['directory']} ({time.perf_counter() - started:.1f} s)"
        )
