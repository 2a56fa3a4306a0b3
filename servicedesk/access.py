"""The access helpers of servicedesk: one per object type, used by every view and API.

Every staff role may read requests, halls and tickets; counter clerks and supervisors may
change them (the matrix in core/access.py decides which pages a role opens at all).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.roles import CLERK, MANAGER, SUPERVISOR, roles_of
from membership.access import customer_for_user
from membership.models import Customer
from servicedesk.models import Hall, ServiceRequest, Ticket

WRITE_ROLES = frozenset({CLERK, SUPERVISOR})
# SERVICE-9 (D-DESK-15): who adds the birthday minutes by hand, after checking.
BIRTHDAY_MINUTES_ROLES = frozenset({MANAGER, SUPERVISOR})


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
