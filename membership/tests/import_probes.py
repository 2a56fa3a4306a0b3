"""Test-only hook for the import worker test (tests/test_import_worker.py), loaded by the
worker through CELERY_IMPORTS.

With IMPORT_PROBE_DIR set, every progress write of an import run (after it is written) touches
``progress-<run id>`` in that folder and, while ``block-<run id>`` exists, waits there — so
the test sees the run mid-import from outside and can kill the worker at that point.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from membership.services.imports import runs

BLOCK_SECONDS = 90

_write = runs._ProgressWriter.__call__


def _probed(self: Any, bytes_read: int) -> None:
    _write(self, bytes_read)
    folder = Path(os.environ["IMPORT_PROBE_DIR"])
    (folder / f"progress-{self.run_id}").write_text(str(bytes_read))
    deadline = time.monotonic() + BLOCK_SECONDS
    while (folder / f"block-{self.run_id}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


if os.environ.get("IMPORT_PROBE_DIR"):
    runs._ProgressWriter.__call__ = _probed  # type: ignore[method-assign]
