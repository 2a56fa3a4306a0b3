"""Uploaded billing feeds run in the background as ImportRun rows (CUST-9, D-IMPORT-5/6).

The task ``membership.run_import`` is sent on commit; the tests run it in-process, as the
embedded default does without Redis (``django_capture_on_commit_callbacks(execute=True)``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from membership.models import Bill, ImportFeed, ImportRun, ImportRunEvent
from membership.services import imports
from membership.services.imports import (
    FEEDS,
    feed_import,
    import_run_create,
    import_run_execute,
    import_run_set_status,
)
from membership.services.imports import runs as runs_module
from membership.tasks import run_import
from tests.factories import CustomerFactory

UPLOAD = reverse("membership:import_upload")
HEADER = "msisdn,month,total\n"
GOOD = HEADER + "13900000001,2025-01,128.50\n13900000002,2025-01,66.00\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def customers(db: Any) -> None:
    CustomerFactory(msisdn="13900000001")
    CustomerFactory(msisdn="13900000002")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run ``work``, then what it sent on commit (the import task), as without Redis."""

    def run(work: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run


def upload(content: str, name: str = "bills.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def detail(run: ImportRun) -> str:
    return reverse("membership:import_run_detail", kwargs={"pk": run.pk})


def again(run: ImportRun) -> str:
    return reverse("membership:import_run_again", kwargs={"pk": run.pk})


def progress(run: ImportRun) -> str:
    return reverse("membership:import_run_progress", kwargs={"pk": run.pk})


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def bills() -> list[tuple[str, date, Decimal]]:
    return list(
        Bill.objects.order_by("customer__msisdn", "month").values_list(
            "customer__msisdn", "month", "total"
        )
    )


def queued_run(content: str, actor: Any, *, dry_run: bool = False) -> ImportRun:
    """A stored upload whose task has not run (its on-commit callback is dropped)."""
    return import_run_create(
        feed="bills", uploaded_file=upload(content), dry_run=dry_run, actor=actor
    )


# --- Upload → run → page ---------------------------------------------------------------------


def test_cust_9_an_upload_runs_in_process_and_its_page_shows_the_summary(
    supervisor: Any, customers: None, media: Path, on_commit: Callable[..., Any]
) -> None:
    client = client_for(supervisor)

    response = on_commit(lambda: client.post(UPLOAD, {"feed": "bills", "file": upload(GOOD)}))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(run)
    assert (run.status, run.feed, run.original_name, run.dry_run) == (
        ImportRun.Status.SUCCEEDED,
        "bills",
        "bills.csv",
        False,
    )
    assert run.counts == {"rows": 2, "created": 2, "updated": 0}
    assert run.size == len(GOOD.encode()) == run.bytes_read
    assert run.created_by == supervisor
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.attempts == 1
    assert bills() == [
        ("13900000001", date(2025, 1, 1), Decimal("128.50")),
        ("13900000002", date(2025, 1, 1), Decimal("66.00")),
    ]
    page = client.get(detail(run)).content.decode()
    assert "Bills feed imported: created 2, updated 0." in page
    assert 'data-testid="import-uploaded-by">supervisor<' in page
    assert 'data-testid="run-again"' not in page
    assert "data-progress-url" not in page  # finished: nothing to poll
    # D-IMPORT-6: a finished run keeps no copy of the file.
    assert not run.file
    assert stored_files(media) == []


def test_cust_9_the_upload_sends_the_task_only_when_it_commits(
    supervisor: Any, customers: None, django_capture_on_commit_callbacks: Any, media: Path
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        run = queued_run(GOOD, supervisor)

    run.refresh_from_db()
    assert (run.status, Bill.objects.count(), len(callbacks)) == (ImportRun.Status.QUEUED, 0, 1)
    assert len(stored_files(media)) == 1
    assert stored_files(media)[0].read_text() == GOOD

    callbacks[0]()  # the commit: the task runs (in-process, no broker in the tests)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert Bill.objects.count() == 2


def test_cust_9_a_file_with_bad_rows_fails_the_run_with_every_bad_line_and_imports_nothing(
    supervisor: Any, customers: None, media: Path, on_commit: Callable[..., Any]
) -> None:
    content = HEADER + "13900000001,2025-01,1.00\n"
    content += "".join(f"1390000{i:04d},2025-01,1\n" for i in range(3, 233))  # 230 unknown

    run = on_commit(lambda: queued_run(content, supervisor))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.error_count == 230
    assert len(run.errors) == 200
    assert run.hidden_errors == 30
    assert run.errors[0] == {"line": 3, "message": "msisdn: no customer has the number 13900000003"}
    assert [e["line"] for e in run.errors] == list(range(3, 203))  # in line order
    assert run.counts == {"rows": 231, "created": 0, "updated": 0}
    assert Bill.objects.count() == 0
    assert stored_files(media) == []
    page = client_for(supervisor).get(detail(run)).content.decode()
    assert "230 bad lines — nothing was imported" in page
    assert "…and 30 more bad lines, not shown. Run the import command to list them all." in page
    assert page.count("no customer has the number") == 200
    assert 'data-testid="run-again"' not in page  # upload a corrected file instead


def test_cust_9_a_dry_run_counts_and_writes_nothing(
    supervisor: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = on_commit(lambda: queued_run(GOOD, supervisor, dry_run=True))

    run.refresh_from_db()
    assert (run.status, run.dry_run) == (ImportRun.Status.SUCCEEDED, True)
    assert run.counts == {"rows": 2, "created": 2, "updated": 0}
    assert Bill.objects.count() == 0
    page = client_for(supervisor).get(detail(run)).content.decode()
    assert "Dry run of the Bills feed: the file is valid and would give created 2, updated 0." in (
        page
    )


def test_a_run_that_crashes_is_an_error_keeps_its_file_and_imports_nothing(
    supervisor: Any,
    customers: None,
    media: Path,
    on_commit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(runs_module, "feed_import", crash)

    run = on_commit(lambda: queued_run(GOOD, supervisor))

    run.refresh_from_db()
    assert (run.status, run.error) == (ImportRun.Status.ERROR, "RuntimeError: disk on fire")
    assert run.file
    assert len(stored_files(media)) == 1
    assert Bill.objects.count() == 0
    page = client_for(supervisor).get(detail(run)).content.decode()
    assert "RuntimeError: disk on fire" in page
    assert f'href="{again(run)}"' in page


def test_a_duplicate_delivery_of_the_task_does_nothing(
    supervisor: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = on_commit(lambda: queued_run(GOOD, supervisor))
    run.refresh_from_db()

    outcome = run_import.apply(args=(run.pk,)).get()

    assert outcome == {"run": run.pk, "action": "skipped", "status": ImportRun.Status.SUCCEEDED}
    assert ImportRunEvent.objects.filter(run=run).count() == 2  # queued→running→succeeded
    assert import_run_execute(run_id=999999) == {"run": 999999, "action": "missing"}


def test_cust_9_the_models_feed_choices_are_the_services_feeds() -> None:
    assert ImportFeed.values == list(FEEDS)


# --- Progress ----------------------------------------------------------------------------------


def test_feed_import_tells_the_bytes_read_every_n_rows_and_at_the_end(
    customers: None, tmp_path: Path
) -> None:
    content = HEADER + "".join(f"1390000000{1 + i % 2},2025-{i + 1:02d},1.00\n" for i in range(5))
    path = tmp_path / "bills.csv"
    path.write_text(content)
    seen: list[int] = []

    result = feed_import(feed="bills", path_or_file=path, progress=seen.append, progress_every=2)

    assert result.summary == "created 5, updated 0"
    line = len("13900000001,2025-01,1.00\n")
    assert seen == [len(HEADER) + 2 * line, len(HEADER) + 4 * line, len(content)]


def test_feed_import_without_progress_reads_the_same(customers: None, tmp_path: Path) -> None:
    path = tmp_path / "bills.csv"
    path.write_text(GOOD)

    assert feed_import(feed="bills", path_or_file=path).summary == "created 2, updated 0"


def test_the_progress_json_reports_bytes_read_size_and_status(supervisor: Any) -> None:
    run = ImportRun.objects.create(
        feed="bills",
        original_name="b.csv",
        size=2048,
        bytes_read=512,
        status=ImportRun.Status.RUNNING,
    )
    client = client_for(supervisor)

    data = client.get(progress(run)).json()

    assert data == {
        "id": run.pk,
        "status": "running",
        "status_label": "Running",
        "badge": "warn",
        "bytes_read": 512,
        "size": 2048,
        "percent": 25,
        "text": "512\xa0bytes of 2.0\xa0KB read",
        "finished": False,
        "error_count": 0,
        "error": "",
    }
    page = client.get(detail(run)).content.decode()
    assert f'data-progress-url="{progress(run)}" data-reload-on-finish' in page
    assert 'style="width: 25%"' in page

    ImportRun.objects.filter(pk=run.pk).update(bytes_read=2048)
    assert client.get(progress(run)).json()["text"] == "File read; checking and writing…"

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, error_count=3)
    data = client.get(progress(run)).json()
    assert (data["status"], data["percent"], data["finished"], data["badge"]) == (
        "failed",
        100,
        True,
        "bad",
    )
    assert data["error_count"] == 3


def test_the_upload_page_lists_a_running_run_with_its_live_progress_bar(supervisor: Any) -> None:
    run = ImportRun.objects.create(
        feed="usage",
        original_name="u.csv",
        size=100,
        status=ImportRun.Status.QUEUED,
        created_by=supervisor,
    )

    page = client_for(supervisor).get(UPLOAD).content.decode()

    assert f'data-progress-url="{progress(run)}"' in page
    assert "Waiting for a worker…" in page
    assert "js/jobs.js" in page


# --- Run again (CONV-5) ------------------------------------------------------------------------


def stuck(run: ImportRun, *, minutes: int = 120) -> ImportRun:
    """The run as a worker that died mid-import leaves it: running, started long ago."""
    import_run_set_status(run, ImportRun.Status.RUNNING, note="started")
    ImportRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes), bytes_read=10
    )
    run.refresh_from_db()
    return run


def test_conv_5_a_stuck_run_runs_again_after_confirmation_with_the_same_result(
    supervisor: Any, superuser: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = stuck(queued_run(GOOD, supervisor))
    client = client_for(superuser)
    page = client.get(detail(run)).content.decode()
    assert 'data-testid="import-stale"' in page
    assert f'href="{again(run)}"' in page

    confirm = client.get(again(run))

    assert confirm.status_code == 200
    assert b"Run the import again?" in confirm.content
    run.refresh_from_db()
    assert (run.status, Bill.objects.count()) == (
        ImportRun.Status.RUNNING,
        0,
    )  # the GET changed nothing

    response = on_commit(lambda: client.post(again(run)))

    assert response.status_code == 302
    assert response["Location"] == detail(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.counts == {"rows": 2, "created": 2, "updated": 0}
    assert run.attempts == 2
    assert run.created_by == supervisor  # still the uploader's import
    moves = list(run.events.values_list("from_status", "to_status", "actor__username"))
    assert moves == [
        ("queued", "running", None),
        ("running", "queued", "root"),
        ("queued", "running", None),
        ("running", "succeeded", None),
    ]
    assert bills() == [
        ("13900000001", date(2025, 1, 1), Decimal("128.50")),
        ("13900000002", date(2025, 1, 1), Decimal("66.00")),
    ]


def test_conv_5_a_run_whose_worker_died_after_committing_comes_out_the_same(
    supervisor: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    """The import committed, then the worker died before recording it: run again, the
    database is the same (the import is all-or-nothing and keyed, CUST-9)."""
    run = stuck(queued_run(GOOD, supervisor))
    feed_import(feed="bills", path_or_file=run.file.path, actor=supervisor)
    before = bills()

    on_commit(lambda: client_for(supervisor).post(again(run)))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.counts == {"rows": 2, "created": 0, "updated": 2}
    assert bills() == before


def test_conv_5_a_crashed_run_runs_again(
    supervisor: Any,
    customers: None,
    on_commit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(runs_module, "feed_import", lambda **kwargs: 1 / 0)
        run = on_commit(lambda: queued_run(GOOD, supervisor))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.ERROR

    on_commit(lambda: client_for(supervisor).post(again(run)))

    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == (ImportRun.Status.SUCCEEDED, "", 2)
    assert Bill.objects.count() == 2


def test_conv_5_a_running_run_that_is_not_stale_does_not_run_again(
    supervisor: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = stuck(queued_run(GOOD, supervisor), minutes=5)
    client = client_for(supervisor)
    assert f'href="{again(run)}"' not in client.get(detail(run)).content.decode()

    for response in (client.get(again(run)), on_commit(lambda: client.post(again(run)))):
        assert response.status_code == 302
        assert response["Location"] == detail(run)

    run.refresh_from_db()
    assert (run.status, run.attempts, Bill.objects.count()) == (ImportRun.Status.RUNNING, 1, 0)
    page = client.get(detail(run)).content.decode()
    assert "This import is still in progress; it can run again once it looks stuck." in page


def test_conv_5_a_run_with_bad_rows_does_not_run_again(
    supervisor: Any, on_commit: Callable[..., Any]
) -> None:
    run = on_commit(lambda: queued_run(HEADER + "13900000009,2025-01,1\n", supervisor))
    client = client_for(supervisor)

    response = on_commit(lambda: client.post(again(run), follow=True))

    run.refresh_from_db()
    assert (run.status, run.attempts) == (ImportRun.Status.FAILED, 1)
    assert "upload a corrected file" in response.content.decode()


def test_conv_5_a_queued_run_whose_task_was_lost_is_sent_again(
    supervisor: Any, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = queued_run(GOOD, supervisor)  # its task never ran
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=2))

    on_commit(lambda: client_for(supervisor).post(again(run)))

    run.refresh_from_db()
    assert (run.status, Bill.objects.count()) == (ImportRun.Status.SUCCEEDED, 2)


@pytest.mark.parametrize("persona", ["counter_clerk", "account_manager", "outsider"])
def test_only_supervisors_run_an_import_again(
    personas: dict[str, Any], persona: str, customers: None, on_commit: Callable[..., Any]
) -> None:
    run = stuck(queued_run(GOOD, personas["supervisor"]))

    response = on_commit(lambda: client_for(personas[persona]).post(again(run)))

    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.status, Bill.objects.count()) == (ImportRun.Status.RUNNING, 0)


# --- The list ------------------------------------------------------------------------------------


def test_the_upload_page_lists_the_runs_newest_first_with_who_uploaded_25_a_page(
    supervisor: Any, clerk: Any
) -> None:
    start = timezone.now() - timedelta(days=1)
    for i in range(30):
        ImportRun.objects.create(
            feed="bills",
            original_name=f"bills-{i:02d}.csv",
            size=10,
            status=ImportRun.Status.SUCCEEDED,
            counts={"created": i, "updated": 0},
            created_by=clerk if i == 29 else supervisor,
            created_at=start + timedelta(minutes=i),
        )
    client = client_for(supervisor)

    first = client.get(UPLOAD).content.decode()
    second = client.get(UPLOAD, {"page": 2}).content.decode()

    assert first.index("bills-29.csv") < first.index("bills-28.csv") < first.index("bills-05.csv")
    assert "bills-04.csv" not in first
    assert "Page 1 of 2" in first
    assert "<td>clerk</td>" in first
    assert "<td>supervisor</td>" in first
    assert "created 29, updated 0" in first
    assert [f"bills-{i:02d}.csv" in second for i in range(6)] == [True] * 5 + [False]


# --- The state machine -----------------------------------------------------------------------

REFUSED = [
    (origin, to)
    for origin in ImportRun.Status.values
    for to in ImportRun.Status.values
    if to not in ImportRun.TRANSITIONS[origin]
]


@pytest.mark.parametrize(("origin", "to"), REFUSED)
def test_the_import_state_machine_refuses_the_moves_it_does_not_list(origin: str, to: str) -> None:
    run = ImportRun.objects.create(feed="bills", original_name="b.csv", size=1, status=origin)

    with pytest.raises(DomainError) as refused:
        import_run_set_status(run, to)

    assert refused.value.code == "bad_transition"
    run.refresh_from_db()
    assert run.status == origin
    assert not run.events.exists()


def test_the_finished_statuses_are_final_and_only_a_crash_runs_again() -> None:
    assert ImportRun.TRANSITIONS[ImportRun.Status.SUCCEEDED] == frozenset()
    assert ImportRun.TRANSITIONS[ImportRun.Status.FAILED] == frozenset()
    assert ImportRun.TRANSITIONS[ImportRun.Status.ERROR] == frozenset({ImportRun.Status.QUEUED})
    assert ImportRun.Status.QUEUED in ImportRun.TRANSITIONS[ImportRun.Status.RUNNING]


def test_a_move_loses_to_a_concurrent_one_and_says_so(supervisor: Any) -> None:
    run = ImportRun.objects.create(feed="bills", original_name="b.csv", size=1)
    seen_by_other = ImportRun.objects.get(pk=run.pk)
    assert import_run_set_status(run, ImportRun.Status.RUNNING, actor=supervisor)

    assert import_run_set_status(seen_by_other, ImportRun.Status.RUNNING) is False
    assert run.events.count() == 1


# --- PostgreSQL: the progress is visible while the import's transaction is open ---------------


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the progress connection is PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_cust_9_another_connection_sees_the_progress_while_the_import_runs(
    postgres: None, supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    CustomerFactory(msisdn="13900000001")
    content = HEADER + "".join(
        f"13900000001,{2000 + i // 12}-{i % 12 + 1:02d},1\n" for i in range(60)
    )
    monkeypatch.setattr(runs_module, "PROGRESS_EVERY", 10)
    observer = connections.create_connection("default")  # as the page's poll would look
    seen: list[tuple[int, str, int]] = []
    write = runs_module._ProgressWriter.__call__

    def write_and_look(self: Any, bytes_read: int) -> None:
        write(self, bytes_read)
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT bytes_read, status, (SELECT COUNT(*) FROM membership_bill) "
                "FROM membership_importrun WHERE id = %s",
                [self.run_id],
            )
            seen.append(cursor.fetchone())

    monkeypatch.setattr(runs_module._ProgressWriter, "__call__", write_and_look)
    try:
        run = queued_run(content, supervisor)  # no outer transaction: the task runs now
    finally:
        observer.close()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert Bill.objects.count() == 60
    assert len(seen) == 7  # every 10 rows, and at the end
    assert {(status, bills) for _read, status, bills in seen} == {("running", 0)}
    reads = [read for read, _status, _bills in seen]
    assert reads == sorted(reads)
    assert 0 < reads[0] < run.size == reads[-1] == run.bytes_read
    assert imports.PROGRESS_EVERY == 10_000  # the default is untouched


# --- Import the file a dry run checked (D-IMPORT-6) ---------------------------------------------


def apply_url(run: ImportRun) -> str:
    return reverse("membership:import_run_apply", kwargs={"pk": run.pk})


def test_cust_9_a_passed_dry_run_imports_its_checked_file_once(
    supervisor: Any, customers: None, media: Path, on_commit: Callable[..., Any]
) -> None:
    checked = on_commit(lambda: queued_run(GOOD, supervisor, dry_run=True))
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.SUCCEEDED
    assert len(stored_files(media)) == 1  # kept for "Import this file"
    client = client_for(supervisor)
    assert apply_url(checked) in client.get(detail(checked)).content.decode()
    assert client.get(apply_url(checked)).status_code == 200  # the confirmation step
    assert Bill.objects.count() == 0  # a GET changes nothing

    response = on_commit(lambda: client.post(apply_url(checked)))

    applied = ImportRun.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == detail(applied)
    assert (applied.status, applied.dry_run, applied.checked_by) == (
        ImportRun.Status.SUCCEEDED,
        False,
        checked,
    )
    assert applied.created_by == supervisor
    assert bills() == [
        ("13900000001", date(2025, 1, 1), Decimal("128.50")),
        ("13900000002", date(2025, 1, 1), Decimal("66.00")),
    ]
    assert stored_files(media) == []  # the import finished: no copy is kept
    checked.refresh_from_db()
    assert not checked.file
    # A second "Import this file" finds nothing to import and says so.
    again_response = client.post(apply_url(checked), follow=True)
    assert "no longer stored" in again_response.content.decode()
    assert ImportRun.objects.count() == 2


def test_cust_9_only_a_passed_dry_run_offers_to_import_its_file(
    supervisor: Any, customers: None, media: Path, on_commit: Callable[..., Any]
) -> None:
    real = on_commit(lambda: queued_run(GOOD, supervisor))
    bad = on_commit(
        lambda: queued_run(HEADER + "13900000001,2025-13,1\n", supervisor, dry_run=True)
    )

    for run in (real, bad):
        run.refresh_from_db()
        with pytest.raises(DomainError, match="Only a dry run that passed"):
            imports.import_run_apply(run=run, actor=supervisor)
        assert apply_url(run) not in client_for(supervisor).get(detail(run)).content.decode()
    assert stored_files(media) == []


def test_cust_9_a_checked_file_nobody_imported_is_deleted_after_a_day(
    supervisor: Any, customers: None, media: Path, on_commit: Callable[..., Any]
) -> None:
    old = on_commit(lambda: queued_run(GOOD, supervisor, dry_run=True))
    recent = on_commit(lambda: queued_run(GOOD, supervisor, dry_run=True))
    ImportRun.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    assert len(stored_files(media)) == 2

    assert imports.import_checked_files_expire() == {"deleted": 1}
    assert imports.import_checked_files_expire() == {"deleted": 0}  # safe to run twice

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file
    assert recent.file
    assert len(stored_files(media)) == 1
    with pytest.raises(DomainError, match="no longer stored"):
        imports.import_run_apply(run=old, actor=supervisor)
