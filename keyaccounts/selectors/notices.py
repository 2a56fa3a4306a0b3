"""D-GROUP-11: an account manager's notifications, computed from the data they speak of.

Four kinds, each one query over indexed rows scoped to the manager (never the province):

- an upgrade request the manager asked for that a supervisor approved or refused (TIER-7),
  decided within the last ``NOTICE_DECIDED_DAYS`` days, with the supervisor's note;
- a follow-up overdue: a current key person of the manager's groups whose latest contact set
  a next follow-up date that has passed (GROUP-4, the care calendar's late follow-ups);
- a key person's birthday within ``CARE_BIRTHDAY_GIFT_DAYS_BEFORE`` (3) days, not yet
  marked done by a birthday contact (GROUP-4);
- an open birthday gift of one of the manager's personal customers whose birthday is within
  those 3 days (SERVICE-14).

What the manager has read is the small table ``NoticeSeen``; a notification read is gone
from the list and the count. Nothing else is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from core import clock
from core.programme import programme
from core.roles import MANAGER, roles_of
from keyaccounts.models import (
    BirthdayGift,
    CareOccasion,
    ContactLog,
    KeyPerson,
    NoticeKind,
    NoticeSeen,
    UpgradeRequest,
    UpgradeStatus,
)
from keyaccounts.selectors.gifts import OPEN_STATUSES
from keyaccounts.selectors.personal import current_assignments
from membership.selectors.birthdays import birthday_filter

# The day each kind's notification is about, in SQL (the Notice's ``day``).
_DAY: dict[str, Any] = {
    NoticeKind.UPGRADE_DECIDED: TruncDate("decided_at"),
    NoticeKind.FOLLOW_UP_OVERDUE: F("notice_day"),
    NoticeKind.BIRTHDAY: F("notice_day"),
    NoticeKind.GIFT: F("birthday"),
}


@dataclass(frozen=True)
class Notice:
    """One notification: its key (kind, object id, day) and what the list shows."""

    kind: str
    object_id: int
    day: date
    row: Any  # the UpgradeRequest, KeyPerson or BirthdayGift it is about

    @property
    def kind_label(self) -> str:
        return str(NoticeKind(self.kind).label)


def is_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and MANAGER in roles_of(user)


def _seen(user: Any, kind: str, *, day: str | None = None) -> Exists:
    rows = NoticeSeen.objects.filter(user=user, kind=kind, object_id=OuterRef("pk"))
    if day is not None:
        rows = rows.filter(day=OuterRef(day))
    return Exists(rows)


def decided_upgrades(user: Any, today: date) -> QuerySet[UpgradeRequest]:
    """TIER-7: the manager's requests decided by a supervisor lately, not yet read. A
    decision is final, so the request alone names the notification."""
    since = clock.now() - timedelta(days=programme("NOTICE_DECIDED_DAYS"))
    return (
        UpgradeRequest.objects.filter(
            requested_by=user,
            status__in=(UpgradeStatus.APPROVED, UpgradeStatus.REJECTED),
            decided_at__gte=since,
        )
        .exclude(_seen(user, NoticeKind.UPGRADE_DECIDED))
        .select_related("customer", "key_person", "key_person__group", "decided_by")
        .order_by("-decided_at", "-id")
    )


def overdue_follow_ups(user: Any, today: date) -> QuerySet[KeyPerson]:
    """GROUP-4: current key persons of the manager's groups whose latest contact's next
    follow-up date has passed; read per follow-up date (a new date is a new notification)."""
    latest = Subquery(
        ContactLog.objects.filter(key_person_id=OuterRef("pk"))
        .order_by("-contacted_at", "-id")
        .values("next_follow_up")[:1],
        output_field=DateField(),
    )
    return (
        KeyPerson.objects.filter(group__account_manager=user, ended_at__isnull=True)
        .annotate(notice_day=latest)
        .filter(notice_day__lt=today)
        .exclude(_seen(user, NoticeKind.FOLLOW_UP_OVERDUE, day="notice_day"))
        .select_related("customer", "group")
        .order_by("notice_day", "id")
    )


def _window(today: date) -> list[date]:
    days = programme("CARE_BIRTHDAY_GIFT_DAYS_BEFORE")
    return [today + timedelta(days=n) for n in range(days + 1)]


def coming_birthdays(user: Any, today: date) -> QuerySet[KeyPerson]:
    """GROUP-4: current key persons of the manager's groups whose birthday is today or in
    the next 3 days (29 February on 28 February), the birthday contact not yet logged."""
    window = _window(today)
    birthday = Case(
        *[When(birthday_filter(day, "customer__birth_date"), then=Value(day)) for day in window],
        default=None,
        output_field=DateField(),
    )
    done = ContactLog.objects.filter(
        key_person_id=OuterRef("pk"),
        occasion=CareOccasion.BIRTHDAY,
        occasion_date=OuterRef("notice_day"),
    )
    any_day = Q()
    for day in window:
        any_day |= birthday_filter(day, "customer__birth_date")
    return (
        KeyPerson.objects.filter(group__account_manager=user, ended_at__isnull=True)
        .filter(any_day)
        .annotate(notice_day=birthday)
        .exclude(Exists(done))
        .exclude(_seen(user, NoticeKind.BIRTHDAY, day="notice_day"))
        .select_related("customer", "group")
        .order_by("notice_day", "id")
    )


def coming_gifts(user: Any, today: date) -> QuerySet[BirthdayGift]:
    """SERVICE-14: open birthday gifts of the manager's current personal customers whose
    birthday is today or in the next 3 days. A gift is one birthday, so the gift alone
    names the notification. ``contact_by`` (the birthday less 3 days) bounds the scan on
    the gifts' (status, contact_by) index."""
    window = _window(today)
    lead = timedelta(days=programme("CARE_BIRTHDAY_GIFT_DAYS_BEFORE"))
    mine = current_assignments().filter(manager=user).values("customer_id")
    return (
        BirthdayGift.objects.filter(
            status__in=OPEN_STATUSES,
            contact_by__range=(window[0] - lead, window[-1] - lead),
            birthday__range=(window[0], window[-1]),
            customer_id__in=mine,
        )
        .exclude(_seen(user, NoticeKind.GIFT))
        .select_related("customer")
        .order_by("birthday", "id")
    )


