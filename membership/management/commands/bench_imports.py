"""``bench_imports [--rows N]``: how fast import_bills runs on this database.

Writes N bill rows (default 200,000) for the existing customers (run ``seed_demo`` first)
to a temporary CSV, then times the bills import: a dry run, a first import, the same file
again (nothing changes) and a file with every total changed (every row rewritten), and, for
comparison, the ORM's row-by-row ``update_or_create`` on a small sample. Everything runs
in one transaction that is rolled back at the end, so the database is left as it was
(``--keep`` commits instead). Not part of the test suite.
"""

from __future__ import annotations

import csv
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from core import clock
from core.dates import add_months
from membership.models import Bill, Customer
from membership.services.imports import bills_import

MAX_MONTHS = 600  # 50 years of bills per customer at most


class _Discard(Exception):
    pass


class Command(BaseCommand):
    help = "Time import_bills on N generated rows for existing customers (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=200_000)
        parser.add_argument(
            "--baseline",
            type=int,
            default=2_000,
            help="Rows for the ORM update_or_create baseline (0 to skip).",
        )
        parser.add_argument("--keep", action="store_true", help="Commit instead of rolling back.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows: int = options["rows"]
        msisdns = list(Customer.objects.order_by("id").values_list("msisdn", flat=True))
        if not msisdns:
            raise CommandError("No customers: run seed_demo first.")
        months = -(-rows // len(msisdns))
        if months > MAX_MONTHS:
            raise CommandError(
                f"{rows} rows need {months} months per customer for {len(msisdns)} customers; "
                f"use at most {MAX_MONTHS * len(msisdns)} rows."
            )
        last = add_months(clock.today().replace(day=1), -1)
        with tempfile.TemporaryDirectory() as directory:
            first = Path(directory) / "bills.csv"
            changed = Path(directory) / "bills_changed.csv"
            self._write(first, msisdns, rows, last, extra=Decimal("0"))
            self._write(changed, msisdns, rows, last, extra=Decimal("1.00"))
            self.stdout.write(
                f"{connection.vendor}: {rows} rows, {len(msisdns)} customers, {months} months"
            )
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        # foreign keys are checked at commit; check them inside each timed
                        # import instead, as the rolled-back run would otherwise skip them
                        with connection.cursor() as cursor:
                            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    self._time(
                        "dry run", rows, lambda: bills_import(path_or_file=first, dry_run=True)
                    )
                    self._time("first import", rows, lambda: bills_import(path_or_file=first))
                    self._time("same file again", rows, lambda: bills_import(path_or_file=first))
                    self._time(
                        "every total changed", rows, lambda: bills_import(path_or_file=changed)
                    )
                    if options["baseline"]:
                        self._baseline(msisdns, options["baseline"], last)
                    if not options["keep"]:
                        raise _Discard
            except _Discard:
                self.stdout.write("rolled back: the database is unchanged")

    def _write(
        self, path: Path, msisdns: list[str], rows: int, last: date, *, extra: Decimal
    ) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["msisdn", "month", "total"])
            for i in range(rows):
                month = add_months(last, -(i // len(msisdns)))
                total = Decimal(i % 50_000) / 100 + extra
                writer.writerow([msisdns[i % len(msisdns)], f"{month:%Y-%m}", f"{total:.2f}"])

    def _time(self, label: str, rows: int, run: Any) -> None:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        if not result.ok:
            raise CommandError(f"{label}: {result.error_count} bad rows, first {result.errors[0]}")
        self.stdout.write(
            f"{label:>20}: {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s  ({result.summary})"
        )

    def _baseline(self, msisdns: list[str], rows: int, last: date) -> None:
        """The ORM loop the set-based import replaces: one query pair per row."""
        ids = dict(Customer.objects.filter(msisdn__in=msisdns).values_list("msisdn", "id"))
        started = time.perf_counter()
        for i in range(rows):
            Bill.objects.update_or_create(
                customer_id=ids[msisdns[i % len(msisdns)]],
                month=add_months(last, -(i // len(msisdns))),
                defaults={"total": Decimal("3.00")},
            )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{'ORM update_or_create':>20}: {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s  "
            f"({rows} rows)"
        )
