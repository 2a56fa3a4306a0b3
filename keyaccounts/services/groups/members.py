"""GROUP-2: members of a group signing up and leaving (a membership is ended, never
deleted)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import recorded_actor
from core.errors import DomainError
from keyaccounts.models import GroupCustomer, GroupMember, KeyPerson
from keyaccounts.services.groups.common import local_today
from membership.models import Customer, Status


@transaction.atomic
def group_member_add(
    *, group: GroupCustomer, customer: Customer, signed_on: date | None = None, actor: Any = None
) -> GroupMember:
    """GROUP-2: sign ``customer`` up as a member of ``group``.

    A line that left the group may sign up again: a new membership, starting no earlier
    than the day the last one ended (periods of one line in one group never overlap).
    """
    if customer.status == Status.CANCELLED:
        raise DomainError(_("The line %(msisdn)s is cancelled.") % {"msisdn": customer.msisdn})
    signed_on = signed_on or local_today()
    memberships = GroupMember.objects.filter(group=group, customer=customer)
    if memberships.filter(ended_on__isnull=True).exists():
        raise DomainError(
            _("%(msisdn)s is a member of this group already.") % {"msisdn": customer.msisdn}
        )
    left = (
        memberships.filter(ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if left is not None and signed_on < left:
        raise DomainError(
            _(
                "%(msisdn)s left this group on %(day)s: "
                "a new membership cannot start before that day."
            )
            % {"msisdn": customer.msisdn, "day": f"{left:%Y-%m-%d}"}
        )
    try:
        with transaction.atomic():
            return GroupMember.objects.create(
                group=group,
                customer=customer,
                signed_on=signed_on,
                added_by=recorded_actor(actor),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(msisdn)s is a member of this group already.") % {"msisdn": customer.msisdn}
        ) from exc


@transaction.atomic
def group_member_remove(
    *, member: GroupMember, actor: Any = None, on: date | None = None
) -> GroupMember:
    """GROUP-2: a member leaves the group; a key person must stop being one first.

    The membership is ended, not deleted: ``ended_on`` (``on``, today by default) is the
    first day the line is no longer a member, so KPI-1 of the months before still counts it
    (D-GROUP-5). ``on`` may be a past day (a departure reported late), never a future one
    nor a day before the member signed up.
    """
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_on is not None:
        raise DomainError(_("This line is no longer a member of the group."))
    if KeyPerson.objects.filter(
        group_id=member.group_id, customer_id=member.customer_id, ended_at__isnull=True
    ).exists():
        raise DomainError(_("This member is a key person: remove the key person first."))
    today = local_today()
    if on is None:
        # A membership signed for a day still to come is closed on that day: it never counts.
        on = max(today, member.signed_on)
    elif on > today:
        raise DomainError(_("A member cannot be removed from a future day."))
    if on < member.signed_on:
        raise DomainError(
            _("The member signed up on %(day)s: the day they left cannot be before that.")
            % {"day": f"{member.signed_on:%Y-%m-%d}"}
        )
    member.ended_on = on
    member.ended_at = clock.now()
    member.ended_by = recorded_actor(actor)
    member.save(update_fields=["ended_on", "ended_at", "ended_by"])
    return member
