"""The province benchmark: the monthly close, the annual rating and the feeds at province size.

Every batch step runs as its contract command in a child process (the path an operator's
scheduler takes), timed with its peak RSS, and is followed by its **floor**: the same work as
the simplest bare SQL on the same tables, in a transaction that is rolled back (COPY into a
bare table for a feed; one ``INSERT … SELECT`` for grants and entries). The counter lookup is
timed in process (median server time, Django test client, warm) and under load on gunicorn
with two workers (``core.loadtest``, loopback only), idle and while an accrual runs.

It lives in servicedesk, the one app that may import every other (docs/architecture.md).
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from core import clock
from core.dates import add_months, month_end
from core.loadtest import format_result, run_load
from core.programme import programme
from core.roles import CLERK
from membership.models import LEVEL_RANK, Bill, CreditRating, Customer, LevelGrant, Usage
from membership.province import generate_province
from membership.services.rating.gotone import thresholds
from points.models import Entry, Lot
from points.services.accrual import brand_percent_sql, month_targets, tenure_percent_sql
from servicedesk.models import BirthdayWaiver

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
BIG_ID = 2**62
# The children run in the production shape: DEBUG off, notices queued on Redis for a worker
# (a scratch Redis database, emptied at the end) rather than sent inside the job.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_DEBUG": "false", "REDIS_URL": BENCH_REDIS_URL, **extra}


def flush_bench_redis() -> None:
    import redis

    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()


@dataclass(frozen=True)
class Periods:
    """The months and years a province whose bills end with ``last_month`` is closed for.

    The data lie in the past so that every job may run today: the expiry of ``expire_year``
    (its 31 December has passed) clears the lots earned in ``expire_year - 2``, which the
    accrual of the first billed month creates.
    """

    last_month: date
    first_month: date
    rating_year: int
    expire_year: int
    busy_month: date  # accrued while the lookup is under load
    birthday: date

    @classmethod
    def for_today(cls, today: date, months: int = 13) -> Periods:
        expire_year = today.year - 1
        last_month = date(expire_year - 1, 12, 1)
        return cls(
            last_month=last_month,
            first_month=add_months(last_month, -(months - 1)),
            rating_year=last_month.year,
            expire_year=expire_year,
            busy_month=add_months(last_month, -1),
            birthday=month_end(last_month),
        )


@dataclass
class Step:
    name: str
    seconds: float
    rows: int
    peak_rss_mb: float
    output: str
    floor_seconds: float | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        if not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds


@dataclass
class Report:
    customers: int
    bills: int
    vendor: str
    machine: str
    steps: list[Step] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- running a contract command --------------------------------------------------------------


def run_command(
    args: Sequence[str], *, env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """Run ``manage.py args`` in a child process: (seconds, peak RSS in MB, last output line).

    Raises RuntimeError with the output if the command fails."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*MANAGE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env(**(env or {})),
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{output[-4000:]}")
    lines = [line for line in output.splitlines() if line.strip()]
    return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def timed_floor(work: Callable[[Any], int]) -> tuple[float, int]:
    """Time ``work(cursor)`` in a transaction that is rolled back: (seconds, rows written)."""

    class _Undo(Exception):
        pass

    rows = 0
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            rows = work(cursor)
            elapsed = time.perf_counter() - started
            raise _Undo
    except _Undo:
        pass
    return elapsed, rows


