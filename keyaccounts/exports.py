"""The columns of keyaccounts' CSV exports (core.exports, D-HOUSE-5, D-GROUP-12).

Each list exports what it shows, every page, filtered as on screen. Names follow the one
masking rule of the pages (CUST-8, D-CUST-13: in full only for the customer's own account
manager); an export that carries a customer's name or number is audited (``personal``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import Column, csv_response
from keyaccounts.access import customer_name_for, unmasked_expression
from membership.models import RANK_LEVEL, Level


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}" or user.get_username()


def _level(rank: int | None) -> str:
    code = RANK_LEVEL.get(rank or 0, "")
    return str(Level(code).label) if code else ""


def _name(user: Any, path: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The name column: the row carries ``name_unmasked`` (:func:`with_unmasked`), so a
    streamed export asks nothing per row."""
    return lambda row: customer_name_for(user, path(row), unmasked=row.name_unmasked)


def with_unmasked(rows: QuerySet[Any], user: Any, customer_ref: str) -> QuerySet[Any]:
    """D-CUST-13 in the export's own query: ``name_unmasked`` on every row."""
    return rows.annotate(name_unmasked=unmasked_expression(user, customer_ref))


def people_csv(
    request: HttpRequest,
    name: str,
    columns: list[Column],
    rows: QuerySet[Any],
    customer_ref: str,
) -> StreamingHttpResponse:
    """D-GROUP-12: a list of customers or key persons downloaded as shown: each name in
    full only where the page shows it so (D-CUST-13, ``customer_ref`` leads from a row to
    its customer), and the export audited as personal data (D-HOUSE-5)."""
    return csv_response(
        request, name, columns, with_unmasked(rows, request.user, customer_ref), personal=True
    )


def group_columns() -> list[Column]:
    """GROUP-1: the group list (no customer's personal data)."""
    return [
        Column(_("Code"), lambda g: g.code),
        Column(_("Name"), lambda g: g.name),
        Column(_("Class"), lambda g: g.group_class),
        Column(_("City"), lambda g: g.city),
        Column(_("Account manager"), lambda g: _user_name(g.account_manager)),
        Column(_("Key persons"), lambda g: g.key_person_count or 0),
        Column(_("Members"), lambda g: g.member_count or 0),
        Column(_("Last contact"), lambda g: g.last_contact_at),
    ]


def member_columns(user: Any) -> list[Column]:
    """GROUP-2: a group's people, in the category shown."""

    def category(m: Any) -> str:
        if m.is_key_person:
            return _("Key person")
        return _level(m.level_rank) or _("Ordinary member")

    return [
        Column(_("Line"), lambda m: m.customer.msisdn),
        Column(_("Name"), _name(user, lambda m: m.customer)),
        Column(_("Category"), category),
        Column(_("Signed on"), lambda m: m.signed_on),
    ]


def key_person_columns(user: Any) -> list[Column]:
    """GROUP-3: a group's current key persons with their level and care dates."""
    return [
        Column(_("Line"), lambda p: p.customer.msisdn),
        Column(_("Name"), _name(user, lambda p: p.customer)),
        Column(_("Job title"), lambda p: p.title),
        Column(_("Role"), lambda p: p.get_role_display()),
        Column(_("Rank"), lambda p: p.get_rank_display()),
        Column(_("Level"), lambda p: _level(p.level_rank)),
        Column(_("Key person since"), lambda p: timezone.localdate(p.created_at)),
        Column(_("Last contact"), lambda p: p.last_contact_at),
        Column(_("Next follow-up"), lambda p: p.next_follow_up),
    ]


def contact_columns(user: Any) -> list[Column]:
    """GROUP-4: a group's contact log."""

    def who(c: Any) -> str:
        if c.key_person_id:
            return customer_name_for(user, c.key_person.customer, unmasked=c.name_unmasked)
        return c.person

    return [
        Column(_("When"), lambda c: c.contacted_at),
        Column(_("Channel"), lambda c: c.get_channel_display()),
        Column(_("Occasion"), lambda c: c.get_occasion_display()),
        Column(_("Occasion date"), lambda c: c.occasion_date),
        Column(_("Line"), lambda c: c.key_person.customer.msisdn if c.key_person_id else ""),
        Column(pgettext("contact log", "Who"), who),
        Column(_("Notes"), lambda c: c.notes),
        Column(_("Next follow-up"), lambda c: c.next_follow_up),
        Column(_("Logged by"), lambda c: _user_name(c.logged_by)),
    ]


def upgrade_columns(user: Any) -> list[Column]:
    """TIER-7: upgrade requests (the list and the inbox)."""
    return [
        Column(_("Asked at"), lambda r: r.requested_at),
        Column(_("Line"), lambda r: r.customer.msisdn),
        Column(_("Name"), _name(user, lambda r: r.customer)),
        Column(_("Group code"), lambda r: r.key_person.group.code),
        Column(_("Group"), lambda r: r.key_person.group.name),
        Column(_("Level when asked"), lambda r: r.get_current_level_display()),
        Column(_("Requested level"), lambda r: r.get_requested_level_display()),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Overdue"), lambda r: bool(r.overdue)),
        Column(_("Asked by"), lambda r: _user_name(r.requested_by)),
        Column(_("Decided by"), lambda r: _user_name(r.decided_by)),
        Column(_("Decided at"), lambda r: r.decided_at),
        Column(_("Decision note"), lambda r: r.decision_note),
    ]


def unassigned_columns(user: Any) -> list[Column]:
    """SERVICE-8: the eligible customers without a personal manager (portfolio page)."""
    return [
        Column(_("Line"), lambda c: c.msisdn),
        Column(_("Name"), _name(user, lambda c: c)),
        Column(_("City"), lambda c: c.city),
        Column(_("Level"), lambda c: _level(c.level_rank)),
        Column(_("Credit stars"), lambda c: c.credit_stars or ""),
    ]
