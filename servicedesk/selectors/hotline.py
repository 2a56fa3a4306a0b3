"""SERVICE-7: the hotline service level, from the imported call log (reported, not enforced)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.programme import programme
from servicedesk.models import HotlineCall, Transfer


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    numerator: int
    denominator: int
    percent: Decimal | None  # None: nothing to measure
    target: Decimal
    at_least: bool  # True: the figure must reach the target; False: stay at or below it
    # Calls the figure would look at but whose optional column was empty (D-DESK-14).
    unrecorded: int = 0
    # True: a target that looks met while some calls are unrecorded is not confirmed (None).
    unrecorded_unconfirms: bool = False

    @property
    def met(self) -> bool | None:
        if self.percent is None:
            return None
        met = self.percent >= self.target if self.at_least else self.percent <= self.target
        if met and self.unrecorded and self.unrecorded_unconfirms:
            return None
        return met


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def hotline_report(start: date, end: date) -> dict[str, object]:
    """SERVICE-7 over the days ``start``..``end``: one aggregate query.

    VIP answered in time = VIP calls reaching an agent within HOTLINE_VIP_ANSWER_SECONDS ÷
    all VIP calls (unanswered ones count as late); transfer errors = failed transfers to an
    agent ÷ transfers to an agent; self-service = successful transfers to self-service ÷
    transfers to self-service (Decision D-DESK-8).

    D-DESK-14 adds two: VIP calls transferred (to an agent or to self-service) without the
    customer asking ÷ all VIP calls (target 0; VIP transfers whose ``transfer_asked`` is
    empty are counted as unrecorded, and while there are any a zero is not confirmed); and
    transfers to an expert agent answered within HOTLINE_EXPERT_ANSWER_SECONDS ÷ transfers
    to an expert agent (unanswered ones count as late; agent transfers whose ``expert`` is
    empty are unrecorded and left out).
    """
    seconds = int(programme("HOTLINE_VIP_ANSWER_SECONDS"))
    expert_seconds = int(programme("HOTLINE_EXPERT_ANSWER_SECONDS"))
    vip_transfer = Q(vip=True) & ~Q(transfer=Transfer.NONE)
    agent = Q(transfer=Transfer.AGENT)
    self_service = Q(transfer=Transfer.SELF_SERVICE)
    totals = HotlineCall.objects.filter(day__gte=start, day__lte=end).aggregate(
        calls=Count("id"),
        vip_calls=Count("id", filter=Q(vip=True)),
        vip_in_time=Count("id", filter=Q(vip=True, wait_seconds__lte=seconds)),
        agent_transfers=Count("id", filter=agent),
        agent_failed=Count("id", filter=agent & Q(transfer_ok=False)),
        self_service_transfers=Count("id", filter=self_service),
        self_service_ok=Count("id", filter=self_service & Q(transfer_ok=True)),
        vip_unasked=Count("id", filter=vip_transfer & Q(transfer_asked=False)),
        vip_asked_unrecorded=Count("id", filter=vip_transfer & Q(transfer_asked__isnull=True)),
        expert_transfers=Count("id", filter=agent & Q(expert=True)),
        expert_in_time=Count(
            "id", filter=agent & Q(expert=True, expert_wait_seconds__lte=expert_seconds)
        ),
        expert_unrecorded=Count("id", filter=agent & Q(expert__isnull=True)),
    )
    figures = [
        Figure(
            key="vip_answered",
            label=str(_("VIP calls answered within %(s)d s") % {"s": seconds}),
            numerator=totals["vip_in_time"],
            denominator=totals["vip_calls"],
            percent=_percent(totals["vip_in_time"], totals["vip_calls"]),
            target=Decimal(programme("HOTLINE_VIP_ANSWER_MIN_PERCENT")),
            at_least=True,
        ),
        Figure(
            key="transfer_errors",
            label=str(_("Transfer errors")),
            numerator=totals["agent_failed"],
            denominator=totals["agent_transfers"],
            percent=_percent(totals["agent_failed"], totals["agent_transfers"]),
            target=Decimal(programme("HOTLINE_TRANSFER_ERROR_MAX_PERCENT")),
            at_least=False,
        ),
        Figure(
            key="self_service",
            label=str(_("Transfers to self-service that succeeded")),
            numerator=totals["self_service_ok"],
            denominator=totals["self_service_transfers"],
            percent=_percent(totals["self_service_ok"], totals["self_service_transfers"]),
            target=Decimal(programme("HOTLINE_SELF_SERVICE_MIN_PERCENT")),
            at_least=True,
        ),
        Figure(
            key="vip_unasked_transfers",
            label=str(_("VIP calls transferred without the customer asking")),
            numerator=totals["vip_unasked"],
            denominator=totals["vip_calls"],
            percent=_percent(totals["vip_unasked"], totals["vip_calls"]),
            target=Decimal(0),  # the source: no transfer for a VIP unless the customer asks
            at_least=False,
            unrecorded=totals["vip_asked_unrecorded"],
            unrecorded_unconfirms=True,
        ),
        Figure(
            key="expert_answered",
            label=str(
                _("Transfers to an expert agent answered within %(s)d s") % {"s": expert_seconds}
            ),
            numerator=totals["expert_in_time"],
            denominator=totals["expert_transfers"],
            percent=_percent(totals["expert_in_time"], totals["expert_transfers"]),
            target=Decimal(programme("HOTLINE_EXPERT_ANSWER_MIN_PERCENT")),
            at_least=True,
            unrecorded=totals["expert_unrecorded"],
        ),
    ]
    return {"start": start, "end": end, "calls": totals["calls"], "figures": figures}


def vip_unasked_transfers(start: date, end: date, limit: int = 50) -> list[HotlineCall]:
    """The breaches behind the unasked-transfer figure (D-DESK-14): newest first, at most
    ``limit`` (one query)."""
    return list(
        HotlineCall.objects.filter(day__gte=start, day__lte=end, vip=True, transfer_asked=False)
        .exclude(transfer=Transfer.NONE)
        .only("call_id", "started_at", "transfer")
        .order_by("-started_at", "call_id")[:limit]
    )
