"""Demo data of the service desk: a hall per demo city, a day of queue tickets, requests.

``seed(today=…)`` is called by seed_demo after the province (and its ratings) exist, so
that VIP customers queue as VIP and get lounge visits. Running it again does nothing.
The SMS the demo's own steps store (the level SMS of the demo rating) are recorded as
handled, never sent (``DEMO_GATEWAY_ID``, decision D-OPS-3).
"""

from __future__ import annotations

import random
from datetime import date as date_type
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import clock
from core.errors import DomainError
from membership.models import Brand, Customer, LevelGrant, Status, SuspensionReason
from membership.selectors.levels import grants_valid_on
from servicedesk.models import ClubEvent, ClubEventKind, Hall, OutboxMessage
from servicedesk.services.club import club_event_create, club_signup_create
from servicedesk.services.queue import ticket_call_next, ticket_issue, ticket_set_status
from servicedesk.services.requests import service_request_create, service_request_set_status

PROVINCE = "江苏"
# The gateway id of a demo notice: stored by the demo, never handed to any gateway.
DEMO_GATEWAY_ID = "demo: not sent"
# The demo cities (membership.demo) and a hall code for each.
HALLS = (
    ("nj-xinjiekou", "南京", "南京新街口营业厅"),
    ("sz-guanqian", "苏州", "苏州观前营业厅"),
    ("cz-nandajie", "常州", "常州南大街营业厅"),
    ("ha-huaihai", "淮安", "淮安淮海广场营业厅"),
    ("tz-gulou", "泰州", "泰州鼓楼营业厅"),
)


def _customers(city: str, today: date_type) -> list[Customer]:
    """Active lines of the city: VIPs first, then gotone, then the others."""
    vip = LevelGrant.objects.filter(grants_valid_on(today), customer=OuterRef("pk"))
    lines: list[Customer] = list(
        Customer.objects.filter(city=city, status=Status.ACTIVE)
        .annotate(vip=Exists(vip))
        .order_by("-vip", "brand", "msisdn")[:400]
    )
    return lines


@transaction.atomic
def seed(*, today: date_type) -> dict[str, int]:
    """Halls, a day of tickets (served, being served, waiting) and a few requests."""
    if Hall.objects.filter(code__in=[code for code, _city, _name in HALLS]).exists():
        return {"halls": 0, "tickets": 0, "requests": 0}
    rng = random.Random(20260318)
    tz = timezone.get_current_timezone()
    end = min(clock.now(), timezone.make_aware(datetime.combine(today, time(17, 0)), tz))
    start = end - timedelta(hours=3)
    counts = {"halls": 0, "tickets": 0, "requests": 0}
    for code, city, name in HALLS:
        hall = Hall.objects.create(code=code, name=name, province=PROVINCE, city=city)
        counts["halls"] += 1
        lines = _customers(city, today)
        vips = [c for c in lines if getattr(c, "vip", False)]
        others = [c for c in lines if not getattr(c, "vip", False)]
        visitors = rng.sample(vips, min(4, len(vips))) + rng.sample(others, min(14, len(others)))
        rng.shuffle(visitors)
        at = start
        for visitor in visitors:
            at += timedelta(minutes=rng.randint(3, 12))
            if at >= end:
                break
            ticket_issue(hall=hall, msisdn=visitor.msisdn, actor=None, at=at)
            counts["tickets"] += 1
            if rng.random() < 0.6:  # a clerk calls someone now and then
                called_at = at + timedelta(minutes=rng.randint(1, 20))
                if called_at < end:
                    called = ticket_call_next(
                        hall=hall, actor=None, desk=str(rng.randint(1, 4)), at=called_at
                    )
                    if called is not None and called_at + timedelta(minutes=8) < end:
                        ticket_set_status(
                            ticket=called,
                            status="served",
                            actor=None,
                            at=called_at + timedelta(minutes=8),
                        )
        counts["requests"] += _requests(lines, rng, today, hall)
    counts["club_events"], counts["club_signups"] = _club(today)
    counts["birthdays_today"] = _birthdays_today(today)
    return counts


# SERVICE-13: the demo's club events (title, kind, days ahead, place, capacity).
CLUB_EVENTS = (
    ("全球通VIP讲堂：家庭理财", ClubEventKind.VIP_LECTURE, 9, "南京新街口营业厅三楼", 60),
    ("新年艺术演出", ClubEventKind.NEW_YEAR_SHOW, 24, "苏州文化艺术中心", 200),
    ("电影答谢专场", ClubEventKind.FILM, 5, "常州万达影城", 120),
)


