"""bench_daily_jobs [--customers N] [--runs R]: the daily jobs of issue 16 at a province's size.

On a scratch PostgreSQL database (its name must contain "bench"): N synthetic lines (a
quarter gotone, one in ten holding a level, the gold-and-up ones with a personal account
manager) written with ``generate_series``, then each job timed R times,
each run rolled back so every run does the whole day's work:

- SERVICE-9 ``birthday_minutes_grant`` (the day's packages, one INSERT … SELECT);
- SERVICE-14 ``birthday_gifts_open`` (gifts of the birthdays three days ahead);
- SERVICE-5/10 ``no_suspension_export`` on a working day and on a festival day (every line).

Each is set against the floor of the same work: its own SQL statements run bare through
the cursor (what the ORM and the Python around them cost), and the plan of its main
statement is printed (``EXPLAIN ANALYZE``). Medians in milliseconds.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from keyaccounts.services.gifts import birthday_gifts_open
from servicedesk.selectors.holidays import festival_days
from servicedesk.services.birthday_minutes import birthday_minutes_grant
from servicedesk.services.suspension import no_suspension_export

DAY = date(2026, 6, 10)


class _Rollback(Exception):
    pass


def _timed(work: Callable[[], Any]) -> tuple[float, list[str]]:
    """One run of ``work`` in a transaction rolled back: milliseconds and its SQL."""
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        try:
            with transaction.atomic():
                work()
                raise _Rollback
        except _Rollback:
            pass
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, [q["sql"] for q in captured.captured_queries]


def _bare(statements: list[str]) -> float:
    """The same statements run bare through the cursor, rolled back."""
    start = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN")):
                    continue
                # A streamed read (``iterator()``) is a server-side cursor: read it whole.
                sql = re.sub(r"^DECLARE \S+ NO SCROLL CURSOR (WITH HOLD )?FOR ", "", sql)
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()  # a read's rows come over the wire, as the job's do
            raise _Rollback
    except _Rollback:
        pass
    return (time.perf_counter() - start) * 1000


def _plan(sql: str) -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            raise _Rollback(lines)
    except _Rollback as done:
        return "\n".join(f"      {line}" for line in done.args[0])


class Command(BaseCommand):
    help = "Time the daily jobs of issue 16 on N synthetic lines against their bare SQL."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args: Any, customers: int, runs: int, **options: Any) -> None:
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "bench" not in name:
            raise CommandError("Run it on a scratch PostgreSQL database whose name has 'bench'.")
        self._seed(customers)
        holiday = min(d for d in festival_days(2026) if d > DAY)
        jobs: list[tuple[str, Callable[[], Any], str]] = [
            ("birthday_minutes_grant", lambda: birthday_minutes_grant(day=DAY), "INSERT"),
            ("birthday_gifts_open", lambda: birthday_gifts_open(day=DAY), "INSERT"),
            ("no_suspension_export (working day)", lambda: no_suspension_export(day=DAY), "SELECT"),
            (
                f"no_suspension_export (festival {holiday})",
                lambda: no_suspension_export(day=holiday),
                "SELECT",
            ),
        ]
        self.stdout.write(f"{customers} lines; {runs} runs each; medians in ms")
        for title, work, main in jobs:
            job_ms: list[float] = []
            floor_ms: list[float] = []
            statements: list[str] = []
            for _ in range(runs):
                elapsed, statements = _timed(work)
                job_ms.append(elapsed)
                floor_ms.append(_bare(statements))
            job, floor = statistics.median(job_ms), statistics.median(floor_ms)
            self.stdout.write(
                f"  {title}: job {job:.0f} ms, bare SQL {floor:.0f} ms "
                f"(×{job / floor:.2f}), {len(statements)} statements"
            )
            heaviest = [
                re.sub(r"^DECLARE \S+ NO SCROLL CURSOR (WITH HOLD )?FOR ", "", s)
                for s in statements
                if s.startswith((main, "DECLARE"))
            ]
            if heaviest:
                self.stdout.write(_plan(max(heaviest, key=len)))

    def _seed(self, n: int) -> None:
        """N lines, written once per database (a second call finds them)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM membership_customer")
            found = cursor.fetchone()[0]
            if found == n:
                return
            if found:
                raise CommandError(f"The database holds {found} lines, not {n}: use a fresh one.")
            self.stdout.write(f"seeding {n} lines …")
            cursor.execute(
                """
                INSERT INTO membership_customer (msisdn, name, id_number, birth_date, brand,
                    joined_on, province, city, status, suspension_reason, created_at,
                    updated_at)
                SELECT (13900000000 + g)::text, '客户' || g, lpad(g::text, 18, '0'),
                    date '1950-01-01' + (g::bigint * 7919 %% 20000)::int,
                    CASE g %% 4 WHEN 0 THEN 'gotone' WHEN 1 THEN 'mzone' ELSE 'easyown' END,
                    date '2000-01-01' + (g %% 8000), '广东', '广州',
                    CASE WHEN g %% 50 = 0 THEN 'suspended' ELSE 'active' END,
                    CASE WHEN g %% 50 = 0 THEN 'arrears' ELSE '' END, now(), now()
                FROM generate_series(1, %s) AS g
                """,
                [n],
            )
            # One line in ten holds a level this year; ranks 1..5 in turn.
            cursor.execute(
                """
                INSERT INTO membership_levelgrant (customer_id, level, rank, source,
                    valid_from, valid_until, limited, reason, created_at, end_reason)
                SELECT c.id,
                    (ARRAY['guest','silver','gold','platinum','diamond'])[1 + c.id / 10 % 5],
                    1 + c.id / 10 % 5, 'annual', date '2026-02-01', date '2027-01-31', false, '',
                    now(), ''
                FROM membership_customer c WHERE c.id % 10 = 0
                """
            )
            cursor.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
                " email, is_staff, is_active, date_joined) SELECT '!', false, 'bench' || g, '',"
                " '', '', true, true, now() FROM generate_series(1, 20) g"
                " ON CONFLICT (username) DO NOTHING"
            )
            # SERVICE-8: every gold-and-up line with a manager, in turn.
            cursor.execute(
                """
                INSERT INTO keyaccounts_personalmanager (customer_id, manager_id, started_on,
                    reason, assigned_at, assigned_by_id, end_note)
                SELECT g.customer_id, u.id, date '2026-02-01', 'assign', now(), u.id, ''
                FROM membership_levelgrant g
                JOIN auth_user u ON u.username = 'bench' || (1 + g.customer_id % 20)
                WHERE g.rank >= 3
                """
            )
            cursor.execute(
                "ANALYZE membership_customer; ANALYZE membership_levelgrant; "
                "ANALYZE keyaccounts_personalmanager"
            )