# --- the floors ------------------------------------------------------------------------------


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def floor_copy(path: Path, columns: str) -> Callable[[Any], int]:
    """A feed's floor: COPY the file into a bare table (no keys, no checks)."""

    def work(cursor: Any) -> int:
        cursor.execute(f"CREATE TEMP TABLE floor_feed ({columns})")
        with (
            path.open("rb") as handle,
            cursor.copy("COPY floor_feed FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        cursor.execute("SELECT COUNT(*) FROM floor_feed")
        return int(cursor.fetchone()[0])

    return work


CUSTOMER_COLUMNS = (
    "msisdn text, name text, id_number text, birth_date date, brand text, joined_on date, "
    "province text, city text, status text, real_name_registered_on date"
)
BILL_COLUMNS = "msisdn text, month text, total numeric(12,2)"


def rating_scores_sql(year: int) -> tuple[str, list[Any]]:
    """TIER-3 as the simplest SQL: one GROUP BY of the year's bills per rated customer."""
    levels = " ".join(
        f"WHEN score >= {minimum} THEN {LEVEL_RANK[level]}" for level, minimum in thresholds()
    )
    tenure = " ".join(
        f"WHEN c.joined_on <= %s THEN {int(score)}" for _minimum, score in programme("TENURE_SCORE")
    )
    tenure_days = [date(year - int(minimum), 12, 31) for minimum, _s in programme("TENURE_SCORE")]
    sql = (
        f"SELECT id, CASE {levels} ELSE 0 END AS rank FROM ("
        f"SELECT c.id, COALESCE(b.points, 0) + CASE {tenure} ELSE 0 END AS score "
        f"FROM {_table(Customer)} c LEFT JOIN (SELECT customer_id, "
        f"SUM(CASE WHEN total > 0 THEN FLOOR(total)::int ELSE 0 END) AS points "
        f"FROM {_table(Bill)} WHERE month >= %s AND month < %s GROUP BY customer_id) b "
        f"ON b.customer_id = c.id WHERE c.brand = 'gotone' AND c.status <> 'cancelled' "
        f"AND c.joined_on <= %s) s"
    )
    return sql, [*tenure_days, date(year, 1, 1), date(year + 1, 1, 1), date(year - 1, 12, 31)]


def floor_rating_preview(year: int) -> Callable[[Any], int]:
    def work(cursor: Any) -> int:
        sql, params = rating_scores_sql(year)
        cursor.execute(f"SELECT rank, COUNT(*) FROM ({sql}) r GROUP BY rank", params)
        return sum(int(n) for _rank, n in cursor.fetchall())

    return work


def floor_rating_commit(year: int) -> Callable[[Any], int]:
    """TIER-3/4: the grants as one INSERT … SELECT … GROUP BY into a bare table."""
    sql, params = rating_scores_sql(year)
    return _floor_insert(
        "floor_grants (customer_id bigint, rank integer)",
        f"INSERT INTO floor_grants SELECT id, rank FROM ({sql}) r WHERE rank > 0",
        params,
    )


def floor_accrual(month: date) -> Callable[[Any], int]:
    """POINTS-1/2: the month's entries from the same selection and the same rates as the job,
    in two ``INSERT … SELECT`` into a bare table (no lots, no ledger, no conflict checks)."""

    def work(cursor: Any) -> int:
        select, params = month_targets(month, 0, BIG_ID).query.sql_with_params()
        brand_sql, brand_params = brand_percent_sql()
        tenure_sql, tenure_params = tenure_percent_sql()
        cursor.execute(
            "CREATE TEMP TABLE floor_entries (customer_id bigint, kind text, amount int)"
        )
        cursor.execute(
            f"INSERT INTO floor_entries SELECT t.cid, 'accrual', t.pts FROM ({select}) t "
            "WHERE t.pts > 0",
            params,
        )
        rows = max(cursor.rowcount, 0)
        cursor.execute(
            f"INSERT INTO floor_entries SELECT cid, kind, amount FROM (SELECT t.cid,"
            f" 'reward_brand' AS kind, CASE WHEN t.gotone = 1"
            f" THEN (t.pts * ({brand_sql})) / 100 ELSE 0 END AS amount FROM ({select}) t"
            f" UNION ALL SELECT t.cid, 'reward_tenure', (t.pts * ({tenure_sql})) / 100"
            f" FROM ({select}) t) r WHERE amount > 0",
            [*brand_params, *params, *tenure_params, *params],
        )
        return rows + max(cursor.rowcount, 0)

    return work


def _floor_insert(table: str, insert: str, params: list[Any]) -> Callable[[Any], int]:
    """A floor that creates the bare TEMP table ``table`` and fills it with one statement."""

    def work(cursor: Any) -> int:
        cursor.execute(f"CREATE TEMP TABLE {table}")
        cursor.execute(insert, params)
        return max(cursor.rowcount, 0)

    return work


def floor_credit(month: date) -> Callable[[Any], int]:
    """CREDIT-1..5's work as one INSERT … SELECT: the same reads (every line, the six months'
    bills averaged) and one row written per line. The arithmetic is simplified: the floor
    measures the work, not the rule (no history, no upsert)."""
    return _floor_insert(
        "floor_credit (customer_id bigint, score integer)",
        f"INSERT INTO floor_credit SELECT c.id, "
        f"CASE c.brand WHEN 'gotone' THEN 50 WHEN 'mzone' THEN 30 ELSE 20 END"
        f" + CASE WHEN c.joined_on <= %s THEN 150 ELSE 0 END"
        f" + COALESCE(FLOOR(b.average / 10)::int, 0) "
        f"FROM {_table(Customer)} c LEFT JOIN (SELECT customer_id, AVG(total) AS average "
        f"FROM {_table(Bill)} WHERE month > %s AND month <= %s GROUP BY customer_id) b "
        f"ON b.customer_id = c.id WHERE c.status <> 'cancelled'",
        [month_end(month) - timedelta(days=730), add_months(month, -6), month],
    )


def floor_expiry(year: int) -> Callable[[Any], int]:
    """POINTS-6: one INSERT … SELECT of an expiry entry per lot with points left."""
    return _floor_insert(
        "floor_expiry (lot_id bigint, customer_id bigint, amount int)",
        f"INSERT INTO floor_expiry SELECT id, customer_id, -balance FROM {_table(Lot)} "
        f"WHERE year <= %s AND balance > 0",
        [year - 2],
    )


def floor_birthday(day: date) -> Callable[[Any], int]:
    """SERVICE-6: one INSERT … SELECT of the day's waivers for the birthday customers."""
    return _floor_insert(
        "floor_waivers (customer_id bigint, amount numeric)",
        f"INSERT INTO floor_waivers SELECT c.id, COALESCE(SUM(u.amount), 0) "
        f"FROM {_table(Customer)} c LEFT JOIN {_table(Usage)} u ON u.customer_id = c.id "
        f"AND u.date = %s AND u.category IN ('domestic_voice', 'domestic_data', 'domestic_sms') "
        f"WHERE c.brand = 'gotone' AND c.status = 'active' "
        f"AND EXTRACT(MONTH FROM c.birth_date) = %s AND EXTRACT(DAY FROM c.birth_date) = %s "
        f"GROUP BY c.id",
        [day, day.month, day.day],
    )


# --- the counter lookup ----------------------------------------------------------------------


def sample_msisdns(count: int) -> list[str]:
    """``count`` numbers spread over the whole table (by id), the same on every run."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {_table(Customer)}")
        low, high = cursor.fetchone()
    if low is None:
        return []
    step = max((high - low) // count, 1)
    ids = list(range(low, high + 1, step))[:count]
    found = dict(Customer.objects.filter(id__in=ids).values_list("id", "msisdn"))
    return [found[i] for i in ids if i in found]


def server_times(client: Any, paths: Sequence[str], *, warm: int = 50) -> tuple[float, float]:
    """Median and p95 server time (ms) of GETs of ``paths`` by the test client, after
    ``warm`` untimed requests."""
    for path in paths[:warm]:
        client.get(path)
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = Path("/proc/meminfo").read_text().splitlines()[0]
        kib = int(re.findall(r"\d+", total)[0])
        memory = f", {kib // (1024 * 1024)} GiB"
    except (OSError, IndexError):
        pass
    with connection.cursor() as cursor:
        version = connection.vendor
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return f"{os.cpu_count()} cores ({cpu}){memory}; {version}; Python {sys.version.split()[0]}"


# --- the run ---------------------------------------------------------------------------------


def count(model: Any, **filters: Any) -> int:
    return int(model.objects.filter(**filters).count())


def run_batch(data: Path, periods: Periods, report: Report, say: Callable[[str], None]) -> None:
    """The batch steps in order, each followed by its floor."""
    p = periods
    rating_year = str(p.rating_year)
    steps: list[tuple[str, list[str], Callable[[], int], Callable[[Any], int] | None]] = [
        ("import_customers", ["import_customers", str(data / "customers.csv")],
         lambda: report.customers, floor_copy(data / "customers.csv", CUSTOMER_COLUMNS)),
        ("import_bills", ["import_bills", str(data / "bills.csv")],
         lambda: report.bills, floor_copy(data / "bills.csv", BILL_COLUMNS)),
        ("import_bills, the same file again", ["import_bills", str(data / "bills.csv")],
         lambda: report.bills, floor_copy(data / "bills.csv", BILL_COLUMNS)),
        (f"rate_annual {rating_year} (preview)", ["rate_annual", rating_year],
         lambda: count(Customer, brand="gotone"), floor_rating_preview(p.rating_year)),
        (f"rate_annual {rating_year} --commit", ["rate_annual", rating_year, "--commit"],
         lambda: count(LevelGrant, source="annual"), floor_rating_commit(p.rating_year)),
        (f"accrue_points {p.first_month:%Y-%m} (the first month: empty ledger)",
         ["accrue_points", f"{p.first_month:%Y-%m}"],
         lambda: count(Entry, month=p.first_month), floor_accrual(p.first_month)),
        (f"accrue_points {p.last_month:%Y-%m}", ["accrue_points", f"{p.last_month:%Y-%m}"],
         lambda: count(Entry, month=p.last_month), floor_accrual(p.last_month)),
        (f"rate_credit {p.last_month:%Y-%m}", ["rate_credit", f"{p.last_month:%Y-%m}"],
         lambda: count(CreditRating, month=p.last_month), floor_credit(p.last_month)),
        (f"expire_points {p.expire_year}", ["expire_points", str(p.expire_year)],
         lambda: count(Entry, kind="expiry"), floor_expiry(p.expire_year)),
        ("import_usage (the birthday's usage)", ["import_usage", str(data / "usage.csv")],
         lambda: count(Usage, date=p.birthday), None),
        (f"run_birthday_waivers --date {p.birthday}",
         ["run_birthday_waivers", "--date", p.birthday.isoformat()],
         lambda: count(BirthdayWaiver), floor_birthday(p.birthday)),
    ]  # fmt: skip
    for name, args, rows, floor in steps:
        say(f"… {name}")
        seconds, rss, output = run_command(args)
        step = Step(name, seconds, rows(), rss, output)
        if floor is not None and connection.vendor == "postgresql":  # the floors' SQL is
            step.floor_seconds, _rows = timed_floor(floor)
        report.steps.append(step)
        say(
            f"  {seconds:.1f} s, peak RSS {rss:.0f} MB, floor {step.floor_seconds or 0:.2f} s: {output}"
        )


def bench_user() -> tuple[Any, str]:
    """A counter clerk for the lookups, and their API token."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    user, _created = get_user_model().objects.get_or_create(
        username="bench_clerk", defaults={"is_staff": False}
    )
    user.groups.add(Group.objects.get(name=CLERK))
    token, _created = Token.objects.get_or_create(user=user)
    return user, token.key


def lookup_paths(msisdns: Sequence[str]) -> tuple[list[str], list[str]]:
    from django.urls import reverse

    api = [reverse("api:customer-detail", args=[m]) for m in msisdns]
    card = [reverse("servicedesk:desk_card", args=[m]) for m in msisdns]
    return api, card


def session_cookie(user: Any) -> str:
    """A logged-in session for ``user`` (what a browser holds after the login page)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_gunicorn(port: int, workers: int = 2) -> subprocess.Popen[bytes]:
    env = {
        **child_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # the bench's own key: the session it logged the clerk into must be valid there
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # the bench measures the server, not the API throttle (D-TRUST-12)
        "API_THROTTLE_USER": "off",
    }
    subprocess.run([*MANAGE, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def run_lookups(
    periods: Periods, report: Report, say: Callable[[str], None], *, seconds: float
) -> None:
    from django.test import Client

    user, token = bench_user()
    msisdns = sample_msisdns(500)
    api, card = lookup_paths(msisdns)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for label, paths in (("API", api), ("desk card", card)):
        median, p95 = server_times(client, paths)
        line = f"{label}, in process (test client, warm, {len(paths)} customers): median {median:.1f} ms, p95 {p95:.1f} ms"
        report.lookups.append(line)
        say(line)
    if connection.vendor != "postgresql":  # the production shape (gunicorn) is PostgreSQL's
        return
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    headers = {"X-Forwarded-Proto": "https"}
    api_headers = {**headers, "Authorization": f"Token {token}"}
    card_headers = {**headers, "Cookie": session_cookie(user)}
    try:
        for busy in (False, True):
            accrual: subprocess.Popen[bytes] | None = None
            if busy:
                accrual = subprocess.Popen(
                    [*MANAGE, "accrue_points", f"{periods.busy_month:%Y-%m}"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(),
                )  # fmt: skip
                time.sleep(1.0)  # let it reach its chunks
            for label, paths, hdrs in (
                ("API", api, api_headers),
                ("desk card", card, card_headers),
            ):
                for clients in (4, 16):
                    result = run_load(base, paths, clients=clients, seconds=seconds, headers=hdrs)
                    still = accrual is None or accrual.poll() is None
                    when = "while the accrual runs" if busy else "idle"
                    if busy and not still:
                        when = "while the accrual runs (it ended during this measure)"
                    line = f"{label}, gunicorn 2 workers, {when}: {format_result(result)}"
                    report.lookups.append(line)
                    say(line)
            if accrual is not None:
                accrual.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the report ------------------------------------------------------------------------------


def _ratio(step: Step) -> str:
    return "" if step.ratio is None else f"{step.ratio:.1f}×"


def report_markdown(report: Report) -> str:
    """The report as a Markdown section (one per size in docs/performance.md)."""
    lines = [
        f"### {report.customers:,} customers, {report.bills:,} bills ({report.vendor})",
        "",
        f"{report.machine}. Recorded {clock.now():%Y-%m-%d %H:%M} UTC by `make bench-province "
        f"BENCH_CUSTOMERS={report.customers}"
        f"{'' if report.vendor == 'postgresql' else ' BENCH_PROVINCE_DATABASE_URL=sqlite:///…'}`.",
        "",
        "| step | time | rows | rows/s | floor | ratio | peak RSS | output |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for step in report.steps:
        floor = "" if step.floor_seconds is None else f"{step.floor_seconds:.2f} s"
        output = step.output.replace("|", "\\|")
        lines.append(
            f"| {step.name} | {step.seconds:.1f} s | {step.rows:,} | {step.rows_per_second:,.0f} "
            f"| {floor} | {_ratio(step)} | {step.peak_rss_mb:.0f} MB | {output} |"
        )
    if report.lookups:
        lines += ["", "Counter lookup:", ""]
        lines += [f"- {line}" for line in report.lookups]
    if report.notes:
        lines += [""] + [f"- {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def write_section(path: Path, customers: int, section: str, vendor: str = "postgresql") -> None:
    """Put ``section`` between this size's (and database's) markers in ``path``, replacing an
    earlier run."""
    key = f"{customers}" if vendor == "postgresql" else f"{customers} {vendor}"
    start, end = f"<!-- bench-province {key} -->", f"<!-- /bench-province {key} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{section}{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# --- set-up ----------------------------------------------------------------------------------


def ensure_files(data: Path, customers: int, periods: Periods, say: Callable[[str], None]) -> None:
    """The province's files for ``periods``, generated once and kept for the next run."""
    stamp = data / "province.json"
    wanted = {"customers": customers, "last_month": f"{periods.last_month:%Y-%m}", "seed": 2026}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        say(f"bench_province: using the files in {data}")
        return
    started = time.perf_counter()
    files = generate_province(
        data, customers=customers, last_month=periods.last_month, usage_day=periods.birthday
    )
    say(
        f"bench_province: wrote {files.customer_rows:,} customers and {files.bill_rows:,} bills "
        f"to {data} in {time.perf_counter() - started:.0f} s"
    )
    stamp.write_text(json.dumps(wanted))


