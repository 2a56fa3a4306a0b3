"""A real Celery worker process on Redis: a task goes out through the broker and comes back."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.services import redis_url
from tests.workers import worker_argv

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.redis, pytest.mark.worker]


@pytest.fixture
def worker_queue() -> Iterator[tuple[str, str]]:
    """Start `celery -A config worker` on a queue of its own; yield (broker url, queue)."""
    url = redis_url()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "REDIS_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    process = subprocess.Popen(
        worker_argv(queue, queue),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield url, queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])


def test_a_task_round_trips_through_a_real_worker(worker_queue: tuple[str, str]) -> None:
    url, queue = worker_queue
    client = Celery("probe", broker=url, backend=url, set_as_current=False)
    client.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    token = uuid.uuid4().hex
    result = client.send_task("core.ping", args=[token], queue=queue)
    assert result.get(timeout=60) == f"pong:{token}"