def _club(today: date_type) -> tuple[int, int]:
    """SERVICE-13: three coming events, and the VIP customers of the demo signed up to
    them (a refusal — no privilege at the level, quota used — is skipped)."""
    if ClubEvent.objects.exists():
        return 0, 0
    tz = timezone.get_current_timezone()
    vip = LevelGrant.objects.filter(grants_valid_on(today), customer=OuterRef("pk"))
    guests = list(
        Customer.objects.filter(status=Status.ACTIVE).filter(Exists(vip)).order_by("msisdn")[:24]
    )
    events = signups = 0
    for n, (title, kind, ahead, place, capacity) in enumerate(CLUB_EVENTS):
        day = today + timedelta(days=ahead)
        event = club_event_create(
            actor=None,
            data={
                "title": title,
                "kind": kind,
                "starts_at": timezone.make_aware(datetime.combine(day, time(19, 0)), tz),
                "place": place,
                "capacity": capacity,
                "levels": ["diamond", "platinum", "gold", "silver", "guest"],
                "signup_deadline": day - timedelta(days=1),
                "description": title,
            },
        )
        events += 1
        for guest in guests[n::3]:
            try:
                club_signup_create(event=event, customer=guest, actor=None)
            except DomainError:
                continue
            signups += 1
    return events, signups


def _birthdays_today(today: date_type) -> int:
    """SERVICE-9: a few VIP customers of the demo have their birthday today, so the day's
    birthday minutes have someone to go to (seed_demo runs the job after this)."""
    if today.month == 2 and today.day == 29:
        return 0
    vip = LevelGrant.objects.filter(grants_valid_on(today), customer=OuterRef("pk"), limited=False)
    people = list(
        Customer.objects.filter(status=Status.ACTIVE, birth_date__isnull=False)
        .filter(Exists(vip))
        .order_by("-msisdn")
        .values_list("pk", "birth_date")[:5]
    )
    for pk, born in people:
        if born is None:
            continue
        Customer.objects.filter(pk=pk).update(
            birth_date=born.replace(month=today.month, day=today.day)
        )
    return len(people)


def _requests(lines: list[Customer], rng: random.Random, today: date_type, hall: Hall) -> int:
    """A handful of requests of every kind, some of them completed."""
    made = 0
    vips = [c for c in lines if getattr(c, "vip", False)][:6]
    gotone = [c for c in lines if c.brand == Brand.GOTONE][:6]
    for customer in vips[:3]:
        request = service_request_create(
            customer=customer,
            kind="lounge_visit",
            actor=None,
            hall=hall,
            data={"lounge_type": rng.choice(["airport", "railway"]), "location": "in_province"},
            on=today,
        )
        made += 1
        if request.status == "open" and rng.random() < 0.5:
            service_request_set_status(request=request, status="done", actor=None)
    for customer in gotone[:2]:
        service_request_create(
            customer=customer,
            kind="complaint",
            actor=None,
            hall=hall,
            data={"subject": "家中信号弱"},
            on=today,
        )
        made += 1
    for customer in lines[-2:]:
        service_request_create(
            customer=customer,
            kind="late_fee_waiver",
            actor=None,
            hall=hall,
            data={"late_fee": rng.choice(["5.00", "12.40", "30.00"])},
            on=today,
        )
        made += 1
    # SERVICE-10 (D-DESK-16): a delayed suspension granted today to an eligible line.
    for customer in vips[3:6]:
        try:
            delayed = service_request_create(
                customer=customer, kind="delayed_suspension", actor=None, hall=hall, on=today
            )
        except DomainError:
            continue
        made += 1
        if delayed.status != "refused":
            break
    suspended = Customer.objects.filter(
        city=hall.city, status=Status.SUSPENDED, suspension_reason=SuspensionReason.ARREARS
    ).first()
    if suspended is not None:
        service_request_create(
            customer=suspended,
            kind="emergency_reactivation",
            actor=None,
            hall=hall,
            data={"arrears_month": today.replace(day=1)},
            on=today,
        )
        made += 1
    return made


def notices_on_record(*, since: datetime) -> int:
    """D-OPS-3: the demo's notices stored from ``since``, recorded as handled, never sent
    (seed_demo stores them inside ``outbox_held(gateway_id=DEMO_GATEWAY_ID)``)."""
    return OutboxMessage.objects.filter(gateway_id=DEMO_GATEWAY_ID, created_at__gte=since).count()
