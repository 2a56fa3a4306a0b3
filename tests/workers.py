"""Real Celery workers for the tests: `celery -A config worker` processes on a queue of their
own, pointed at the test's PostgreSQL database and its Redis, importing the probe jobs
(core/tests/job_probes.py), and if a test asks, `celery -A config beat` sending the database
schedule to that queue. The fixture ``workers`` (tests/conftest.py) skips without Redis
(fails under CI=true) and on SQLite, whose in-memory test database a worker cannot share.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from config.celery import app as celery_app
from core.models import JobRun
from tests.services import redis_url

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 45


def stop_process(process: subprocess.Popen[Any], *, timeout: float = 20) -> None:
    """Ask a process started by a test to stop (SIGTERM); kill it if it has not after
    ``timeout`` seconds. Nothing happens to one that has already ended."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_argv(
    queue: str, name: str, pool: str = "solo", concurrency: int | None = None
) -> list[str]:
    """`celery -A config worker` on ``queue`` alone, one process (solo pool) unless told,
    quiet."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--pool={pool}",
        *([f"--concurrency={concurrency}"] if concurrency else []),
        "--queues",
        queue,
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]


def database_url() -> str:
    """The test database (not the one in DATABASE_URL: pytest-django made test_<name>)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Celery worker processes on one queue, sharing the test's database and fault folder."""

    def __init__(self, url: str, queue: str, folder: Path) -> None:
        self.url, self.queue, self.folder = url, queue, folder
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        # Not the current app: the runner's shared tasks must keep going through the
        # project's app (in-process here), not through this client.
        self.client = Celery("jobs-test", broker=url, backend=url, set_as_current=False)
        self.client.conf.update(
            task_serializer="json", result_serializer="json", accept_content=["json"]
        )

    def env(self, **env_extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",  # a real broker, not eager
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,  # the chunks it sends stay on our queue
            "CELERY_IMPORTS": "core.tests.job_probes",
            "JOB_PROBE_DIR": str(self.folder),
            **env_extra,
        }

    def start(
        self,
        count: int = 1,
        *,
        pool: str = "solo",
        concurrency: int | None = None,
        **env_extra: str,
    ) -> list[subprocess.Popen[bytes]]:
        env = self.env(**env_extra)
        started = []
        for _ in range(count):
            name = f"{self.queue}-{len(self.processes)}"
            log = self.folder / f"{name}.log"
            process = subprocess.Popen(
                worker_argv(self.queue, name, pool, concurrency),
                cwd=ROOT,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            self.processes.append((process, log))
            started.append(process)
        for process in started:
            self._wait_ready(process)
        return started

    def start_beat(self, **env_extra: str) -> subprocess.Popen[bytes]:
        """`celery -A config beat` on the test database's schedule (django-celery-beat),
        sending to this queue; the test writes the PeriodicTask rows it wants first."""
        log = self.folder / f"{self.queue}-beat.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                f"--pidfile={self.folder / 'beat.pid'}",
                f"--schedule={self.folder / 'beat-schedule'}",
            ],
            cwd=ROOT,
            env=self.env(**env_extra),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append((process, log))
        wait_for(
            lambda: process.poll() is not None or b"beat: Starting" in log.read_bytes(),
            "beat to start",
        )
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL a worker's main process and its pool processes, as when its machine dies:
        nothing acknowledges, rejects or rolls back on its behalf."""
        children = child_pids(process.pid)  # before: once the parent is gone they are orphans
        process.send_signal(signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # it died with its parent
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=20)

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        log = next(path for p, path in self.processes if p is process)
        wait_for(
            lambda: process.poll() is not None or b" ready." in log.read_bytes(),
            f"worker {log.name} to be ready",
        )
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]

    def send(self, name: str, period: str, *, resume: bool = False, rerun: bool = False) -> Any:
        """What the supervisor page sends: ``core.run_job``."""
        return self.client.send_task(
            "core.run_job", args=[name, period, None, resume, rerun], queue=self.queue
        )

    def stop(self) -> None:
        for process, log in self.processes:
            stop_process(process)
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        self._forget_queue()
        self.client.close()

    def _forget_queue(self) -> None:
        """Remove this queue and the messages a killed worker left unacknowledged on it from
        Redis, so no later worker restores them once their visibility timeout is over."""
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            for tag, raw in client.hgetall("unacked").items():
                try:
                    _message, _exchange, routing_key = json.loads(raw)
                except ValueError:
                    continue
                if routing_key == self.queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
            client.delete(self.queue)
        finally:
            client.close()


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_for(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.2)


def run_status(name: str, period: str) -> str | None:
    return JobRun.objects.filter(job=name, period=period).values_list("status", flat=True).first()


def workers_pool(tmp_path: Path) -> Iterator[Workers]:
    """The body of the ``workers`` fixture (tests/conftest.py)."""
    celery_app.set_current()  # another test's Celery() may have made itself current
    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process cannot share SQLite's in-memory test database; "
            "run with DATABASE_URL=postgres://… (CI does)"
        )
    url = redis_url()  # skips without Redis, fails under CI=true
    pool = Workers(url, f"test-jobs-{uuid.uuid4().hex[:12]}", tmp_path)
    try:
        yield pool
    finally:
        pool.stop()
