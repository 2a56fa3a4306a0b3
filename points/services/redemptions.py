"""POINTS-7: redeeming rewards from the catalogue, cancelling and fulfilling redemptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from core.states import state_move
from membership.models import Customer, Status
from points.models import EntryKind, Lot, Redemption, RedemptionEvent, RewardItem
from points.selectors import account_frozen, lot_expires_on
from points.services.expiry import lot_expire_if_past
from points.services.ledger import (
    account_lock,
    entry_post,
    lots_for_update,
    lots_holding,
    take_oldest_first,
)


def refuse_if_frozen(customer: Customer) -> None:
    """POINTS-9 / POINTS-10: a frozen or cancelled account may not give points away."""
    if customer.status == Status.CANCELLED:
        raise DomainError(
            _("The line is cancelled: its points were cleared (POINTS-10)."), code="cancelled"
        )
    if account_frozen(customer):
        raise DomainError(
            _(
                "The points account is frozen while the line is %(status)s: no redemption "
                "and no transfer out until it is reactivated."
            )
            % {"status": customer.get_status_display().lower()},
            code="frozen",
        )


def redemption_refusal(customer: Customer) -> str | None:
    """POINTS-9 / POINTS-10: why ``customer`` may not redeem at all (a frozen account, a
    cancelled line), for the counter to say before offering a form; None when it may."""
    try:
        refuse_if_frozen(customer)
    except DomainError as exc:
        return exc.message
    return None


def _refuse_item(*, item: RewardItem, quantity: int, balance: int) -> int:
    """POINTS-7: the refusals that depend on the reward; the points it costs otherwise."""
    if not item.active:
        raise DomainError(_("“%(item)s” is no longer offered.") % {"item": item.name})
    cost = item.points_price * quantity
    if cost > balance:
        raise DomainError(
            _(
                "Not enough points: “%(item)s” × %(quantity)s needs %(cost)s points, "
                "the redeemable balance is %(balance)s."
            )
            % {"item": item.name, "quantity": quantity, "cost": cost, "balance": balance},
            code="short",
        )
    return cost


def _out_of_stock(item: RewardItem) -> DomainError:
    return DomainError(
        _("“%(item)s” is out of stock (%(stock)s left).")
        % {"item": item.name, "stock": item.stock},
        code="stock",
    )


@dataclass(frozen=True)
class LotTake:
    """The points a redemption would take from one lot (POINTS-5)."""

    year: int
    exempt: bool
    points: int

    @property
    def expires_on(self) -> date | None:
        return lot_expires_on(self.year, self.exempt)


@dataclass(frozen=True)
class RedemptionQuote:
    """What ``redemption_create`` would do now: the counter's confirmation step (POINTS-7)."""

    item: RewardItem
    quantity: int
    cost: int
    balance_before: int
    takes: tuple[LotTake, ...]

    @property
    def balance_after(self) -> int:
        return self.balance_before - self.cost

    @property
    def stock_after(self) -> int:
        return self.item.stock - self.quantity


def redemption_quote(*, customer: Customer, item: RewardItem, quantity: int = 1) -> RedemptionQuote:
    """POINTS-7: the cost, the balance before and after and the lots a redemption of
    ``quantity`` × ``item`` would take from, oldest first (POINTS-5), without taking them.

    Raises the refusals ``redemption_create`` raises (POINTS-9/10 frozen or cancelled, short,
    out of stock, no longer offered), with the same messages; writes and locks nothing, so
    ``redemption_create`` checks everything again under the account lock.
    """
    if quantity < 1:
        raise DomainError(_("The quantity must be at least 1."))
    refuse_if_frozen(customer)
    item = RewardItem.objects.get(pk=item.pk)
    lots = list(lots_holding(customer))
    balance = sum(lot.balance for lot in lots)
    cost = _refuse_item(item=item, quantity=quantity, balance=balance)
    if item.stock < quantity:
        raise _out_of_stock(item)
    return RedemptionQuote(
        item=item,
        quantity=quantity,
        cost=cost,
        balance_before=balance,
        takes=tuple(
            LotTake(year=lot.year, exempt=lot.exempt, points=take)
            for lot, take in take_oldest_first(lots, cost)
        ),
    )


