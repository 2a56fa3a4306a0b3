"""The CSV files the daily jobs write for billing (docs/interfaces.md, project's own).

A file is written under a temporary name in ``settings.EXPORT_ROOT`` and renamed when
complete, so billing never reads half a file; written again (a job run again), it is
replaced whole. UTF-8, comma-separated, one header row, like the feeds in.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings


def export_path(name: str) -> Path:
    return Path(settings.EXPORT_ROOT) / name


def export_csv(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` (streamed from one query) under ``header`` to ``name``; returns how
    many rows were written."""
    path = export_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    count = 0
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    os.replace(partial, path)
    return count
