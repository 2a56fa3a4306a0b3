"""The registry of batch jobs: the calendar's names and the code their apps register.

See core/jobs.py for how to register a job and how the runner runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Max, Min
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.job_calendar import JobSpec, PeriodKind, Schedule, calendar_order

Counts = dict[str, Any]


@dataclass(frozen=True)
class JobWork:
    """What a chunk, the check before planning or the final step of a chunked run works on:
    the run (its id keys whatever the job keeps per run), its period and, for a chunk, the
    primary keys ``lo <= pk < hi``."""

    run_id: int
    period: str
    lo: int = 0
    hi: int = 0


WholeFn = Callable[[str], Counts | None]
ChunkFn = Callable[[JobWork], Counts | None]
BoundsFn = Callable[[str], tuple[int, int] | None]
PrepareFn = Callable[[JobWork], None]
FinishFn = Callable[[JobWork, Counts], Counts | None]
F_ = TypeVar("F_", bound=Callable[..., Any])


# --- The registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A job of the registry: its calendar entry and, once its app registered it, its code."""

    spec: JobSpec
    run: WholeFn | None = None
    chunk: ChunkFn | None = None
    bounds: BoundsFn | None = None
    chunk_size: int | None = None
    prepare: PrepareFn | None = None
    finish: FinishFn | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def available(self) -> bool:
        return self.run is not None or self.chunk is not None

    @property
    def chunked(self) -> bool:
        return self.chunk is not None

    def unavailable_message(self) -> str:
        return _(
            "not available yet: %(app)s not installed (no %(app)s/jobs.py registers “%(job)s”)"
        ) % {
            "app": self.spec.app,
            "job": self.name,
        }


_SPECS: dict[str, JobSpec] = {}
_REGISTRY: dict[str, Job] = {}
_discovered = False


@dataclass(frozen=True)
class Periodic:
    """A task beat sends every ``seconds``, with no argument: a sweep that picks up what waits
    in the database (an SMS not yet sent, an import whose task never reached the broker)."""

    name: str
    task: str
    seconds: int
    description: str


_PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, *, task: str, seconds: int, description: str) -> None:
    """Declared by an app's jobs.py; core/job_beat.py writes it into beat's schedule."""
    _PERIODIC[name] = Periodic(name, task, seconds, description)


def all_periodic() -> list[Periodic]:
    _discover()
    return sorted(_PERIODIC.values(), key=lambda entry: entry.name)


def pk_bounds(model: type[models.Model]) -> BoundsFn:
    """Chunk bounds over a table's primary keys: (lowest pk, highest pk), None when empty."""

    def bounds(period: str) -> tuple[int, int] | None:
        found = model._default_manager.aggregate(lo=Min("pk"), hi=Max("pk"))
        if found["lo"] is None:
            return None
        return int(found["lo"]), int(found["hi"])

    return bounds


def register_job(
    name: str,
    *,
    run: WholeFn | None = None,
    chunk: ChunkFn | None = None,
    model: type[models.Model] | None = None,
    bounds: BoundsFn | None = None,
    chunk_size: int | None = None,
    prepare: PrepareFn | None = None,
    finish: FinishFn | None = None,
    period_kind: PeriodKind | str | None = None,
    app: str | None = None,
    title: str | None = None,
    rules: tuple[str, ...] = (),
    schedule: Schedule | None = None,
    period_offset: int = 0,
) -> Job:
    """Register the code of job ``name`` (registering a name again replaces it).

    The app gives the job's period kind, title, the rules it serves and, for a job of the
    programme's calendar, its ``schedule`` and the period a scheduled run picks
    (``period_offset``: -1 for the period before the one the run fires in). A job with no
    schedule (a one-off, a test probe) only runs when asked.
    """
    if (run is None) == (chunk is None):
        raise ImproperlyConfigured(f"Job {name}: give exactly one of run= or chunk=.")
    if chunk is not None and model is None and bounds is None:
        raise ImproperlyConfigured(f"Chunked job {name}: give model= or bounds=.")
    spec = _SPECS.get(name)
    if period_kind is not None or spec is None:
        if period_kind is None:
            raise ImproperlyConfigured(f"Job {name}: give period_kind=.")
        owner = app or (getattr(run or chunk, "__module__", "") or "core").split(".")[0]
        spec = JobSpec(
            name, owner, PeriodKind(period_kind), title or name, rules, schedule, period_offset
        )
        _SPECS[name] = spec
    if chunk is not None and bounds is None and model is not None:
        bounds = pk_bounds(model)
    if chunk is None and (prepare is not None or finish is not None):
        raise ImproperlyConfigured(f"Job {name}: prepare= and finish= are for chunked jobs.")
    job = Job(
        spec,
        run=run,
        chunk=chunk,
        bounds=bounds,
        chunk_size=chunk_size,
        prepare=prepare,
        finish=finish,
    )
    _REGISTRY[name] = job
    return job


def whole_job(name: str, **options: Any) -> Callable[[F_], F_]:
    """Decorator: ``fn(period) -> counts`` is the whole of job ``name``."""

    def decorate(fn: F_) -> F_:
        register_job(name, run=fn, **options)
        return fn

    return decorate


def chunked_job(name: str, **options: Any) -> Callable[[F_], F_]:
    """Decorator: ``fn(work: JobWork) -> counts`` does job ``name`` for the primary keys
    ``work.lo <= pk < work.hi``. Options: ``model=`` or ``bounds=`` (the range to cover),
    ``chunk_size=``, ``prepare=fn(work)`` (a check before the chunks are planned: raising
    fails the run with its message, nothing done) and ``finish=fn(work, counts) -> counts``
    (the final step, once every chunk is done, given the chunks' summed counts)."""

    def decorate(fn: F_) -> F_:
        register_job(name, chunk=fn, **options)
        return fn

    return decorate


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("jobs")  # every installed app's jobs.py registers its jobs


def get_job(name: str) -> Job:
    """The registered job, a placeholder for a calendar job nobody registered, or an error."""
    _discover()
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name in _SPECS:
        return Job(_SPECS[name])
    raise DomainError(_("There is no job called “%(name)s”.") % {"name": name}, code="no_job")


def calendar() -> list[JobSpec]:
    """The programme's calendar: every job with a schedule, monthly ones first, then yearly,
    then daily, each in the order they fire."""
    _discover()
    return sorted((spec for spec in _SPECS.values() if spec.schedule), key=calendar_order)


def all_jobs() -> list[Job]:
    """Every job: the calendar's in its order, then the other registered ones by name."""
    names = [spec.name for spec in calendar()]
    names += sorted(set(_SPECS) - set(names))
    return [get_job(name) for name in names]