@transaction.atomic
def redemption_create(
    *,
    customer: Customer,
    item: RewardItem,
    quantity: int = 1,
    actor: Any = None,
    today: date | None = None,
) -> Redemption:
    """POINTS-7: redeem ``quantity`` × ``item`` from the customer's points, oldest lot first.

    Refused when the account is frozen (POINTS-9), the balance is short or the stock is out.
    Runs under the account lock, so two clerks on one account cannot overdraw it.
    """
    if quantity < 1:
        raise DomainError(_("The quantity must be at least 1."))
    today = today or clock.today()
    (customer,) = account_lock(customer)
    refuse_if_frozen(customer)
    item = RewardItem.objects.get(pk=item.pk)
    lots = lots_for_update(customer)
    cost = _refuse_item(item=item, quantity=quantity, balance=sum(lot.balance for lot in lots))
    # Stock never below zero: a conditional update (and a CHECK constraint behind it).
    taken = RewardItem.objects.filter(pk=item.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if taken != 1:
        raise _out_of_stock(item)
    now = clock.now()
    redemption = Redemption.objects.create(
        customer=customer,
        item=item,
        quantity=quantity,
        points=cost,
        status=Redemption.Status.REQUESTED,
        created_at=now,
        created_by=recorded_actor(actor),
    )
    redemption.events.create(
        from_status="", to_status=Redemption.Status.REQUESTED, at=now, actor=recorded_actor(actor)
    )
    for lot, take in take_oldest_first(lots, cost):  # POINTS-5
        entry_post(
            customer=customer,
            lot=lot,
            kind=EntryKind.REDEMPTION,
            amount=-take,
            booked_on=today,
            actor=actor,
            redemption=redemption,
        )
    return redemption


def redemption_set_status(
    *,
    redemption: Redemption,
    status: str,
    actor: Any = None,
    note: str = "",
    at: datetime | None = None,
) -> RedemptionEvent:
    """POINTS-7: move ``redemption`` (read with select_for_update in the caller's
    transaction) to ``status`` if its state machine allows it, with its history row
    (core.states.state_move)."""
    origin = redemption.status
    return state_move(
        redemption,
        status,
        locked=True,
        refusal=_("A %(current)s redemption cannot become %(target)s.")
        % {
            "current": redemption.get_status_display().lower(),
            "target": str(Redemption.Status(status).label).lower(),
        },
        code="illegal_transition",
        history=lambda: RedemptionEvent.objects.create(
            redemption=redemption,
            from_status=origin,
            to_status=status,
            at=at or clock.now(),
            actor=recorded_actor(actor),
            note=note,
        ),
    )


@transaction.atomic
def redemption_cancel(
    *, redemption: Redemption, actor: Any = None, note: str = "", today: date | None = None
) -> Redemption:
    """POINTS-7: cancel an unfulfilled redemption; its points go back to the lots they came
    from (and expire at once if a lot is past its validity, POINTS-6); the stock returns."""
    today = today or clock.today()
    (customer,) = account_lock(redemption.customer)
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if customer.status == Status.CANCELLED:
        raise DomainError(
            _("The line is cancelled and its points were cleared: the redemption stays."),
            code="cancelled",
        )
    redemption_set_status(
        redemption=redemption, status=Redemption.Status.CANCELLED, actor=actor, note=note
    )
    taken = list(
        redemption.entries.filter(kind=EntryKind.REDEMPTION).select_related("lot").order_by("id")
    )
    for entry in taken:
        lot = Lot.objects.select_for_update().get(pk=entry.lot_id)
        entry_post(
            customer=customer,
            lot=lot,
            kind=EntryKind.REDEMPTION_CANCEL,
            amount=-entry.amount,
            booked_on=today,
            actor=actor,
            redemption=redemption,
            note=note,
        )
        lot.customer = customer
        lot_expire_if_past(lot=lot, today=today, actor=actor, redemption=redemption)
    RewardItem.objects.filter(pk=redemption.item_id).update(stock=F("stock") + redemption.quantity)
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption: Redemption, actor: Any = None, note: str = "") -> Redemption:
    """The reward was handed over or delivered: requested → fulfilled (no more cancelling)."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    redemption_set_status(
        redemption=redemption, status=Redemption.Status.FULFILLED, actor=actor, note=note
    )
    return redemption
