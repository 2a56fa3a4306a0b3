"""Import runs whose task never reached the broker are sent again (D-TRUST-13)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from membership.models import ImportRun, ImportRunEvent
from membership.services.imports.runs import RESEND_QUEUED_AFTER, import_runs_resend
from membership.tasks import run_import

pytestmark = pytest.mark.django_db


def make_run(
    *, status: str = ImportRun.Status.QUEUED, age: timedelta, supervisor: Any
) -> ImportRun:
    run = ImportRun.objects.create(
        feed="bills", file="imports/x.csv", original_name="x.csv", size=1, created_by=supervisor
    )
    ImportRun.objects.filter(pk=run.pk).update(status=status, created_at=timezone.now() - age)
    return run


def test_a_run_queued_longer_than_the_wait_is_sent_again(supervisor: Any) -> None:
    old = make_run(age=RESEND_QUEUED_AFTER + timedelta(minutes=1), supervisor=supervisor)
    make_run(age=timedelta(minutes=1), supervisor=supervisor)  # its task may still come
    make_run(
        status=ImportRun.Status.RUNNING, age=timedelta(hours=2), supervisor=supervisor
    )  # taken
    make_run(
        status=ImportRun.Status.ERROR, age=timedelta(hours=2), supervisor=supervisor
    )  # a human's call

    with mock.patch.object(run_import, "delay") as delay:
        assert import_runs_resend() == {"waiting": 1, "sent": 1}

    delay.assert_called_once_with(old.pk)


def test_a_run_queued_again_recently_waits_from_its_new_queueing(supervisor: Any) -> None:
    run = make_run(age=timedelta(hours=3), supervisor=supervisor)  # uploaded long ago …
    ImportRunEvent.objects.create(  # … and sent to run again a minute ago
        run=run,
        from_status=ImportRun.Status.ERROR,
        to_status=ImportRun.Status.QUEUED,
        at=timezone.now() - timedelta(minutes=1),
    )

    with mock.patch.object(run_import, "delay") as delay:
        assert import_runs_resend() == {"waiting": 0, "sent": 0}
        assert import_runs_resend(now=timezone.now() + RESEND_QUEUED_AFTER) == {
            "waiting": 1,
            "sent": 1,
        }

    delay.assert_called_once_with(run.pk)
