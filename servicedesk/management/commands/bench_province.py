"""``bench_province [--customers N]``: the monthly close, the annual rating, the feeds and the
counter lookup at province size, each batch step against its bare-SQL floor
(servicedesk/province_bench.py).

``--fresh-database`` drops and creates the database of DATABASE_URL and migrates it; the
province's CSV files are generated once into ``--data``. PostgreSQL gets the whole run;
SQLite (the embedded default) the batch steps and the in-process lookup, without floors,
load or workers. ``make bench-province`` does all of it on a scratch PostgreSQL database.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from core import clock
from membership.models import Customer
from servicedesk import province_bench as bench


class Command(BaseCommand):
    help = "Time the province's batch steps and lookups against their floors (scratch database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument(
            "--data",
            type=Path,
            help="Where the province's CSV files are (written by generate_province if absent; "
            "default test-artifacts/province-N).",
        )
        parser.add_argument(
            "--fresh-database",
            action="store_true",
            help="Drop and create the database of DATABASE_URL first, then migrate it.",
        )
        parser.add_argument("--report", type=Path, help="A Markdown file to write the section to.")
        parser.add_argument("--json", type=Path, help="A JSON file for the figures.")
        parser.add_argument("--load-seconds", type=float, default=10.0)
        parser.add_argument("--skip-lookups", action="store_true")
        parser.add_argument("--skip-workers", action="store_true")
        parser.add_argument(
            "--lookups-only",
            action="store_true",
            help="Only the counter lookup, on the database a previous run left.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor not in {"postgresql", "sqlite"}:
            raise CommandError("The province benchmark runs on PostgreSQL or SQLite.")
        say = self.stdout.write
        periods = bench.Periods.for_today(clock.today())
        data: Path = options["data"] or Path("test-artifacts") / f"province-{options['customers']}"
        bench.ensure_files(data, options["customers"], periods, say)
        if options["fresh_database"] and not options["lookups_only"]:
            bench.recreate_database(say)
        if Customer.objects.exists() and not options["lookups_only"]:
            raise CommandError("The database already holds customers: use an empty one.")
        customers = sum(1 for _ in (data / "customers.csv").open("rb")) - 1
        bills = sum(1 for _ in (data / "bills.csv").open("rb")) - 1
        report = bench.Report(
            customers=customers,
            bills=bills,
            vendor=connection.vendor,
            machine=bench.machine_description(),
        )
        say(f"bench_province: {customers:,} customers, {bills:,} bills, periods {periods}")
        if options["lookups_only"]:
            bench.run_lookups(periods, report, say, seconds=options["load_seconds"])
            say(bench.report_markdown(report))
            return
        bench.run_batch(data, periods, report, say)
        if not options["skip_lookups"]:
            bench.run_lookups(periods, report, say, seconds=options["load_seconds"])
        if not options["skip_workers"] and connection.vendor == "postgresql":
            bench.run_workers(periods, report, say)
        bench.flush_bench_redis()
        section = bench.report_markdown(report)
        say(section)
        if options["report"]:
            bench.write_section(options["report"], customers, section, connection.vendor)
        if options["json"]:
            options["json"].write_text(json.dumps(asdict(report), indent=2, default=str))
