"""The import of one feed, start to end, in one transaction; and the public import services."""

from __future__ import annotations

from collections.abc import Iterator
from os import PathLike
from typing import IO, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from membership.services.imports.feeds import (
    BILLS,
    CUSTOMERS,
    FEEDS,
    NEGATIVE_LINES_SHOWN,
    PG_WORK_MEM,
    PROGRESS_EVERY,
    USAGE,
    Feed,
    ImportResult,
    OnError,
    PathOrFile,
    Progress,
    Rollback,
    RowError,
)
from membership.services.imports.merge import (
    apply_customer_changes,
    count_new,
    merge_customers,
    merge_simple,
    refresh_statistics,
)
from membership.services.imports.rows import HeaderError, RowContext, StagedRow, read_rows
from membership.services.imports.sql import is_pg
from membership.services.imports.stage import Stage, bad_row_errors, negative_bill_lines


def _open(path_or_file: PathOrFile) -> tuple[IO[Any], bool]:
    """The file to read, and whether we opened it (and so must close it)."""
    if isinstance(path_or_file, str | PathLike):
        try:
            return open(path_or_file, "rb"), True  # closed by the caller
        except OSError as exc:
            raise DomainError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": path_or_file, "error": exc.strerror or exc}
            ) from exc
    fileobj: Any = getattr(path_or_file, "file", None) or path_or_file  # Django UploadedFile
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return fileobj, False


def _run(
    feed: Feed,
    *,
    path_or_file: PathOrFile,
    dry_run: bool,
    actor: Any,
    on_error: OnError | None,
    max_errors: int,
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportResult:
    result = ImportResult(feed=feed.name, dry_run=dry_run)

    def report(error: RowError) -> None:
        result.error_count += 1
        if len(result.errors) < max_errors:
            result.errors.append(error)
        if on_error is not None:
            on_error(error)

    fileobj, opened = _open(path_or_file)
    ctx = RowContext(today=clock.today())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                if is_pg():
                    # hashes and sorts of a few million staged rows stay in memory
                    cursor.execute(f"SET LOCAL work_mem = '{PG_WORK_MEM}'")
                    if not dry_run:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [feed.lock_id])
                stage = Stage(feed)
                try:
                    rows = read_rows(fileobj, feed.columns, feed.parse, ctx)
                    first = next(rows, None)  # reads and checks the header
                except HeaderError as exc:
                    report(RowError(1, str(exc)))
                    raise Rollback from exc
                stage.create(cursor)
                staged = _chain(first, rows)
                if progress is not None:
                    staged = _reporting(staged, fileobj, progress, progress_every)
                result.rows = stage.load(cursor, staged)
                stage.check(cursor)
                for error in bad_row_errors(feed, stage, cursor):
                    report(error)
                if result.error_count:
                    raise Rollback
                if feed is BILLS:  # D-VALID-2: credits are imported, and flagged
                    result.negative_totals, result.negative_lines = negative_bill_lines(
                        stage, cursor, NEGATIVE_LINES_SHOWN
                    )
                if dry_run:
                    result.created = count_new(feed, stage, cursor)
                    result.updated = result.rows - result.created
                    raise Rollback
                now = clock.now()
                if feed is CUSTOMERS:
                    result.created = merge_customers(stage, cursor, now=now, actor=actor)
                    apply_customer_changes(stage, cursor, now=now, actor=actor, report=report)
                else:
                    result.created = merge_simple(feed, stage, cursor, now=now)
                result.updated = result.rows - result.created
                stage.drop(cursor)
                refresh_statistics(feed, cursor)
            except Rollback:
                transaction.set_rollback(True)
    finally:
        if opened:
            fileobj.close()
    if not result.ok:
        result.created = result.updated = result.negative_totals = 0
        result.negative_lines = []
    return result


def _chain(first: StagedRow | None, rest: Iterator[StagedRow]) -> Iterator[StagedRow]:
    if first is not None:
        yield first
        yield from rest


def _reporting(
    rows: Iterator[StagedRow], fileobj: IO[Any], progress: Progress, every: int
) -> Iterator[StagedRow]:
    """The rows, unchanged; every ``every`` rows and after the last, ``progress`` is told how
    many bytes of the file were read. Only imports that ask for progress pay this layer."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % every == 0:
            _tell(fileobj, progress)
    _tell(fileobj, progress)


def _tell(fileobj: IO[Any], progress: Progress) -> None:
    try:
        position = fileobj.tell()
    except (AttributeError, OSError, ValueError):  # not seekable: no progress to give
        return
    progress(int(position))


# --- the public services ---------------------------------------------------------------------


def customers_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-1/2/4: the customers feed, upserted by msisdn.

    ``on_error`` is called for every bad row in line order (the command prints them all);
    the result keeps the first ``max_errors`` and the total count.
    """
    return _run(
        CUSTOMERS,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def bills_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-9: monthly bills, upserted by (msisdn, month); a re-imported bill replaces the old."""
    return _run(
        BILLS,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def usage_import(
    *,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
) -> ImportResult:
    """CUST-9: daily usage, upserted by (msisdn, date, category)."""
    return _run(
        USAGE,
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
    )


def feed_import(
    *,
    feed: str,
    path_or_file: PathOrFile,
    dry_run: bool = False,
    actor: Any = None,
    on_error: OnError | None = None,
    max_errors: int = 1000,
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportResult:
    """Any of the three feeds by name (``customers``, ``bills``, ``usage``).

    ``progress``, if given, is called with the bytes of the file read so far, every
    ``progress_every`` rows and once after the last row (then come the check and the merge).
    It runs while the import's transaction is open (on PostgreSQL in the middle of a COPY),
    so it must not use the import's database connection.
    """
    if feed not in FEEDS:
        raise DomainError(_("Unknown feed “%(feed)s”.") % {"feed": feed})
    return _run(
        FEEDS[feed],
        path_or_file=path_or_file,
        dry_run=dry_run,
        actor=actor,
        on_error=on_error,
        max_errors=max_errors,
        progress=progress,
        progress_every=progress_every,
    )
