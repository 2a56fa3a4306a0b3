"""POINTS-8: points transfer 积分转送 between customers, and registered recipients."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.dates import month_start, tenure_months
from core.errors import DomainError
from core.programme import programme
from membership.models import Customer, Status
from points.models import EntryKind, Lot, Transfer, TransferRecipient
from points.selectors import transferred_in_month
from points.services.ledger import (
    account_lock,
    entry_post,
    lot_get_or_create,
    lots_for_update,
    take_oldest_first,
)
from points.services.redemptions import refuse_if_frozen


def _check_pair(sender: Customer, recipient: Customer) -> None:
    """POINTS-8: same brand, same province, a line that is still there."""
    if sender.pk == recipient.pk:
        raise DomainError(_("A line cannot transfer points to itself."), code="self")
    if recipient.status == Status.CANCELLED:
        raise DomainError(
            _("%(msisdn)s is cancelled and cannot receive points.") % {"msisdn": recipient},
            code="cancelled",
        )
    if sender.brand != recipient.brand:
        raise DomainError(
            _("Points go only to a line of the same brand: %(a)s is %(ba)s, %(b)s is %(bb)s.")
            % {
                "a": sender,
                "ba": sender.get_brand_display(),
                "b": recipient,
                "bb": recipient.get_brand_display(),
            },
            code="brand",
        )
    if sender.province != recipient.province:
        raise DomainError(
            _("Points go only to a line in the same province (%(province)s).")
            % {"province": sender.province},
            code="province",
        )


@transaction.atomic
def transfer_recipient_register(
    *, sender: Customer, recipient: Customer, actor: Any = None
) -> TransferRecipient:
    """POINTS-8: register ``recipient`` for ``sender`` (at most TRANSFER_MAX_RECIPIENTS)."""
    sender, recipient = account_lock(sender, recipient)
    _check_pair(sender, recipient)
    if TransferRecipient.objects.filter(sender=sender, recipient=recipient).exists():
        raise DomainError(
            _("%(msisdn)s is already a registered recipient.") % {"msisdn": recipient},
            code="duplicate",
        )
    limit = int(programme("POINTS_TRANSFER_MAX_RECIPIENTS"))
    if TransferRecipient.objects.filter(sender=sender).count() >= limit:
        raise DomainError(
            _("A line may register at most %(limit)s recipients; remove one first.")
            % {"limit": limit},
            code="recipients",
        )
    return TransferRecipient.objects.create(
        sender=sender,
        recipient=recipient,
        registered_at=clock.now(),
        registered_by=recorded_actor(actor),
    )


@transaction.atomic
def transfer_recipient_remove(*, registration: TransferRecipient, actor: Any = None) -> None:
    """Remove a registered recipient (past transfers stay in the ledger)."""
    account_lock(registration.sender)
    TransferRecipient.objects.filter(pk=registration.pk).delete()


@transaction.atomic
def transfer_create(
    *,
    sender: Customer,
    recipient: Customer,
    points: int,
    actor: Any = None,
    today: date | None = None,
) -> Transfer:
    """POINTS-8: move ``points`` from ``sender`` to ``recipient``, lot by lot, oldest first;
    each lot's points keep their earning year (and their exemption from expiry)."""
    if points < 1:
        raise DomainError(_("Transfer at least 1 point."))
    today = today or clock.today()
    sender, recipient = account_lock(sender, recipient)
    refuse_if_frozen(sender)  # POINTS-9: no transfer out of a frozen account
    _check_pair(sender, recipient)
    if not TransferRecipient.objects.filter(sender=sender, recipient=recipient).exists():
        raise DomainError(
            _("Register %(msisdn)s as a recipient first.") % {"msisdn": recipient},
            code="unregistered",
        )
    minimum = int(programme("POINTS_TRANSFER_MIN_TENURE_MONTHS"))
    if tenure_months(sender.joined_on, today) < minimum:  # CONV-2
        raise DomainError(
            _("The sender needs at least %(months)s months of tenure (joined on %(joined)s).")
            % {"months": minimum, "joined": sender.joined_on.isoformat()},
            code="tenure",
        )
    sent, _received = transferred_in_month(sender, today)
    cap_out = int(programme("POINTS_TRANSFER_MONTHLY_OUT"))
    if sent + points > cap_out:
        raise DomainError(
            _(
                "%(msisdn)s may send at most %(cap)s points a month; %(sent)s sent this month, "
                "so at most %(left)s more."
            )
            % {"msisdn": sender, "cap": cap_out, "sent": sent, "left": max(cap_out - sent, 0)},
            code="cap_out",
        )
    _sent, received = transferred_in_month(recipient, today)
    cap_in = int(programme("POINTS_TRANSFER_MONTHLY_IN"))
    if received + points > cap_in:
        raise DomainError(
            _(
                "%(msisdn)s may receive at most %(cap)s points a month; %(received)s received "
                "this month, so at most %(left)s more."
            )
            % {
                "msisdn": recipient,
                "cap": cap_in,
                "received": received,
                "left": max(cap_in - received, 0),
            },
            code="cap_in",
        )
    lots = lots_for_update(sender)
    balance = sum(lot.balance for lot in lots)
    if points > balance:
        raise DomainError(
            _("Not enough points: %(points)s to transfer, the redeemable balance is %(balance)s.")
            % {"points": points, "balance": balance},
            code="short",
        )
    transfer = Transfer.objects.create(
        sender=sender,
        recipient=recipient,
        points=points,
        month=month_start(today),
        created_at=clock.now(),
        created_by=recorded_actor(actor),
    )
    for lot, take in take_oldest_first(lots, points):  # POINTS-5 oldest first
        entry_post(
            customer=sender,
            lot=lot,
            kind=EntryKind.TRANSFER_OUT,
            amount=-take,
            booked_on=today,
            actor=actor,
            transfer=transfer,
        )
        target = lot_get_or_create(customer=recipient, year=lot.year, exempt=lot.exempt)
        target = Lot.objects.select_for_update().get(pk=target.pk)
        entry_post(
            customer=recipient,
            lot=target,
            kind=EntryKind.TRANSFER_IN,
            amount=take,
            booked_on=today,
            actor=actor,
            transfer=transfer,
        )
    return transfer
