"""What tests read off a list's CSV download (core.exports, D-HOUSE-5)."""

from __future__ import annotations

import csv
import io
from typing import Any


def csv_table(response: Any) -> list[list[str]]:
    """A CSV download's rows, header first. It must be CSV and start with the byte-order
    mark spreadsheets need (dropped here); streamed or not."""
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
