"""The points ledger (POINTS-1..11): lots per earning year, an append-only ledger of entries,
the reward catalogue, redemptions and transfers.

Every balance derives from ``Entry`` rows (POINTS-11). ``Lot.balance`` is a cache of the sum of
a lot's entries, kept for speed and for row locks; ``points_reconcile`` rebuilds and compares
it. Database constraints, not only Python, keep a lot from going negative and a month's
accrual from being written twice.

One module per subject:

- ledger.py: lots, the kinds of entry and the append-only entries;
- runs.py: batch-job runs (accrual, expiry) and the accrual's scratch rows;
- redemptions.py: the reward catalogue, redemptions and their history;
- transfers.py: registered recipients and transfers;
- valuation.py: the yuan-per-point rate supervisors value the liability at (FIN-1).

Import from here: ``from points.models import Entry, Lot``.
"""

from points.models.ledger import (
    ACCRUAL_KINDS,
    NEGATIVE_KINDS,
    POSITIVE_KINDS,
    AppendOnlyError,
    Entry,
    EntryKind,
    Lot,
)
from points.models.redemptions import Redemption, RedemptionEvent, RewardItem
from points.models.runs import PointsRun
from points.models.transfers import Transfer, TransferRecipient
from points.models.valuation import PointsValuation

__all__ = [
    "ACCRUAL_KINDS",
    "NEGATIVE_KINDS",
    "POSITIVE_KINDS",
    "AppendOnlyError",
    "Entry",
    "EntryKind",
    "Lot",
    "PointsRun",
    "PointsValuation",
    "Redemption",
    "RedemptionEvent",
    "RewardItem",
    "Transfer",
    "TransferRecipient",
]
