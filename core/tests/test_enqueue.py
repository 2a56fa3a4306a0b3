"""Sending a task from a request while Redis is down (core/enqueue.py, D-TRUST-13)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from core.enqueue import enqueue


class Task:
    """A Celery task's sending surface, recording what was sent."""

    def __init__(self, *, eager: bool, fails: Exception | None = None) -> None:
        self.app = SimpleNamespace(conf=SimpleNamespace(task_always_eager=eager))
        self.fails = fails
        self.sent: list[tuple[str, Any, dict[str, Any]]] = []

    def apply_async(self, args: Any = (), **options: Any) -> None:
        if self.fails is not None:
            raise self.fails
        self.sent.append(("apply_async", args, options))

    def delay(self, *args: Any) -> None:
        if self.fails is not None:
            raise self.fails
        self.sent.append(("delay", args, {}))


def test_with_a_broker_the_task_is_sent_without_waiting_for_a_result() -> None:
    task = Task(eager=False)

    assert enqueue(task, args=(7,), what="import run 7") is True

    assert task.sent == [("apply_async", (7,), {"ignore_result": True})]


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        RedisConnectionError("Connection refused"),
        RuntimeError("Retry limit exceeded while trying to reconnect to the result store"),
        TimeoutError("timed out"),
    ],
)
def test_an_unreachable_broker_is_logged_not_raised(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    task = Task(eager=False, fails=error)

    assert enqueue(task, args=(7,), what="import run 7") is False

    assert "import run 7 not sent: the broker is unreachable" in caplog.text


def test_in_process_the_task_runs_as_before_and_its_errors_propagate() -> None:
    task = Task(eager=True)
    enqueue(task, args=(7,), what="import run 7")
    assert task.sent == [("delay", (7,), {})]

    failing = Task(eager=True, fails=RuntimeError("a bug in the task"))
    with pytest.raises(RuntimeError, match="a bug in the task"):
        enqueue(failing, what="import run 7")


def test_a_fresh_web_process_finds_every_apps_task_by_name() -> None:
    """A web process imports no tasks module: sending by name must still find the task
    (gunicorn answered 500 NotRegistered before task_named imported them as a worker does)."""
    code = (
        "import django; django.setup(); from core.enqueue import task_named; "
        "print(task_named('servicedesk.send_outbox').name, task_named('core.run_job').name, "
        "task_named('membership.run_import').name)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "servicedesk.send_outbox",
        "core.run_job",
        "membership.run_import",
    ]
