"""The access helpers of servicedesk: one per object type, used by every view and API.

Every staff role may read requests, halls and tickets; counter clerks and supervisors may
change them (the matrix in core/access.py decides which pages a role opens at all).
Account managers register brand privileges and club-event sign-ups for the customers they
look after (SERVICE-12, SERVICE-13); supervisors create and edit club events.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.roles import CLERK, MANAGER, SUPERVISOR, is_supervisor, roles_of
from keyaccounts.access import key_persons_visible_to, personal_customers_visible_to
from membership.access import customer_for_user, may_change_customers
from membership.models import Customer
from servicedesk.models import (
    BRAND_PRIVILEGE_KINDS,
    Benefit,
    ClubEvent,
    ClubSignup,
    Entitlement,
    Hall,
    ServiceRequest,
    Ticket,
)

WRITE_ROLES = frozenset({CLERK, SUPERVISOR})
# SERVICE-9 (D-DESK-15): who adds the birthday minutes by hand, after checking.
BIRTHDAY_MINUTES_ROLES = frozenset({MANAGER, SUPERVISOR})

# SERVICE-12/13: what an account manager may register for a customer they look after: the
# brand privileges' request kinds and a club-event sign-up.
MANAGER_KINDS = frozenset({*BRAND_PRIVILEGE_KINDS, Benefit.CLUB_EVENT})


def _check_user(user: Any, *, write: bool) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_superuser:
        return
    roles = roles_of(user)
    if not roles or (write and not roles & WRITE_ROLES):
        raise PermissionDenied


def service_request_for_user(user: Any, pk: Any, *, write: bool = False) -> ServiceRequest:
    """The request ``pk`` if ``user`` may see it (and act on it, with ``write``)."""
    _check_user(user, write=write)
    try:
        return ServiceRequest.objects.select_related("customer", "hall", "created_by").get(
            pk=int(pk)
        )
    except (ValueError, ServiceRequest.DoesNotExist) as exc:
        raise Http404(_("No service request #%(pk)s.") % {"pk": pk}) from exc


def hall_for_user(user: Any, code: str, *, write: bool = False) -> Hall:
    """The hall with ``code``; issuing and calling tickets is writing."""
    _check_user(user, write=write)
    try:
        return Hall.objects.get(code=code)
    except Hall.DoesNotExist as exc:
        raise Http404(_("No service hall “%(code)s”.") % {"code": code}) from exc


def ticket_for_user(user: Any, pk: Any, *, write: bool = False) -> Ticket:
    _check_user(user, write=write)
    try:
        return Ticket.objects.select_related("hall").get(pk=int(pk))
    except (ValueError, Ticket.DoesNotExist) as exc:
        raise Http404(_("No ticket #%(pk)s.") % {"pk": pk}) from exc


def birthday_minutes_customer_for_user(user: Any, msisdn: str) -> Customer:
    """SERVICE-9: the customer whose birthday minutes ``user`` may add by hand: account
    managers and supervisors (and superusers); 404 for an unknown number, 403 otherwise."""
    customer = customer_for_user(user, msisdn)
    if not (user.is_superuser or roles_of(user) & BIRTHDAY_MINUTES_ROLES):
        raise PermissionDenied
    return customer


def looks_after(user: Any, customer: Customer) -> bool:
    """Whether account manager ``user`` looks after ``customer``: their current personal
    customer (SERVICE-8) or a current key person of a group they manage (GROUP-1/3)."""
    if personal_customers_visible_to(user).filter(customer=customer).exists():
        return True
    return key_persons_visible_to(user).filter(customer=customer, ended_at__isnull=True).exists()


def may_register_for(user: Any, customer: Customer, kind: str) -> bool:
    """SERVICE-12/13: counter clerks and supervisors register anything for anyone; account
    managers the brand privileges and club sign-ups of the customers they look after."""
    if not getattr(user, "is_authenticated", False):
        return False
    if may_change_customers(user):
        return True
    return MANAGER in roles_of(user) and kind in MANAGER_KINDS and looks_after(user, customer)


def customer_for_registering(user: Any, msisdn: str, kind: str) -> Customer:
    """The customer ``msisdn`` if ``user`` may register a request of ``kind`` for them
    (``Benefit.CLUB_EVENT``: a club-event sign-up); PermissionDenied otherwise."""
    customer = customer_for_user(user, msisdn)
    if not may_register_for(user, customer, kind):
        raise PermissionDenied
    return customer


def club_event_for_user(user: Any, pk: Any, *, write: bool = False) -> ClubEvent:
    """SERVICE-13: an event; every staff role reads it, supervisors change it."""
    _check_user(user, write=False)
    if write and not is_supervisor(user):
        raise PermissionDenied
    try:
        return ClubEvent.objects.get(pk=int(pk))
    except (ValueError, ClubEvent.DoesNotExist) as exc:
        raise Http404(_("No club event #%(pk)s.") % {"pk": pk}) from exc


def club_signup_for_user(user: Any, pk: Any, *, write: bool = False) -> ClubSignup:
    """SERVICE-13: a sign-up; counter clerks and supervisors mark attendance and cancel."""
    _check_user(user, write=write)
    try:
        return ClubSignup.objects.select_related("event", "customer").get(pk=int(pk))
    except (ValueError, ClubSignup.DoesNotExist) as exc:
        raise Http404(_("No sign-up #%(pk)s.") % {"pk": pk}) from exc


def entitlement_for_user(user: Any, pk: Any) -> Entitlement:
    """SERVICE-2: a row of the entitlements table; only supervisors (and superusers) open
    and change the table in the app."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if not (user.is_superuser or is_supervisor(user)):
        raise PermissionDenied
    try:
        return Entitlement.objects.get(pk=int(pk))
    except (ValueError, Entitlement.DoesNotExist) as exc:
        raise Http404(_("No entitlement #%(pk)s.") % {"pk": pk}) from exc
