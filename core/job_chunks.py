"""Chunked runs: the plan of pk ranges, one chunk done once, the final step (CONV-5)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core import clock
from core.chunks import pk_ranges
from core.enqueue import enqueue
from core.errors import DomainError
from core.job_registry import Counts, Job, JobWork, get_job
from core.job_states import (
    JobOutcome,
    as_counts,
    fail_run,
    failed_outcome,
    job_run_resume_claim,
    job_run_set_status,
    resumed_meanwhile_message,
    summary,
)
from core.models import JobChunk, JobRun
from core.programme import programme
from core.runs import error_text

logger = logging.getLogger(__name__)

# --- Chunks ----------------------------------------------------------------------------------


def plan_chunks(job: Job, run: JobRun) -> int:
    """Create the run's JobChunk rows: pk ranges of the chunk size aligned on multiples of it,
    so a plan made again (a re-run after new rows arrived) adds ranges and never overlaps."""
    assert job.bounds is not None
    found = job.bounds(run.period)
    first = run.chunks.order_by("lo").values_list("lo", "hi").first()
    size = (first[1] - first[0]) if first else int(job.chunk_size or programme("JOB_CHUNK_SIZE"))
    if found is not None:
        JobChunk.objects.bulk_create(
            [JobChunk(run=run, lo=lo, hi=hi) for lo, hi in pk_ranges(found, size)],
            ignore_conflicts=True,
        )
    return run.chunks.count()


def _pending(run: JobRun) -> list[tuple[int, int]]:
    return list(run.chunks.filter(done_at__isnull=True).order_by("lo").values_list("lo", "hi"))


def start_chunks(job: Job, run: JobRun, *, fresh: bool, inline: bool = False) -> JobOutcome:
    """Plan the run's chunks (after the job's own check, ``prepare``) and send the missing
    ones to the workers, or do them here one after the other (``inline``: a command)."""
    try:
        if job.prepare is not None:
            job.prepare(JobWork(run.pk, run.period))
        with transaction.atomic():
            if fresh:  # a re-run of a succeeded run does every chunk again
                run.chunks.all().delete()
            total = plan_chunks(job, run)
            done = run.chunks.filter(done_at__isnull=False).count()
            JobRun.objects.filter(pk=run.pk).update(chunks_total=total, chunks_done=done)
    except DomainError as exc:  # the job's own refusal (prepare): no traceback to log
        logger.info("job %s %s refused: %s", run.job, run.period, exc.message)
        return fail_run(run, exc)
    except Exception as exc:
        logger.exception("job %s %s: planning the chunks failed", run.job, run.period)
        return fail_run(run, exc)
    pending = _pending(run)
    _send_chunks(run, pending, inline=inline)
    return _chunks_outcome(run, "started", len(pending))


def _send_chunks(run: JobRun, pending: list[tuple[int, int]], *, inline: bool = False) -> None:
    """One task per missing chunk, sent once the plan is committed; none left: finalise.
    ``inline``: the chunks are done here, in order, each in its own transaction, and the
    run is finalised by the last one (a command waits for its result)."""
    if not pending:
        job_run_finalise(run.pk)
        return
    if inline:
        for lo, _hi in pending:
            if job_chunk_run(run_id=run.pk, lo=lo) == "failed":
                return
        return
    run_id = run.pk

    def send() -> None:
        # D-TRUST-13: a chunk the broker could not take stays missing; the sweeper sends it
        # again once the run has been silent for JOB_CHUNK_STALE_MINUTES (D-CORE-7).
        for lo, hi in pending:
            enqueue(
                "core.run_job_chunk", args=(run_id, lo, hi), what=f"job run {run_id} chunk {lo}"
            )

    transaction.on_commit(send)


def _chunks_outcome(run: JobRun, action: str, sent: int) -> JobOutcome:
    run.refresh_from_db()
    if run.status == JobRun.Status.SUCCEEDED:  # in-process (no broker): the chunks ran already
        return JobOutcome(run, "ran", summary(run))
    if run.status == JobRun.Status.FAILED:
        return failed_outcome(run)
    return JobOutcome(
        run,
        action,
        _("%(job)s %(period)s %(action)s: %(sent)s of %(total)s chunks queued.")
        % {
            "job": run.job,
            "period": run.period,
            "action": action,
            "sent": sent,
            "total": run.chunks_total,
        },
    )


def resume_chunks(
    job: Job, run: JobRun, *, inline: bool = False, actor: Any = None, why: str = ""
) -> JobOutcome:
    """Send the missing chunks of a running run again (its worker died, or its messages were
    lost), once: the resume is claimed on the run's sign of life and recorded in its history
    with who and ``why`` (D-CORE-7), so a double submit or the sweeper at the same moment
    sends nothing more. A chunk still running elsewhere is not done twice: its row is locked
    and marked done in the same transaction as its work (D-CORE-2). A run that died before
    its plan was committed (no chunk at all) is planned now."""
    pending = _pending(run)
    planned = run.chunks.exists()
    why = why or _("Resumed")
    if planned:
        note = _("%(why)s: %(sent)s of %(total)s chunks sent again.") % {
            "why": why,
            "sent": len(pending),
            "total": run.chunks_total,
        }
    else:
        note = _("%(why)s: no chunk was planned; planning them now.") % {"why": why}
    if not job_run_resume_claim(run, actor=actor, note=note):
        run.refresh_from_db()
        return JobOutcome(run, "busy", resumed_meanwhile_message(run))
    if not planned:
        return start_chunks(job, run, fresh=False, inline=inline)
    _send_chunks(run, pending, inline=inline)
    return _chunks_outcome(run, "resumed", len(pending))


class _ChunkTaken(Exception):
    """Another copy of this chunk finished first: roll this copy's work back."""


