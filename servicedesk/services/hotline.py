"""SERVICE-7: importing the hotline call log (the CSV of Decision D-DESK-8).

Same contract as the billing feeds (docs/interfaces.md): the whole file is validated first;
any bad row → every bad row reported as ``line N: …`` (the header is line 1) and nothing
imported; otherwise every row is upserted by ``call_id`` in one transaction.

The header is the seven columns of D-DESK-8, optionally followed by the columns D-DESK-14
added (``transfer_asked``, ``expert``, ``expert_wait_seconds``, in that order; a file may
stop after any of them). A column the file does not have is stored empty: not recorded.
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
# Decision D-DESK-14: optional columns after the seven, in this order (SERVICE-7).
OPTIONAL_CALL_LOG_COLUMNS = (
    "transfer_asked",
    "expert",
    "expert_wait_seconds",
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


def _parse_flag(column: str, raw: str, problems: list[str]) -> bool | None:
    """A 1/0 column that may be empty (not recorded)."""
    if raw in ("", "0", "1"):
        return None if raw == "" else raw == "1"
    problems.append(
        _("%(column)s: is “%(v)s”; 0, 1 or empty is expected") % {"column": column, "v": raw}
    )
    return None


def _parse_optional(extra: dict[str, str], transfer: str, problems: list[str]) -> dict[str, Any]:
    """The D-DESK-14 columns: empty when the file does not have them."""
    asked_raw = extra.get("transfer_asked", "")
    expert_raw = extra.get("expert", "")
    expert_wait_raw = extra.get("expert_wait_seconds", "")
    asked = _parse_flag("transfer_asked", asked_raw, problems)
    if asked_raw and not transfer:
        problems.append(_("transfer_asked: must be empty when there is no transfer"))
    expert = _parse_flag("expert", expert_raw, problems)
    if expert_raw and transfer != Transfer.AGENT:
        problems.append(_("expert: must be empty unless the call was transferred to an agent"))
    expert_wait: int | None = None
    if expert_wait_raw:
        if expert_wait_raw.isdigit():
            expert_wait = int(expert_wait_raw)
        else:
            problems.append(
                _("expert_wait_seconds: “%(v)s” is not a whole number of seconds")
                % {"v": expert_wait_raw}
            )
        if expert is not True:
            problems.append(_("expert_wait_seconds: must be empty unless expert is 1"))
    return {"transfer_asked": asked, "expert": expert, "expert_wait_seconds": expert_wait}


def parse_call_row(fields: list[str], now: datetime) -> tuple[dict[str, Any] | None, list[str]]:
    problems: list[str] = []
    values = [f.strip() for f in fields]
    call_id, started_raw, msisdn, vip, wait, transfer, transfer_ok = values[: len(CALL_LOG_COLUMNS)]
    extra = dict(zip(OPTIONAL_CALL_LOG_COLUMNS, values[len(CALL_LOG_COLUMNS) :], strict=False))
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
    optional = _parse_optional(extra, transfer, problems)
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
        **optional,
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
    expected = ",".join(CALL_LOG_COLUMNS) + "[," + ",".join(OPTIONAL_CALL_LOG_COLUMNS) + "]"
    names = tuple(h.strip().lower().lstrip("\ufeff") for h in header or ())
    columns = len(names)
    if (
        names[: len(CALL_LOG_COLUMNS)] != CALL_LOG_COLUMNS
        or names[len(CALL_LOG_COLUMNS) :]
        != OPTIONAL_CALL_LOG_COLUMNS[: columns - len(CALL_LOG_COLUMNS)]
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
        if len(fields) != columns:
            result.errors.append(
                f"line {line}: "
                + _("expected %(n)d columns, found %(m)d") % {"n": columns, "m": len(fields)}
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
                *OPTIONAL_CALL_LOG_COLUMNS,
                "imported_at",
            ],
        )
    return result
