"""Celery adapters of membership: take an id, call the service.

- ``membership.run_import(run_id)``: import a supervisor's uploaded feed (D-IMPORT-5). Sent on
  commit by the upload; a duplicate delivery finds the run claimed and does nothing. Not
  ``acks_late``: a worker that dies mid-import leaves the run "running", and a supervisor runs
  it again from its page once it is stale (the import is all-or-nothing, CONV-5).
- ``membership.resend_queued_imports()``: sends again the task of runs queued for ten minutes
  and not started (Redis was down when they were queued, D-TRUST-13); beat, every 10 min.
- ``jobs.rate_annual(year, commit=False)``: the job command ``rate_annual YEAR [--commit]``
  as a task with the same arguments (docs/interfaces.md): it runs the command itself, so the
  preview is the calendar job's run and the commit the command's, refusals included (a
  malformed year fails the task with the command's message); a second commit changes nothing
  and says so (CONV-5). Returns the command's one-line summary.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from celery import shared_task
from django.core.management import call_command

from membership.services.imports import import_run_execute
from membership.services.imports.runs import import_runs_resend


@shared_task(name="membership.run_import")
def run_import(run_id: int) -> dict[str, Any]:
    return import_run_execute(run_id=run_id)


@shared_task(name="membership.resend_queued_imports")
def resend_queued_imports() -> dict[str, int]:
    return import_runs_resend()


@shared_task(name="jobs.rate_annual")
def rate_annual(year: str | int, commit: bool = False) -> dict[str, Any]:
    out = StringIO()
    call_command("rate_annual", str(year), *(["--commit"] if commit else []), stdout=out)
    return {"year": str(year), "commit": commit, "summary": out.getvalue().strip()}
