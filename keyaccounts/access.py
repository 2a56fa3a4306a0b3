"""The access helpers for group customers and what hangs off them (GROUP-1..4, TIER-7),
personal VIP customers (SERVICE-8) and their birthday gifts (SERVICE-14).

One helper per object type, used by every view and API endpoint:

- supervisors (and superusers) see and change every group, key person, contact and request;
- account managers see and change only the groups they manage, and what belongs to them;
- counter clerks and logins without a role see none of it.

Each ``*_for_user`` returns the object, or raises PermissionDenied (not allowed) or Http404
(no such object). The ``*_visible_to`` querysets scope lists the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import MANAGER, is_supervisor, roles_of
from keyaccounts.models import (
    BirthdayGift,
    ContactLog,
    GroupCustomer,
    KeyPerson,
    PersonalManager,
    UpgradeRequest,
)
from keyaccounts.selectors.personal import current_assignments
from membership.masking import mask_id, mask_name


def sees_all_groups(user: Any) -> bool:
    return is_supervisor(user)


def _require_group_role(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if not (sees_all_groups(user) or MANAGER in roles_of(user)):
        raise PermissionDenied


def _check_owner(user: Any, group: GroupCustomer) -> None:
    if not sees_all_groups(user) and group.account_manager_id != user.pk:
        raise PermissionDenied


def groups_visible_to(user: Any) -> QuerySet[GroupCustomer]:
    """Every group for supervisors, the managed ones for account managers, else none."""
    if not getattr(user, "is_authenticated", False):
        return GroupCustomer.objects.none()
    if sees_all_groups(user):
        return GroupCustomer.objects.all()
    if MANAGER in roles_of(user):
        return GroupCustomer.objects.filter(account_manager=user)
    return GroupCustomer.objects.none()


def personal_customers_visible_to(user: Any) -> QuerySet[PersonalManager]:
    """SERVICE-8: the current personal-manager assignments a user may see: every one for
    supervisors, an account manager's own personal customers, none for anyone else."""
    rows = current_assignments()
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if sees_all_groups(user):
        return rows
    if MANAGER in roles_of(user):
        return rows.filter(manager=user)
    return rows.none()


