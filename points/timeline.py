"""CUST-11: the points ledger on the member timeline (registered in ``PointsConfig.ready``).

One entry per movement as the customer knows it, not per ledger row: a month's accrual
(consumption and reward points, POINTS-1/2/4) is one entry, and a redemption, a transfer or
an expiry that took points from several lots is one entry too. The grouping is done by the
database (GROUP BY, newest first, LIMIT), so a page never reads a long history into Python;
two more queries name the rewards and the other party of the transfers on the page.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Case, F, Max, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import may_open
from core.roles import staff_name
from membership.extensions import TIMELINE_POINTS, TimelineEntry
from membership.masking import mask_name
from membership.models import Customer
from points.models import ACCRUAL_KINDS, Entry, EntryKind, Redemption, Transfer

ACCRUED = "accrued"  # the group of a month's accrual kinds

RULES = {
    ACCRUED: "POINTS-4",
    EntryKind.CORRECTION: "POINTS-4",
    EntryKind.REDEMPTION: "POINTS-7",
    EntryKind.REDEMPTION_CANCEL: "POINTS-7",
    EntryKind.TRANSFER_OUT: "POINTS-8",
    EntryKind.TRANSFER_IN: "POINTS-8",
    EntryKind.EXPIRY: "POINTS-6",
    EntryKind.CANCELLATION_CLEAR: "POINTS-10",
}


def _other_party(customer: Customer) -> str:
    """CUST-8: the other customer of a transfer, by number and masked name."""
    return f"{customer.msisdn} {mask_name(customer.name)}".strip()


def _title(row: Mapping[str, Any], redemption: Redemption | None, transfer: Transfer | None) -> str:
    group, amount = row["group"], abs(row["amount"] or 0)
    month = row["month"].strftime("%Y-%m") if row["month"] else ""
    item = redemption.item.name if redemption else "—"
    if group == ACCRUED:
        return _("%(points)s points earned for %(month)s") % {"points": amount, "month": month}
    if group == EntryKind.CORRECTION:
        return _("Points for %(month)s corrected by %(points)s") % {
            "month": month,
            "points": f"{row['amount']:+d}",
        }
    if group == EntryKind.REDEMPTION:
        return _("%(points)s points redeemed for %(item)s") % {"points": amount, "item": item}
    if group == EntryKind.REDEMPTION_CANCEL:
        return _("Redemption of %(item)s cancelled: %(points)s points returned") % {
            "points": amount,
            "item": item,
        }
    if group == EntryKind.TRANSFER_OUT:
        return _("%(points)s points given to %(other)s") % {
            "points": amount,
            "other": _other_party(transfer.recipient) if transfer else "—",
        }
    if group == EntryKind.TRANSFER_IN:
        return _("%(points)s points received from %(other)s") % {
            "points": amount,
            "other": _other_party(transfer.sender) if transfer else "—",
        }
    if group == EntryKind.EXPIRY:
        return _("%(points)s points expired") % {"points": amount}
    return _("%(points)s points cleared on cancellation") % {"points": amount}


def points_timeline(
    customer: Customer, *, user: Any, kinds: Collection[str], limit: int | None
) -> list[TimelineEntry]:
    """CUST-11: the customer's points movements, newest first, at most ``limit`` of them."""
    if TIMELINE_POINTS not in kinds:
        return []
    grouped = (
        Entry.objects.filter(customer=customer)
        .annotate(group=Case(When(kind__in=ACCRUAL_KINDS, then=Value(ACCRUED)), default=F("kind")))
        .values("group", "booked_on", "month", "redemption_id", "transfer_id")
        .annotate(amount=Sum("amount"), at=Max("created_at"), last=Max("id"))
        .order_by("-at", "-last")
    )
    rows = list(grouped if limit is None else grouped[:limit])
    redemptions = Redemption.objects.select_related("item", "created_by").in_bulk(
        {row["redemption_id"] for row in rows if row["redemption_id"]}
    )
    transfers = Transfer.objects.select_related("sender", "recipient", "created_by").in_bulk(
        {row["transfer_id"] for row in rows if row["transfer_id"]}
    )
    link = (
        reverse("points:account", args=[customer.msisdn])
        if may_open(user, "points:account")
        else ""
    )
    found = []
    for row in rows:
        redemption = redemptions.get(row["redemption_id"])
        transfer = transfers.get(row["transfer_id"])
        cause = redemption or transfer
        actor = getattr(cause, "created_by", None)
        at: datetime = row["at"]
        found.append(
            TimelineEntry(
                at=at,
                kind=TIMELINE_POINTS,
                title=_title(row, redemption, transfer),
                detail=_("Booked on %(day)s.") % {"day": row["booked_on"].isoformat()},
                link=link,
                actor=staff_name(actor) if actor is not None else "",
                rule=RULES.get(row["group"], "POINTS-11"),
                key=f"points:{row['last']:012d}",
            )
        )
    return found
