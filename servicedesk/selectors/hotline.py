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

    @property
    def met(self) -> bool | None:
        if self.percent is None:
            return None
        return self.percent >= self.target if self.at_least else self.percent <= self.target


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
    """
    seconds = int(programme("HOTLINE_VIP_ANSWER_SECONDS"))
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
    ]
    return {"start": start, "end": end, "calls": totals["calls"], "figures": figures}