def notice_count(user: Any, today: date | None = None) -> int:
    """D-GROUP-11: how many unread notifications ``user`` has: one query, the four kinds
    counted as one UNION ALL (every page of a manager shows the count); none for a user
    who is not an account manager."""
    return NoticeList(user, today or clock.today()).total()


NOTICE_ORDER = (
    NoticeKind.UPGRADE_DECIDED,
    NoticeKind.FOLLOW_UP_OVERDUE,
    NoticeKind.BIRTHDAY,
    NoticeKind.GIFT,
)


class NoticeList:
    """D-GROUP-11: a manager's unread notifications as one sequence the paginator can page
    in SQL: decisions (newest first), overdue follow-ups (oldest date first), birthdays,
    then birthday gifts (soonest first). ``count()`` is four COUNTs; a slice reads only the
    rows it needs from each kind, so a page never loads the manager's whole portfolio.

    The list page narrows it to some ``kinds`` and to the lines that start with
    ``msisdn``, and sorts it (D-HOUSE-10): by kind (``descending``: the kinds the other way
    round, each in its own order), or ``by_day`` across the kinds: then one UNION of the
    kinds' (kind, id, day) is counted and paged, and the page's rows are read per kind."""

    def __init__(
        self,
        user: Any,
        today: date,
        *,
        kinds: Sequence[str] = (),
        msisdn: str = "",
        by_day: bool = False,
        descending: bool = False,
    ) -> None:
        self.parts: list[tuple[str, QuerySet[Any], Callable[[Any], Notice]]] = []
        self._counts: list[int] | None = None
        self.by_day = by_day
        self.descending = descending
        if not is_manager(user):
            return
        parts = {
            NoticeKind.UPGRADE_DECIDED: (
                decided_upgrades(user, today),
                lambda r: Notice(
                    NoticeKind.UPGRADE_DECIDED, r.pk, timezone.localdate(r.decided_at), r
                ),
            ),
            NoticeKind.FOLLOW_UP_OVERDUE: (
                overdue_follow_ups(user, today),
                lambda p: Notice(NoticeKind.FOLLOW_UP_OVERDUE, p.pk, p.notice_day, p),
            ),
            NoticeKind.BIRTHDAY: (
                coming_birthdays(user, today),
                lambda p: Notice(NoticeKind.BIRTHDAY, p.pk, p.notice_day, p),
            ),
            NoticeKind.GIFT: (
                coming_gifts(user, today),
                lambda g: Notice(NoticeKind.GIFT, g.pk, g.birthday, g),
            ),
        }
        order = NOTICE_ORDER[::-1] if descending and not by_day else NOTICE_ORDER
        for kind in order:
            if kinds and kind not in kinds:
                continue
            rows, make = parts[kind]
            if msisdn:
                rows = rows.filter(customer__msisdn__startswith=msisdn)
            self.parts.append((kind, rows, make))

    def _keys(self) -> QuerySet[Any]:
        """(kind, id, day) of every notification, one UNION ALL (unordered)."""
        keyed = [
            rows.order_by()
            .annotate(n_kind=Value(kind), n_day=_DAY[kind])
            .values_list("n_kind", "id", "n_day")
            for kind, rows, _make in self.parts
        ]
        return keyed[0].union(*keyed[1:], all=True)

    def _days(self) -> QuerySet[Any]:
        """The keys by day (then kind, id)."""
        sign = "-" if self.descending else ""
        return self._keys().order_by(f"{sign}n_day", f"{sign}n_kind", f"{sign}id")

    def total(self) -> int:
        """How many notifications, in one query (0 for a user who is not a manager)."""
        return self._keys().count() if self.parts else 0

    def counts(self) -> list[int]:
        if self._counts is None:
            if self.by_day and self.parts:
                self._counts = [self.total()]
            else:
                self._counts = [rows.count() for _kind, rows, _make in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts()) if self.parts else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Notice]:
        if not isinstance(index, slice):
            raise TypeError("NoticeList is read by slices")
        start, stop, _step = index.indices(self.count())
        if start >= stop:
            return []
        if self.by_day:
            return self._by_day(start, stop)
        found: list[Notice] = []
        offset = 0
        for (_kind, rows, make), size in zip(self.parts, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                found += [make(row) for row in rows[lo:hi]]
            offset += size
        return found

    def _by_day(self, start: int, stop: int) -> list[Notice]:
        keys = list(self._days()[start:stop])
        made: dict[tuple[str, int], Notice] = {}
        for kind, rows, make in self.parts:
            ids = [pk for k, pk, _day in keys if k == kind]
            if ids:
                made.update(((kind, row.pk), make(row)) for row in rows.filter(pk__in=ids))
        return [made[(kind, pk)] for kind, pk, _day in keys if (kind, pk) in made]


def notices_for(user: Any, today: date | None = None) -> list[Notice]:
    """D-GROUP-11: all of ``user``'s unread notifications, in :class:`NoticeList` order
    (bounded by one manager's portfolio; the pages read them a page at a time)."""
    rows = NoticeList(user, today or clock.today())
    return rows[0 : rows.count()]
