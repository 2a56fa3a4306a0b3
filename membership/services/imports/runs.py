"""Supervisors' uploads, run in the background: one ImportRun per uploaded file (D-IMPORT-5/6).

upload → ``import_run_create`` (file stored, run queued, task ``membership.run_import`` sent
on commit) → the task calls ``import_run_execute`` (claims the run, imports the stored file
with the same service as the commands, records the outcome, drops the file of a finished
run) → the run's page polls ``bytes_read`` while it runs. Without Redis the task runs
in-process on commit, so the upload request returns with the run already finished.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.actors import recorded_actor
from core.enqueue import enqueue
from core.errors import DomainError
from core.programme import programme
from core.runs import error_text, run_is_stale, run_set_status
from membership.models import ImportRun
from membership.services.imports.feeds import FEEDS, PROGRESS_EVERY
from membership.services.imports.pipeline import feed_import

logger = logging.getLogger(__name__)

SHOWN_ERRORS = 200  # bad lines kept on a run and shown on its page; the command prints all
PROGRESS_LOCK_TIMEOUT_MS = 2000
# A queued run not started after this long lost its task (D-TRUST-13): it is sent again.
RESEND_QUEUED_AFTER = timedelta(minutes=10)


# --- The state machine -------------------------------------------------------------------------


def import_run_set_status(
    run: ImportRun, to: str, *, actor: Any = None, note: str = "", **fields: Any
) -> bool:
    """Move ``run`` to status ``to`` (core.runs.run_set_status): refused (DomainError) when
    the move is not allowed, False when somebody else moved the run meanwhile, True when
    moved, with its history row. A start or a run sent again reads from the first byte."""
    return run_set_status(
        run,
        to,
        refusal=_("An import that is %(origin)s cannot become %(to)s.")
        % {"origin": ImportRun.Status(run.status).label, "to": ImportRun.Status(to).label},
        actor=actor,
        note=note,
        **fields,
    )


def import_run_is_stale(run: ImportRun, *, now: datetime | None = None) -> bool:
    """A queued or running run with no end in sight (core.runs.run_is_stale): queued or
    started longer ago than JOB_STALE_MINUTES (60, more than the task's 30-minute hard time
    limit, after which Celery kills the task), so its worker or its task is gone."""
    return run_is_stale(
        run, after=lambda: timedelta(minutes=int(programme("JOB_STALE_MINUTES"))), now=now
    )


def import_run_rerun_refusal(run: ImportRun, *, now: datetime | None = None) -> str | None:
    """Why ``run`` may not run again, or None if it may (CONV-5): a crashed run (error), or one
    whose worker or task is gone (stale), runs again from its stored file — the import is
    all-or-nothing, so the same file gives the same result. A run that found bad rows may
    not (upload a corrected file), nor a finished one, nor one whose file is gone."""
    if run.status == ImportRun.Status.FAILED:
        return _("An import that found bad rows cannot run again; upload a corrected file.")
    if run.status == ImportRun.Status.SUCCEEDED:
        return _("This import succeeded; upload the file again to import it again.")
    if not run.file.name:
        return _("The file of this import is no longer stored; upload it again.")
    if run.status == ImportRun.Status.ERROR or import_run_is_stale(run, now=now):
        return None
    return _("This import is still in progress; it can run again once it looks stuck.")


def import_run_can_rerun(run: ImportRun, *, now: datetime | None = None) -> bool:
    return import_run_rerun_refusal(run, now=now) is None


# --- Upload, run, run again --------------------------------------------------------------------


def import_run_create(
    *, feed: str, uploaded_file: UploadedFile, dry_run: bool, actor: Any
) -> ImportRun:
    """CUST-9: store the uploaded feed as a queued run and send it to the workers on commit
    (in-process without a broker: the run is finished when this returns)."""
    if feed not in FEEDS:
        raise DomainError(_("Unknown feed “%(feed)s”.") % {"feed": feed})
    name = uploaded_file.name or "upload.csv"
    run = ImportRun(
        feed=feed,
        original_name=name[-255:],
        size=uploaded_file.size or 0,
        dry_run=dry_run,
        created_by=recorded_actor(actor),
    )
    run.file.save(name, uploaded_file, save=False)
    try:
        run.save()
    except BaseException:
        run.file.storage.delete(run.file.name or "")
        raise
    _send(run)
    run.refresh_from_db()
    return run


def import_run_rerun(*, run: ImportRun, actor: Any) -> ImportRun:
    """CONV-5: run a crashed or stuck import again, from its stored file (all-or-nothing,
    so what a dead worker may have committed is simply imported again, unchanged)."""
    refusal = import_run_rerun_refusal(run)
    if refusal is not None:
        raise DomainError(refusal, code="not_rerunnable")
    if run.status != ImportRun.Status.QUEUED and not import_run_set_status(
        run, ImportRun.Status.QUEUED, actor=actor, note="run again"
    ):
        raise DomainError(_("The import changed meanwhile; look at it again."))
    _send(run)
    run.refresh_from_db()
    return run


def import_run_apply_refusal(run: ImportRun) -> str | None:
    """Why the file of ``run`` may not be imported from its page, or None if it may: only a
    dry run that passed and still holds its file (D-IMPORT-6)."""
    if not (run.dry_run and run.status == ImportRun.Status.SUCCEEDED):
        return _("Only a dry run that passed can import its file.")
    if not run.file.name:
        return _(
            "The checked file is no longer stored (imported already, or kept past its day); "
            "upload it again."
        )
    return None


def import_run_apply(*, run: ImportRun, actor: Any) -> ImportRun:
    """CUST-9: import the file a dry run checked, as a new run (the file moves to it, so it
    is imported once). The import validates the whole file again: what changed since the
    dry run is reported by the new run, all or nothing as always."""
    refusal = import_run_apply_refusal(run)
    if refusal is not None:
        raise DomainError(refusal, code="not_applicable")
    name = run.file.name
    with transaction.atomic():
        if not ImportRun.objects.filter(pk=run.pk, file=name).update(file=""):
            raise DomainError(_("The import changed meanwhile; look at it again."))
        applied = ImportRun.objects.create(
            feed=run.feed,
            file=name,
            original_name=run.original_name,
            size=run.size,
            dry_run=False,
            created_by=recorded_actor(actor),
            checked_by=run,
        )
        _send(applied)
    applied.refresh_from_db()
    return applied


def import_checked_files_expire(*, now: datetime | None = None) -> dict[str, int]:
    """D-IMPORT-6: delete the files that passed dry runs kept and nobody imported within
    IMPORT_CHECKED_FILE_HOURS (the daily job ``import_files_cleanup``). Safe to run twice."""
    now = now or clock.now()
    cutoff = now - timedelta(hours=int(programme("IMPORT_CHECKED_FILE_HOURS")))
    kept = ImportRun.objects.filter(
        dry_run=True, status=ImportRun.Status.SUCCEEDED, finished_at__lt=cutoff
    ).exclude(file="")
    deleted = 0
    for run in kept.only("pk", "file"):
        name = run.file.name or ""
        if ImportRun.objects.filter(pk=run.pk, file=name).update(file=""):
            _delete_stored(run, name)
            deleted += 1
    return {"deleted": deleted}


def _send(run: ImportRun) -> None:
    run_id = run.pk
    transaction.on_commit(lambda: _send_now(run_id))


def _send_now(run_id: int) -> bool:
    """Send the run's task; with Redis down the run stays queued (logged) for the resend
    below, and the upload page answers as usual (D-TRUST-13)."""
    return enqueue("membership.run_import", args=(run_id,), what=f"import run {run_id}")


def import_runs_resend(*, now: datetime | None = None) -> dict[str, int]:
    """D-TRUST-13: send again the task of every run queued for RESEND_QUEUED_AFTER and not
    started — its task never reached the broker (Redis was down when the run was queued) or
    was lost. Safe to repeat: a second delivery finds the run claimed and does nothing."""
    cutoff = (now or clock.now()) - RESEND_QUEUED_AFTER
    queued_at = Coalesce(
        Max("events__at", filter=Q(events__to_status=ImportRun.Status.QUEUED)), F("created_at")
    )
    waiting = list(
        ImportRun.objects.filter(status=ImportRun.Status.QUEUED)
        .annotate(queued_at=queued_at)
        .filter(queued_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {"waiting": len(waiting), "sent": sum(_send_now(pk) for pk in waiting)}


def import_run_execute(*, run_id: int) -> dict[str, Any]:
    """The task's work: claim the queued run, import its stored file, record the outcome.

    A run that is not queued (already claimed by a duplicate delivery, or finished) is left
    alone. Bad rows make the run *failed* with the first SHOWN_ERRORS of them and their count;
    any other exception makes it *error* with its text (a supervisor may run it again).
    """
    run = ImportRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        return {"run": run_id, "action": "missing"}
    if run.status != ImportRun.Status.QUEUED or not import_run_set_status(
        run, ImportRun.Status.RUNNING, note=gettext_noop("started")
    ):
        return {"run": run_id, "action": "skipped", "status": run.status}
    writer = _ProgressWriter(run.pk)
    try:
        with _stored(run) as stored:
            result = feed_import(
                feed=run.feed,
                path_or_file=stored,
                dry_run=run.dry_run,
                actor=run.created_by,  # the uploader: their file changes the data
                max_errors=SHOWN_ERRORS,
                progress=writer,
                progress_every=PROGRESS_EVERY,
            )
    except Exception as exc:
        if isinstance(exc, DomainError):
            logger.info("import run %s refused: %s", run.pk, exc.message)
        else:
            logger.exception("import run %s crashed", run.pk)
        import_run_set_status(
            run, ImportRun.Status.ERROR, error=error_text(exc), bytes_read=writer.last
        )
        return {"run": run.pk, "action": "error", "status": run.status, "error": run.error}
    finally:
        writer.close()
    stored_name = run.file.name
    # D-IMPORT-6: a finished run keeps no copy of the file, but a dry run that passed keeps
    # it for a day so that "Import this file" imports exactly what was checked.
    keep = result.ok and run.dry_run
    moved = import_run_set_status(
        run,
        ImportRun.Status.SUCCEEDED if result.ok else ImportRun.Status.FAILED,
        note=result.summary if result.ok else f"{result.error_count} bad rows",
        file=stored_name if keep else "",
        bytes_read=writer.last,
        counts={
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            # D-VALID-2: bills with a negative total, imported and flagged
            **(
                {"negative_totals": result.negative_totals, "negative_lines": result.negative_lines}
                if result.negative_totals
                else {}
            ),
        },
        error_count=result.error_count,
        errors=[{"line": e.line, "message": e.message} for e in result.errors],
    )
    if moved and stored_name and not keep:
        _delete_stored(run, stored_name)
    return {
        "run": run.pk,
        "action": "ran",
        "status": run.status,
        "counts": run.counts,
        "error_count": run.error_count,
    }


@contextmanager
def _stored(run: ImportRun) -> Iterator[File]:
    """The run's stored file, opened for reading (the pipeline reads its raw file object,
    as the commands read theirs, so the lines are the same)."""
    if not run.file.name:
        raise DomainError(_("The file of this import is no longer stored; upload it again."))
    try:
        stored = run.file.storage.open(run.file.name, "rb")
    except OSError as exc:
        raise DomainError(
            _("The stored file %(name)s cannot be read (%(error)s); upload it again.")
            % {"name": run.original_name, "error": exc.strerror or exc}
        ) from exc
    try:
        yield stored
    finally:
        stored.close()


def _delete_stored(run: ImportRun, name: str) -> None:
    try:
        run.file.storage.delete(name)
    except OSError:  # the run is recorded; a file left behind only costs disk
        logger.warning("import run %s: stored file %s not deleted", run.pk, name, exc_info=True)


class _ProgressWriter:
    """The ``progress`` callback of a run's import: remembers the bytes read and writes them
    to the run with a conditional UPDATE (still running, further than before).

    The import keeps its transaction open to the end, so an UPDATE through its connection
    would show nobody anything (and on PostgreSQL a COPY is under way on it): the writer uses
    a connection of its own, in autocommit, with a short lock timeout, and gives up quietly
    on a database error (progress is a courtesy; the outcome is written at the end). It does
    so on PostgreSQL, when the run is not inside somebody's transaction. On SQLite (one writer
    at a time; the embedded default imports inside the upload request, where nobody polls)
    the figure is only written with the outcome.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0
        self._connection: Any = None
        self._ready = False
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, bytes_read: int) -> None:
        self.last = max(self.last, bytes_read)
        if self._connection is None:
            return
        table = connection.ops.quote_name(ImportRun._meta.db_table)
        try:
            with self._connection.cursor() as cursor:
                if not self._ready:
                    cursor.execute(f"SET lock_timeout = {PROGRESS_LOCK_TIMEOUT_MS}")
                    self._ready = True
                cursor.execute(
                    f"UPDATE {table} SET bytes_read = %s "
                    "WHERE id = %s AND status = %s AND bytes_read < %s",
                    [self.last, self.run_id, ImportRun.Status.RUNNING.value, self.last],
                )
        except DatabaseError:
            logger.warning("import run %s: progress not recorded", self.run_id, exc_info=True)
            self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