def gifts_visible_to(user: Any) -> QuerySet[BirthdayGift]:
    """SERVICE-14: every birthday gift for supervisors; an account manager's, those of
    their current personal customers (the gift follows the customer to a new manager);
    none for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return BirthdayGift.objects.none()
    if sees_all_groups(user):
        return BirthdayGift.objects.all()
    if MANAGER in roles_of(user):
        mine = current_assignments().filter(manager=user).values("customer_id")
        return BirthdayGift.objects.filter(customer_id__in=mine)
    return BirthdayGift.objects.none()


def gift_for_user(user: Any, gift_id: Any, *, write: bool = False) -> BirthdayGift:
    """SERVICE-14: the gift ``gift_id`` if ``user`` may see it; the same to record a step
    (the service checks again, under the row's lock)."""
    _require_group_role(user)
    try:
        gift = BirthdayGift.objects.select_related("customer").get(pk=int(gift_id))
    except (BirthdayGift.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such birthday gift.")) from exc
    if not gifts_visible_to(user).filter(pk=gift.pk).exists():
        raise PermissionDenied
    return gift


def key_persons_visible_to(user: Any) -> QuerySet[KeyPerson]:
    return KeyPerson.objects.filter(group__in=groups_visible_to(user).values("pk"))


def contact_logs_visible_to(user: Any) -> QuerySet[ContactLog]:
    return ContactLog.objects.filter(group__in=groups_visible_to(user).values("pk"))


def upgrade_requests_visible_to(user: Any) -> QuerySet[UpgradeRequest]:
    return UpgradeRequest.objects.filter(key_person__group__in=groups_visible_to(user).values("pk"))


def group_for_user(user: Any, group_id: Any, *, write: bool = False) -> GroupCustomer:
    """The group ``group_id`` if ``user`` may see it (and change it, with ``write``).

    Reading and writing need the same thing today (being the group's account manager, or a
    supervisor); ``write`` is kept so that every call site says what it intends.
    """
    _require_group_role(user)
    try:
        group = GroupCustomer.objects.select_related("account_manager").get(pk=int(group_id))
    except (GroupCustomer.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such group customer.")) from exc
    _check_owner(user, group)
    return group


def key_person_for_user(user: Any, key_person_id: Any, *, write: bool = False) -> KeyPerson:
    """The key person ``key_person_id`` if ``user`` may see (``write``: change) its group.

    An ended key person can still be read (its timeline and grants stay); it cannot be
    changed: ``write`` on an ended key person is refused with 404.
    """
    _require_group_role(user)
    try:
        person = KeyPerson.objects.select_related(
            "group", "group__account_manager", "customer"
        ).get(pk=int(key_person_id))
    except (KeyPerson.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such key person.")) from exc
    _check_owner(user, person.group)
    if write and person.ended_at is not None:
        raise NotFound(_("This person is no longer a key person."))
    return person


def contact_log_for_user(user: Any, contact_id: Any, *, write: bool = False) -> ContactLog:
    """A contact of the log, if ``user`` may see its group. Contacts are never changed."""
    _require_group_role(user)
    if write:
        raise PermissionDenied  # the contact log is append-only
    try:
        contact = ContactLog.objects.select_related("group", "key_person", "logged_by").get(
            pk=int(contact_id)
        )
    except (ContactLog.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such contact.")) from exc
    _check_owner(user, contact.group)
    return contact


def upgrade_request_for_user(user: Any, request_id: Any, *, write: bool = False) -> UpgradeRequest:
    """An upgrade request, if ``user`` may see the key person's group.

    Who may move it (the requester withdraws, a supervisor other than the requester
    decides) is the upgrade service's rule, checked there.
    """
    _require_group_role(user)
    try:
        request = UpgradeRequest.objects.select_related(
            "key_person",
            "key_person__group",
            "key_person__group__account_manager",
            "customer",
            "requested_by",
            "decided_by",
        ).get(pk=int(request_id))
    except (UpgradeRequest.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such upgrade request.")) from exc
    _check_owner(user, request.key_person.group)
    return request


# D-CUST-13 (amends D-CUST-8): whose names an account manager sees unmasked. The one rule,
# used by every keyaccounts page, CSV export and the key-person API.
_UNMASKED_CACHE = "_keyaccounts_unmasked"


def _is_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and MANAGER in roles_of(user)


def _own_customers(user: Any) -> tuple[QuerySet[KeyPerson], QuerySet[PersonalManager]]:
    """D-CUST-13: the manager's current key persons (of the groups they manage) and their
    current personal customers (SERVICE-8), as two querysets to narrow."""
    return (
        KeyPerson.objects.filter(group__account_manager=user, ended_at__isnull=True),
        current_assignments().filter(manager=user),
    )


def unmasked_among(user: Any, customer_ids: Iterable[Any]) -> set[int]:
    """D-CUST-13: which of ``customer_ids`` ``user`` sees in full without asking: for an
    account manager, the current key persons of the groups they manage and their current
    personal customers (SERVICE-8); for everybody else none (D-CUST-8 masks, and a
    supervisor reveals one customer at a time, audited).

    One query for the ids not asked before in this request (the answers are kept on the
    user object), narrowed to those ids: a page primes it with its rows' customers
    (:func:`prime_unmasked`), so a page costs one query, whatever the portfolio's size."""
    ids = {int(i) for i in customer_ids if i is not None}
    if not ids or not _is_manager(user):
        return set()
    known: dict[int, bool] = getattr(user, _UNMASKED_CACHE, None) or {}
    missing = ids - known.keys()
    if missing:
        key_persons, personal = _own_customers(user)
        found = set(
            key_persons.filter(customer_id__in=missing)
            .order_by()
            .values_list("customer_id", flat=True)
            .union(
                personal.filter(customer_id__in=missing)
                .order_by()
                .values_list("customer_id", flat=True)
            )
        )
        known.update({i: i in found for i in missing})
        setattr(user, _UNMASKED_CACHE, known)
    return {i for i in ids if known[i]}


def prime_unmasked(user: Any, customer_ids: Iterable[Any]) -> None:
    """D-CUST-13: answer, in one query, for the customers a page is about to show."""
    unmasked_among(user, customer_ids)


def unmasked_for(user: Any, customer: Any) -> bool:
    """D-CUST-13: True when ``user`` sees ``customer``'s name and ID number unmasked."""
    customer_id = getattr(customer, "pk", customer)
    return customer_id is not None and bool(unmasked_among(user, [customer_id]))


def unmasked_expression(user: Any, customer_ref: str) -> Any:
    """D-CUST-13 in SQL, for exports that stream a whole list: a boolean expression that
    is true when the row's customer (``customer_ref``) is one of ``user``'s own."""
    if not _is_manager(user):
        return Value(False, output_field=BooleanField())
    key_persons, personal = _own_customers(user)
    return Exists(key_persons.filter(customer_id=OuterRef(customer_ref))) | Exists(
        personal.filter(customer_id=OuterRef(customer_ref))
    )


def customer_name_for(user: Any, customer: Any, *, unmasked: bool | None = None) -> str:
    """CUST-8 / D-CUST-13: ``customer``'s name as ``user`` may see it (``unmasked`` when
    the caller already knows, e.g. from :func:`unmasked_expression`)."""
    name = getattr(customer, "name", "") or ""
    if unmasked is None:
        unmasked = unmasked_for(user, customer)
    return name if unmasked else mask_name(name)


def customer_id_number_for(user: Any, customer: Any) -> str:
    """CUST-8 / D-CUST-13: ``customer``'s ID number as ``user`` may see it."""
    number = getattr(customer, "id_number", "") or ""
    return number if unmasked_for(user, customer) else mask_id(number)