def recreate_database(say: Callable[[str], None]) -> None:
    """Drop and create the database the connection points at, then migrate it (a child
    process, as an operator would). SQLite: the file is removed."""
    params = connection.settings_dict
    name = params["NAME"]
    connection.close()
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):  # WAL mode (D-TRUST-10): no stale log survives
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        say(f"bench_province: removed {name}; migrating")
        subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], check=True, env=child_env())
        return
    with _admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    say(f"bench_province: created the database {name}; migrating")
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], check=True, env=child_env())


# --- one worker process or two ---------------------------------------------------------------


def _database_url(name: str) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _admin() -> Any:
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


def _job_result(url: str, job: str, period: str, month: date) -> tuple[str, str]:
    """(status, checksum of the month's entries) of a job run in the database at ``url``."""
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT status FROM core_jobrun WHERE job = %s AND period = %s", [job, period]
        ).fetchone()
        sums = db.execute(
            "SELECT COUNT(*), SUM(amount), SUM(hashtext(customer_id::text || kind || amount::text))"
            " FROM points_entry WHERE month = %s",
            [month],
        ).fetchone()
    assert sums is not None
    return (row[0] if row else "missing"), f"{sums[0]} entries, {sums[1]} points, hash {sums[2]}"


def run_workers(periods: Periods, report: Report, say: Callable[[str], None]) -> None:
    """The monthly accrual as the calendar runs it: chunks sent through Redis to Celery
    workers, once with one worker process and once with two, each on the same data (the
    second on a copy of the database made before the first ran)."""
    month = add_months(periods.busy_month, -1)
    period = f"{month:%Y-%m}"
    name = connection.settings_dict["NAME"]
    copy = f"{name}_workers"
    connection.close()
    with _admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(copy)} WITH (FORCE)")
        started = time.perf_counter()
        admin.execute(
            f"CREATE DATABASE {connection.ops.quote_name(copy)}"
            f" TEMPLATE {connection.ops.quote_name(name)}"
        )
        say(f"  copied the database for the second run in {time.perf_counter() - started:.0f} s")
    celery = str(Path(sys.executable).parent / "celery")
    results = []
    try:
        for processes, database in ((1, name), (2, copy)):
            url = _database_url(database)
            env = child_env(DATABASE_URL=url)
            flush_bench_redis()
            worker = subprocess.Popen(
                [celery, "-A", "config", "worker", "-c", str(processes), "--loglevel=warning",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                time.sleep(3)  # the worker connects to Redis
                started = time.perf_counter()
                subprocess.run(
                    [*MANAGE, "run_job", "accrue_points", period],
                    env=env, check=True, stdout=subprocess.DEVNULL,
                )  # fmt: skip
                status = "running"
                while status not in {"succeeded", "failed"}:
                    time.sleep(0.2)
                    status, checksum = _job_result(url, "accrue_points", period, month)
                seconds = time.perf_counter() - started
            finally:
                worker.terminate()
                worker.wait(timeout=60)
            line = (
                f"accrue_points {period} on Celery, {processes} worker process"
                f"{'es' if processes > 1 else ''}: {seconds:.1f} s, {status}; {checksum}"
            )
            results.append(checksum)
            report.lookups.append(line)
            say(line)
        same = "the same" if len(set(results)) == 1 else "DIFFERENT"
        report.notes.append(f"one worker and two wrote {same} entries ({results[0]}).")
    finally:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(copy)} WITH (FORCE)")
        flush_bench_redis()
