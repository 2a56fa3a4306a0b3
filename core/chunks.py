"""Primary-key ranges: the one loop that cuts a span of ids into chunks (CONV-5).

A chunked job's plan (its JobChunk rows, core/job_chunks.py) is made of these ranges, and a
service doing the same work in this process walks the same ranges (``points_accrue``,
``points_expire``): each range is one chunk, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator


def pk_ranges(bounds: tuple[int, int] | None, size: int) -> Iterator[tuple[int, int]]:
    """The ranges ``lo <= pk < hi`` of ``size`` keys that cover ``bounds`` (the lowest and
    highest pk; None: nothing to cover), in order. They are aligned on multiples of
    ``size``, so the ranges cut again from a wider span (a plan made again after new rows
    arrived) are the same ranges plus new ones, never overlapping ones (D-CORE-2)."""
    if bounds is None:
        return
    low, high = bounds
    for lo in range((low // size) * size, high + 1, size):
        yield lo, lo + size