def job_chunk_run(*, run_id: int, lo: int) -> str:
    """Do one chunk of a run, once: its work and its "done" mark commit together."""
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        return "gone"
    if run.status != JobRun.Status.RUNNING:
        return f"skipped: the run is {run.status}"
    job = get_job(run.job)
    if job.chunk is None:
        fail_run(run, job.unavailable_message())
        return "failed"
    JobChunk.objects.filter(run_id=run_id, lo=lo, done_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    try:
        with transaction.atomic():
            chunk = JobChunk.objects.select_for_update().filter(run_id=run_id, lo=lo).first()
            if chunk is None or chunk.done_at is not None:
                return "skipped: already done"
            work = JobWork(run_id, run.period, chunk.lo, chunk.hi)
            counts = as_counts(job.chunk(work) or {})
            now = clock.now()
            marked = JobChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
                done_at=now, counts=counts, error=""
            )
            if not marked:
                raise _ChunkTaken
            JobRun.objects.filter(pk=run_id).update(
                chunks_done=F("chunks_done") + 1, heartbeat_at=now
            )
    except _ChunkTaken:
        return "skipped: already done"
    except Exception as exc:
        logger.exception("job %s %s: chunk [%s, …) failed", run.job, run.period, lo)
        text = error_text(exc)
        JobChunk.objects.filter(run_id=run_id, lo=lo).update(error=text)
        fail_run(run, _("chunk from %(lo)s: %(error)s") % {"lo": lo, "error": text})
        return "failed"
    job_run_finalise(run_id)
    return "done"


def _sum_counts(items: Iterable[Counts]) -> Counts:
    """Add the chunks' counts: numbers are summed, nested dicts key by key."""
    total: Counts = {}
    for counts in items:
        for key, value in counts.items():
            current = total.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float | dict):
                total[key] = value
            elif isinstance(value, dict):
                total[key] = _sum_counts([current if isinstance(current, dict) else {}, value])
            else:
                total[key] = (current if isinstance(current, int | float) else 0) + value
    return total


def job_run_finalise(run_id: int) -> bool:
    """The final step of a chunked run: once every chunk is done — checked here, not assumed
    from the order tasks finished in — add up the counts and mark the run succeeded."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != JobRun.Status.RUNNING:
            return False
        if run.chunks.filter(done_at__isnull=True).exists():
            return False
        job = get_job(run.job)
        chunk_counts = list(run.chunks.order_by("lo").values_list("counts", flat=True))
        counts = _sum_counts(chunk_counts)
        counts["chunks"] = len(chunk_counts)
        if job.finish is not None:
            try:
                with transaction.atomic():
                    finished = job.finish(JobWork(run.pk, run.period), counts)
                    counts = as_counts(finished or counts)
            except Exception as exc:
                logger.exception("job %s %s: the final step failed", run.job, run.period)
                text = error_text(exc)
                job_run_set_status(run, JobRun.Status.FAILED, error=text)
                return False
        total = len(chunk_counts)
        return job_run_set_status(
            run, JobRun.Status.SUCCEEDED, counts=counts, chunks_total=total, chunks_done=total
        )
