"""Fault: Redis is down while the clerks work (issue "Trust", part C2; decision D-TRUST-13).

A real server (gunicorn, tests/live.py) runs the production shape of the settings — a broker,
tasks sent to workers — with REDIS_URL pointing at a port where nothing listens. The clerk's
pages and the API answer as usual (the API's throttle lets requests through without its
cache); the supervisor's pages that send a task — the rating commit, which stores the new
levels' SMS and asks a worker to send them, and the feed upload, which queues the import —
answer within seconds, not after Celery's 20 s of retries, and never with a 500: the SMS and
the import run wait in the database.

With Redis (the ``redis`` marker: skipped without one, failed under CI=true) the story goes
on: Redis comes back, a worker starts, and beat's periodic sends (``servicedesk.send_outbox``,
``membership.resend_queued_imports``, every 10 minutes) find what waited: the SMS is sent once,
the import runs once; sent a second time they find nothing left to do.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core import clock
from membership.models import ImportRun, Usage
from points.models import Redemption
from points.tests.builders import earn, make_bill, make_customer, make_item
from servicedesk.models import OutboxMessage, OutboxStatus, ServiceRequest
from tests.live import LiveServer, free_port, live_server, server_database, server_execute
from tests.services import redis_url
from tests.workers import ROOT, stop_process, wait_for, worker_argv

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = uuid.uuid4().hex  # a CSRF secret of our own, sent as cookie and header alike
MSISDN = "13900000001"
RATED = "13900000002"
USAGE_ROWS = 40
PAGE_SECONDS = 10  # Celery's default retries against a dead result backend take about 20 s


def usage_feed() -> bytes:
    first = date(2025, 3, 1)
    rows = [f"{MSISDN},{first + timedelta(days=n)},domestic_data,1.50\n" for n in range(USAGE_ROWS)]
    return ("msisdn,date,category,amount\n" + "".join(rows)).encode()


def session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def the_data() -> int:
    """A customer with points (the clerk's redemption) and one whose 2025 bills make them
    platinum (the rating commit's SMS); returns the reward's id."""
    customer = make_customer(msisdn=MSISDN)
    earn(customer, clock.today().year, 1000)
    rated = make_customer(msisdn=RATED, joined_on=date(2012, 1, 1))
    make_bill(customer=rated, month=date(2025, 5, 1), total=Decimal("2700"))
    return make_item(points_price=100, stock=10).pk


SETTINGS = "config.settings.local"  # the shape of production: a broker, tasks to workers


def server_env(tmp_path: Path, redis: str, queue: str) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the sessions made here are valid there
        "REDIS_URL": redis,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def as_user(server: LiveServer, session: str) -> None:
    server.headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}",
        "X-CSRFToken": CSRF,
        "Accept-Language": "en",
    }


def timed(call: Any) -> Any:
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < PAGE_SECONDS
    return response


def work_while_redis_is_down(server: LiveServer, sessions: dict[str, str], item: int) -> None:
    """The clerk's and the supervisor's work; every answer as usual, and quick."""
    as_user(server, sessions["clerk"])
    lookup = timed(lambda: server.request("GET", reverse("membership:lookup")))
    assert lookup.status == 200, server.log_tail()
    complaint = timed(
        lambda: server.request(
            "POST",
            reverse("servicedesk:request_create", kwargs={"msisdn": MSISDN, "kind": "complaint"}),
            form={"subject": "Dropped calls at home"},
        )
    )
    assert complaint.status == 302, (complaint.body[:300], server.log_tail())
    redeemed = timed(
        lambda: server.request(
            "POST", "/api/points/redemptions/", data={"msisdn": MSISDN, "item": item}
        )
    )
    assert redeemed.status == 201, (redeemed.body[:300], server.log_tail())

    as_user(server, sessions["supervisor"])
    committed = timed(
        lambda: server.request(
            "POST", reverse("membership:rating_commit"), form={"year": "2025", "confirm": "on"}
        )
    )
    assert committed.status == 302, (committed.body[:300], server.log_tail())
    uploaded = timed(
        lambda: server.request(
            "POST",
            reverse("membership:import_upload"),
            form={"feed": "usage"},
            files={"file": ("usage.csv", usage_feed())},
        )
    )
    assert uploaded.status == 302, (uploaded.body[:300], server.log_tail())


def test_with_redis_down_the_pages_answer_and_what_they_send_waits_in_the_database(
    clerk: Any, supervisor: Any, tmp_path: Path
) -> None:
    item = the_data()
    sessions = {"clerk": session_of(clerk), "supervisor": session_of(supervisor)}
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    with live_server(
        tmp_path, settings_module=SETTINGS, env=server_env(tmp_path, dead, "q")
    ) as server:
        work_while_redis_is_down(server, sessions, item)
        log = server.log_tail(20000)

    assert "Internal Server Error" not in log, log
    assert "not sent: the broker is unreachable" in log
    assert ServiceRequest.objects.filter(customer__msisdn=MSISDN).count() == 1
    assert Redemption.objects.count() == 1
    (sms,) = OutboxMessage.objects.all()  # the new platinum level's SMS, stored …
    assert (sms.recipient, sms.status, sms.attempts) == (RATED, OutboxStatus.PENDING, 0)
    (run,) = ImportRun.objects.all()  # … and the import, queued: nothing lost
    assert (run.status, run.attempts) == ("queued", 0)
    assert not Usage.objects.exists()


@pytest.fixture
def worker_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(env: dict[str, str], queue: str) -> subprocess.Popen[bytes]:
        log = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            worker_argv(queue, f"{queue}-{len(started)}"),
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        wait_for(
            lambda: process.poll() is not None or b" ready." in log.read_bytes(),
            "the worker to be ready",
        )
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        return process

    yield start
    for process, log in started:
        stop_process(process)
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


@pytest.mark.redis
@pytest.mark.worker
def test_once_redis_is_back_the_periodic_sends_do_what_waited_once(
    clerk: Any, supervisor: Any, tmp_path: Path, worker_factory: Any
) -> None:
    url = redis_url()  # skips without Redis, fails under CI=true
    item = the_data()
    sessions = {"clerk": session_of(clerk), "supervisor": session_of(supervisor)}
    queue = f"test-trust-{uuid.uuid4().hex[:12]}"
    dead = f"redis://127.0.0.1:{free_port()}/0"
    beat = Celery("trust-test", broker=url, backend=url, set_as_current=False)
    beat.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])

    def periodic(name: str) -> Any:  # what beat sends every 10 minutes
        return beat.send_task(name, queue=queue).get(timeout=60)

    with server_database(tmp_path) as database:
        with live_server(
            tmp_path,
            settings_module=SETTINGS,
            env=server_env(tmp_path, dead, queue),
            database=database,
        ) as server:
            work_while_redis_is_down(server, sessions, item)

        # Redis is back; a worker starts. Ten minutes pass for the queued import.
        environ = {k: v for k, v in os.environ.items() if k != "GOTONE_TEST_NOW"}
        worker_factory(
            {
                **environ,
                **server_env(tmp_path, url, queue),
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "DATABASE_URL": database,
                "DJANGO_DEBUG": "false",
            },
            queue,
        )
        # Long before now on any clock: the worker reads the wall clock, not the test's.
        long_ago = datetime(2020, 1, 1, tzinfo=UTC)
        backdated, _rows = server_execute(
            database, "UPDATE membership_importrun SET created_at = %s", [long_ago]
        )
        assert backdated == 1

        assert periodic("servicedesk.send_outbox")["sent"] == 1
        assert periodic("membership.resend_queued_imports") == {"waiting": 1, "sent": 1}
        wait_for(
            lambda: import_status(database) in ("succeeded", "failed", "error"),
            "the import to run on the worker",
        )
        # Ten minutes later, beat again: nothing is left, nothing is done twice.
        assert periodic("servicedesk.send_outbox")["sent"] == 0
        assert periodic("membership.resend_queued_imports") == {"waiting": 0, "sent": 0}
        beat.close()

    (sms,) = OutboxMessage.objects.all()
    assert (sms.status, sms.attempts) == (OutboxStatus.SENT, 1)
    (run,) = ImportRun.objects.all()
    assert (run.status, run.attempts) == ("succeeded", 1), run.error
    assert run.counts["created"] == Usage.objects.count() == USAGE_ROWS


def import_status(database: str) -> str:
    _count, rows = server_execute(database, "SELECT status FROM membership_importrun", [])
    return str(rows[0][0])
