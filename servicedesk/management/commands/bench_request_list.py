"""bench_request_list [--customers N] [--per-line R] [--runs K]: the service-request list
screen at a province's size, each sort and filter (D-HOUSE-10).

On a scratch PostgreSQL database (its name must contain "bench"): the N synthetic lines of
``bench_daily_jobs`` and R requests per line written with ``generate_series`` (one in 97
open, one in 31 refused, the rest done; four kinds in turn; one every 20 seconds from
2024), then the list page is fetched through the test client K times for each case. It
prints the page's median time, the time of its heaviest query and the first scan of that
query's plan (``EXPLAIN ANALYZE``): an index in the sort's order, or an index that narrows
the filter, never a sort of every row.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.management.commands.bench_daily_jobs import Command as DailyJobs

CASES: list[tuple[str, dict[str, str]]] = [
    ("default (registered, newest first)", {}),
    ("number", {"sort": "number"}),
    ("registered, oldest first", {"sort": "registered"}),
    ("open, newest first", {"status": "open"}),
    ("open, by number", {"status": "open", "sort": "number"}),
    ("complaints, oldest first", {"kind": "complaint", "sort": "registered"}),
    ("one phone number", {"msisdn": "13900012345"}),
    ("registered from a day", {"registered_from": "2024-06-01"}),
    ("page 200", {"page": "200"}),
]


class Command(BaseCommand):
    help = "Time the service-request list's sorts and filters on a province's requests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument("--per-line", type=int, default=3)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args: Any, customers: int, per_line: int, runs: int, **opts: Any) -> None:
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "bench" not in name:
            raise CommandError("Run it on a scratch PostgreSQL database whose name has 'bench'.")
        DailyJobs()._seed(customers)
        self._seed(customers, customers * per_line)
        user, _created = get_user_model().objects.get_or_create(
            username="bench_supervisor", defaults={"is_superuser": True}
        )
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        url = reverse("servicedesk:request_list")
        self.stdout.write("| case | page (median) | heaviest query | its first scan |")
        self.stdout.write("|---|---|---|---|")
        for label, query in CASES:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                if client.get(url, query).status_code != 200:
                    raise CommandError(f"{label}: the page did not answer 200")
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url, query)
            heaviest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + heaviest["sql"])
                plan = [row[0].strip() for row in cursor.fetchall()]
            scan = next((s for s in plan if "Scan" in s or "Sort" in s), plan[0])
            self.stdout.write(
                f"| {label} | {statistics.median(times):.0f} ms "
                f"| {float(heaviest['time']) * 1000:.0f} ms | {scan.split('  (')[0]} |"
            )

    def _seed(self, lines: int, requests: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM servicedesk_servicerequest")
            if cursor.fetchone()[0]:
                return
            self.stdout.write(f"seeding {requests} requests …")
            cursor.execute(
                """
                INSERT INTO servicedesk_servicerequest (customer_id, kind, status, benefit,
                    reservation, privilege, terms, refusal_reason, refusal_code, lounge_type,
                    location, fast_track, subject, note, created_at)
                SELECT c.first + (g::bigint * 7919) %% %s,
                    (ARRAY['complaint','airport_lounge','emergency_reactivation',
                           'plan_change'])[1 + g %% 4],
                    CASE WHEN g %% 97 = 0 THEN 'open' WHEN g %% 31 = 0 THEN 'refused'
                         ELSE 'done' END,
                    '', 'none', '', '', '', '', '', '', false, '', '',
                    timestamptz '2024-01-01' + g * interval '20 seconds'
                FROM generate_series(1, %s) g,
                    (SELECT min(id) AS first FROM membership_customer) c
                """,
                [lines, requests],
            )
            cursor.execute("ANALYZE servicedesk_servicerequest")
