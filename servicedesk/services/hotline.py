"""SERVICE-7: importing the hotline call log (the CSV of Decision D-DESK-8).

Same contract as the billing feeds (docs/interfaces.md): the whole file is validated first;
any bad row → every bad row reported as ``line N: …`` (the header is line 1) and nothing
imported; otherwise every row is upserted by ``call_id`` in one transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.validators import MSISDN_RE
from servicedesk.models import HotlineCall, Transfer

CALL_LOG_COLUMNS = (
    "call_id",
    "started_at",
    "msisdn",
    "vip",
    "wait_seconds",
    "transfer",
    "transfer_ok",
)


@dataclass
class CallLogResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: …"
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}"


def _parse_started(raw: str, now: datetime) -> tuple[datetime | None, str | None]:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None, _("started_at: “%(v)s” is not a date and time YYYY-MM-DD HH:MM:SS") % {
            "v": raw
        }
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())  # CONV-4
    if value > now:
        return None, _("started_at: %(v)s is in the future") % {"v": raw}
    return value, None


def parse_call_row(fields: list[str], now: datetime) -> tuple[dict[str, Any] | None, list[str]]:
    problems: list[str] = []
    call_id, started_raw, msisdn, vip, wait, transfer, transfer_ok = (f.strip() for f in fields)
    if not call_id or len(call_id) > 40:
        problems.append(_("call_id: is empty or longer than 40 characters"))
    started, problem = _parse_started(started_raw, now)
    if problem:
        problems.append(problem)
    if not MSISDN_RE.match(msisdn):
        problems.append(
            _("msisdn: “%(v)s” is not a mobile number: 11 digits starting with 13–19")
            % {"v": msisdn}
        )
    if vip not in ("0", "1"):
        problems.append(_("vip: “%(v)s” is not 0 or 1") % {"v": vip})
    wait_seconds: int | None = None
    if wait:
        if wait.isdigit():
            wait_seconds = int(wait)
        else:
            problems.append(
                _("wait_seconds: “%(v)s” is not a whole number of seconds") % {"v": wait}
            )
    if transfer not in Transfer.values:
        problems.append(
            _("transfer: “%(v)s” is not empty, agent or self_service") % {"v": transfer}
        )
    ok: bool | None = None
    if transfer:
        if transfer_ok not in ("0", "1"):
            problems.append(_("transfer_ok: is “%(v)s”; 0 or 1 is expected") % {"v": transfer_ok})
        ok = transfer_ok == "1"
    elif transfer_ok:
        problems.append(_("transfer_ok: must be empty when there is no transfer"))
    if problems or started is None:
        return None, problems
    return {
        "call_id": call_id,
        "started_at": started,
        "day": timezone.localdate(started),
        "msisdn": msisdn,
        "vip": vip == "1",
        "wait_seconds": wait_seconds,
        "transfer": transfer,
        "transfer_ok": ok,
    }, []


def read_call_log(lines: Iterable[str]) -> CallLogResult:
    """Validate every row; ``errors`` holds one ``line N: …`` per bad row."""
    result = CallLogResult()
    now = clock.now()
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.errors.append(f"line 1: {exc}")
        return result
    expected = ",".join(CALL_LOG_COLUMNS)
    if (
        header is None
        or tuple(h.strip().lower().lstrip("\ufeff") for h in header) != CALL_LOG_COLUMNS
    ):
        result.errors.append(
            "line 1: " + _("the header must be %(expected)s") % {"expected": expected}
        )
        return result
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(f"line {line}: {exc}")
            continue
        if not fields:
            continue
        if len(fields) != len(CALL_LOG_COLUMNS):
            result.errors.append(
                f"line {line}: "
                + _("expected %(n)d columns, found %(m)d")
                % {"n": len(CALL_LOG_COLUMNS), "m": len(fields)}
            )
            continue
        row, problems = parse_call_row(fields, now)
        if row is not None and row["call_id"] in seen:
            problems = [
                _("call_id: %(id)s is already on line %(line)d")
                % {"id": row["call_id"], "line": seen[row["call_id"]]}
            ]
        if problems:
            result.errors.append(f"line {line}: " + "; ".join(problems))
            continue
        assert row is not None
        seen[row["call_id"]] = line
        result.rows.append(row)
    return result


def call_log_import(*, fileobj: IO[str], dry_run: bool = False) -> CallLogResult:
    """Validate the whole file, then upsert every row in one transaction (or nothing)."""
    result = read_call_log(fileobj)
    if result.errors:
        return result
    ids = [row["call_id"] for row in result.rows]
    existing = set()
    for start in range(0, len(ids), 5000):
        existing |= set(
            HotlineCall.objects.filter(call_id__in=ids[start : start + 5000]).values_list(
                "call_id", flat=True
            )
        )
    result.updated = len(existing)
    result.created = len(ids) - result.updated
    if dry_run:
        return result
    now = clock.now()
    with transaction.atomic():
        HotlineCall.objects.bulk_create(
            [HotlineCall(imported_at=now, **row) for row in result.rows],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["call_id"],
            update_fields=[
                "started_at",
                "day",
                "msisdn",
                "vip",
                "wait_seconds",
                "transfer",
                "transfer_ok",
                "imported_at",
            ],
        )
    return result
