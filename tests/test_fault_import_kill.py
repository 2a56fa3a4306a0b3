"""Fault: a feed import killed half-way, then run again (issue "Trust", part C3; decision
D-TRUST-14).

``manage.py import_bills`` runs as its own process on the test's data (a file copy on SQLite,
the test database on PostgreSQL; tests/live.py) and is killed with SIGKILL — no clean-up, no
rollback of its own — at one of two points: while it reads and stages the file, or after it
has merged every bill and before its transaction commits. The same command run again must
print what a clean import prints, and leave exactly the bills a clean import leaves: the
import is one transaction (D-IMPORT-1), so the killed run left nothing behind, and a third
run only updates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from membership.models import Bill
from membership.services.imports import feed_import
from points.tests.builders import make_customer
from tests.live import server_database
from tests.workers import ROOT, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = 40
MONTHS = [date(2025, month, 1) for month in range(1, 13)]

# The command, with a stop planted at ``STOP_AT``: it touches ``STOPPED_FLAG`` and waits there
# to be killed, its transaction open.
KILLABLE = r"""
import os, sys, time
from pathlib import Path

import django

django.setup()
from membership.services.imports import pipeline

def stop():
    Path(os.environ["STOPPED_FLAG"]).touch()
    time.sleep(300)

if os.environ["STOP_AT"] == "reading":
    real_read = pipeline.read_rows

    def read_rows(*args, **kwargs):
        for n, row in enumerate(real_read(*args, **kwargs), start=1):
            yield row
            if n == 200:
                stop()

    pipeline.read_rows = read_rows
else:
    real_refresh = pipeline.refresh_statistics

    def refresh_statistics(*args, **kwargs):
        real_refresh(*args, **kwargs)
        stop()

    pipeline.refresh_statistics = refresh_statistics

from django.core.management import call_command

call_command(*sys.argv[1:])
"""


def bills_feed(path: Path) -> Path:
    lines = [
        f"1390000{n:04d},{month:%Y-%m},{Decimal(37 * n + month.month) + Decimal('0.25')}\n"
        for n in range(CUSTOMERS)
        for month in MONTHS
    ]
    path.write_text("msisdn,month,total\n" + "".join(lines), encoding="utf-8")
    return path


def bills() -> set[tuple[Any, ...]]:
    return set(Bill.objects.values_list("customer__msisdn", "month", "total"))


def command_env(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GOTONE_TEST_NOW"}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database}


def import_bills(database: str, feed: Path) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "import_bills", str(feed)],
        cwd=ROOT,
        env=command_env(database),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("stop_at", ["reading", "merged"])
def test_cust_9_an_import_killed_half_way_and_run_again_ends_as_a_clean_import(
    tmp_path: Path, stop_at: str
) -> None:
    for n in range(CUSTOMERS):
        make_customer(msisdn=f"1390000{n:04d}")
    feed = bills_feed(tmp_path / "bills.csv")
    clean = feed_import(feed="bills", path_or_file=feed)
    clean_bills = bills()
    assert clean.summary == f"created {CUSTOMERS * len(MONTHS)}, updated 0"
    Bill.objects.all().delete()
    flag = tmp_path / "stopped"

    with server_database(tmp_path) as database:
        killed = subprocess.Popen(
            [sys.executable, "-c", KILLABLE, "import_bills", str(feed)],
            cwd=ROOT,
            env={**command_env(database), "STOP_AT": stop_at, "STOPPED_FLAG": str(flag)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: flag.exists() or killed.poll() is not None, "the import to stop")
            assert killed.poll() is None, killed.communicate()[0]
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=20)

        again = import_bills(database, feed)
        third = import_bills(database, feed)

    assert again == clean.summary  # the killed run left nothing: every bill is new again
    assert third == f"created 0, updated {CUSTOMERS * len(MONTHS)}"
    assert bills() == clean_bills  # nothing doubled, nothing lost
