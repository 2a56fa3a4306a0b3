"""Sending a Celery task from a request without making the request depend on Redis
(decisions.md D-TRUST-13).

``enqueue(task, ...)`` sends the task; when the broker cannot be reached it logs that and
returns False instead of raising: the caller's row (a stored SMS, a queued import) is already
committed and stays where a sweep finds it once Redis is back, so the clerk's page answers
normally. Sends are fire-and-forget (``ignore_result``): the web process never waits for a
result, and subscribing to one is a second Redis round-trip that can fail.

Without a broker (the embedded default: tasks run in-process) the task runs here and its
errors propagate as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What sending raises while Redis is down: kombu's wrapper of the connection error, a Redis
# or socket error, and the RuntimeError of the result backend's give-up (celery.backends
# .asynchronous, "Retry limit exceeded …") from a send that does want its result.
UNREACHABLE = (BrokerError, RedisError, OSError, RuntimeError)


def task_named(name: str) -> Any:
    """The registered Celery task called ``name``. Services send their app's tasks by name,
    so a service never imports the tasks module that imports it (tasks are thin adapters
    over the services; the app's registry has every app's tasks.py once finalised)."""
    from celery import current_app

    if name not in current_app.tasks:
        # A web process has imported no tasks module: the apps' tasks.py are imported as a
        # worker imports them (autodiscovery runs on this signal), once.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task: Any, *, args: Sequence[Any] = (), what: str, **options: Any) -> bool:
    """Send ``task`` (a Celery task, or its name) with ``args``; True once the broker has it,
    False when it could not be reached (``what`` names the work in the log line)."""
    if isinstance(task, str):
        task = task_named(task)
    if task.app.conf.task_always_eager:  # in-process: the call it always was
        if options:
            task.apply_async(args=tuple(args), **options)
        else:
            task.delay(*args)
        return True
    try:
        task.apply_async(args=tuple(args), ignore_result=True, **options)
    except UNREACHABLE:
        logger.warning(
            "%s not sent: the broker is unreachable; the sweep sends it once it is back",
            what,
            exc_info=True,
        )
        return False
    return True
