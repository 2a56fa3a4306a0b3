"""A supervisor's feed upload through a real Celery worker on Redis and PostgreSQL (CUST-9,
D-IMPORT-5): the run's progress is visible while the import's transaction is open; the worker
dies mid-import; the run, stuck in "running", runs again from its page to the same result.

Skipped without Redis (failed under CI=true) and on SQLite.
"""

from __future__ import annotations

import signal
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membership.models import ImportRun, Usage
from tests.factories import CustomerFactory
from tests.workers import Workers, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROWS = 24_000  # progress is written every 10,000 rows
CATEGORIES = ("domestic_voice", "domestic_data", "domestic_sms", "other")


def usage_feed() -> str:
    first = date(2005, 1, 1)
    lines = [
        f"13900000001,{first + timedelta(days=i // len(CATEGORIES))},{CATEGORIES[i % 4]},1.50\n"
        for i in range(ROWS)
    ]
    return "msisdn,date,category,amount\n" + "".join(lines)


def test_conv_5_a_worker_killed_mid_import_leaves_a_run_that_runs_again_to_the_same_result(
    workers: Workers, settings: Any, tmp_path: Path, supervisor: Any
) -> None:
    settings.MEDIA_ROOT = media = tmp_path / "media"
    CustomerFactory(msisdn="13900000001")
    content = usage_feed().encode()
    run = ImportRun.objects.create(
        feed="usage",
        file=default_storage.save("imports/test/usage.csv", ContentFile(content)),
        original_name="usage.csv",
        size=len(content),
        created_by=supervisor,
    )
    (workers.folder / f"block-{run.pk}").touch()  # the import stops after its first progress
    (worker,) = workers.start(
        1,
        MEDIA_ROOT=str(media),
        CELERY_IMPORTS="membership.tests.import_probes",
        IMPORT_PROBE_DIR=str(workers.folder),
    )

    workers.client.send_task("membership.run_import", args=[run.pk], queue=workers.queue)
    wait_for((workers.folder / f"progress-{run.pk}").exists, "the import's first progress")

    # Mid-import, from the page's side: the progress, and none of the rows yet.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor)
    data = client.get(reverse("membership:import_run_progress", kwargs={"pk": run.pk})).json()
    assert data["status"] == "running"
    assert 0 < data["bytes_read"] < data["size"] == len(content)
    assert 0 < data["percent"] < 100
    assert Usage.objects.count() == 0

    worker.send_signal(signal.SIGKILL)  # the worker dies in the middle of the import
    worker.wait(timeout=20)
    run.refresh_from_db()
    assert run.status == "running"  # stuck: nobody will finish it
    assert Usage.objects.count() == 0  # its transaction died with it

    # An hour later the page offers "run again"; the supervisor confirms (in-process here).
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=2))
    again = reverse("membership:import_run_again", kwargs={"pk": run.pk})
    assert client.get(again).status_code == 200
    response = client.post(again)

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.counts == {"rows": ROWS, "created": ROWS, "updated": 0}
    assert run.attempts == 2
    assert run.bytes_read == run.size
    assert Usage.objects.count() == ROWS
    assert not run.file
    assert not any(p.is_file() for p in media.rglob("*"))
