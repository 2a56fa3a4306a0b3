"""The one access helper for customers: every view and API endpoint gets a customer here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import CLERK, SUPERVISOR, roles_of
from core.validators import normalise_msisdn
from membership.models import Customer

WRITE_ROLES = frozenset({CLERK, SUPERVISOR})


def may_change_customers(user: Any) -> bool:
    """Only counter clerks and supervisors (and superusers) change a customer."""
    return bool(user.is_superuser or roles_of(user) & WRITE_ROLES)


def customer_for_user(user: Any, msisdn: str, *, write: bool = False) -> Customer:
    """The customer with ``msisdn`` if ``user`` may see it (and change it, with ``write``).

    Every staff role may look a customer up; only counter clerks and supervisors may change
    one. Raises Http404 for a malformed or unknown number, PermissionDenied otherwise.
    """
    try:
        number = normalise_msisdn(msisdn)
    except ValidationError as exc:
        raise NotFound(exc.messages[0]) from exc
    if not user.is_authenticated or not (roles_of(user) or user.is_superuser):
        raise PermissionDenied
    if write and not may_change_customers(user):
        raise PermissionDenied
    try:
        return Customer.objects.get(msisdn=number)
    except Customer.DoesNotExist as exc:
        raise NotFound(_("No customer has the number %(msisdn)s.") % {"msisdn": number}) from exc
