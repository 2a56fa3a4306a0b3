"""The one access helper for plan orders: every view and API endpoint gets an order here."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from membership.access import customer_for_user
from plans.models import Subscription


def subscription_for_user(user: Any, pk: int | str, *, write: bool = False) -> Subscription:
    """The order ``pk`` if ``user`` may see its customer (and change it, with ``write``).

    Access follows the customer's (membership.access.customer_for_user): every staff role
    may look, counter clerks and supervisors may change. Http404 for an unknown order,
    PermissionDenied otherwise.
    """
    try:
        subscription = Subscription.objects.select_related("customer", "plan", "plan__family").get(
            pk=int(pk)
        )
    except (Subscription.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No plan order #%(pk)s.") % {"pk": pk}) from exc
    customer_for_user(user, subscription.customer.msisdn, write=write)
    return subscription
