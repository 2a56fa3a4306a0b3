"""The access helpers of the points app: one per object type, built on the customer's.

Every staff role may look at a customer's points (account managers view); counter clerks and
supervisors act (``write=True``), as ``membership.access.customer_for_user`` decides.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.errors import NotFound
from membership.access import customer_for_user
from points.models import Redemption, TransferRecipient


def redemption_for_user(
    user: Any, pk: int | str, *, msisdn: str | None = None, write: bool = False
) -> Redemption:
    """The redemption ``pk`` if ``user`` may see its customer (and act, with ``write``).

    With ``msisdn`` (the screens' URLs), the redemption must belong to that line.
    Http404 for an unknown redemption, PermissionDenied otherwise.
    """
    if msisdn is not None:
        customer = customer_for_user(user, msisdn, write=write)
    try:
        redemption = Redemption.objects.select_related("customer", "item").get(pk=int(pk))
    except (Redemption.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No redemption #%(pk)s.") % {"pk": pk}) from exc
    if msisdn is None:
        customer_for_user(user, redemption.customer.msisdn, write=write)
    elif redemption.customer_id != customer.pk:
        raise NotFound(_("No redemption #%(pk)s on this line.") % {"pk": pk})
    return redemption


def recipient_for_user(
    user: Any, msisdn: str, pk: int | str, *, write: bool = False
) -> TransferRecipient:
    """A transfer recipient registered by the line ``msisdn``."""
    sender = customer_for_user(user, msisdn, write=write)
    try:
        return TransferRecipient.objects.select_related("sender", "recipient").get(
            pk=int(pk), sender=sender
        )
    except (TransferRecipient.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No registered recipient #%(pk)s on this line.") % {"pk": pk}) from exc
