"""What the security audit found to hold, kept as tests.

1. Stored XSS is escaped: a script payload in every free-text field staff or feeds can set
   is shown escaped on every page that shows it, and the API returns it as data.
2. CSRF is enforced on every state-changing URL of the access matrix (core/access.py), and
   on the API with session authentication (not with token authentication, DRF's rule).
3. Injection attempts in the lookup box, the list pages' search and filter parameters and
   the API's filters are harmless: never a 500, never a row the user may not see.
4. Cross-portfolio reads and writes are refused: an account manager reaches none of another
   manager's groups, key persons, contacts or upgrade requests, in the pages or the API.

Already kept elsewhere: the role × URL matrix (tests/test_access_matrix.py), self-approval
refused (keyaccounts/tests/test_groups_api.py), no overdraw on PostgreSQL
(points/tests/test_concurrency.py).
"""

from __future__ import annotations

import inspect
import json
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.access import PUBLIC, URL_ACCESS, rule_for
from core.roles import CLERK, MANAGER, SUPERVISOR
from keyaccounts.models import ContactLog, GroupMember, KeyPerson, UpgradeRequest
from keyaccounts.services.groups import contact_log_create, key_person_create, key_person_remove
from keyaccounts.services.upgrades import upgrade_request_create, upgrade_request_reject
from points.services.redemptions import redemption_create
from points.tests.builders import make_item
from servicedesk.models import ServiceRequest, ServiceRequestEvent, Ticket
from tests.builders import make_customer, make_group, make_hall, make_member
from tests.factories import points_earned
from tests.test_access_matrix import SAMPLE_KWARGS, WILDCARD_SAMPLES

pytestmark = pytest.mark.django_db


ON_POSTGRES = connection.vendor == "postgresql"


# ---- 1. stored XSS is escaped ----------------------------------------------------------

# The payload, and shorter ones for short columns (PostgreSQL enforces max_length).
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
SHORT = "\"'><script>alert(1)</script>"  # 28 characters: cities (32)
TINY = "<svg/onload=1>"  # 14 characters: a ticket's desk (16)
RAW = ("<script>alert(1)</script>", "<img src=x onerror", "<svg/onload")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def xss(clerk: Any, account_manager: Any, supervisor: Any) -> dict[str, Any]:
    """Every free-text field staff or feeds set, holding the payload."""
    now = timezone.now()
    today = timezone.localdate()
    account_manager.first_name = PAYLOAD  # staff names are shown too (requested by, logged by)
    account_manager.save(update_fields=["first_name"])
    customer = make_customer(name=PAYLOAD, city=SHORT)
    other = make_customer(name=PAYLOAD, city=SHORT)
    group = make_group(
        name=PAYLOAD,
        city=SHORT,
        group_class="B",
        has_it_centre=True,
        account_manager=account_manager,
    )
    person = key_person_create(
        group=group,
        customer=customer,
        role="contact",
        rank="other",
        title=PAYLOAD,
        actor=account_manager,
    )
    ended = key_person_create(
        group=group,
        customer=other,
        role="contact",
        rank="other",
        title=PAYLOAD,
        actor=account_manager,
    )
    spare = key_person_create(
        group=group,
        customer=make_customer(name=PAYLOAD, city=SHORT),
        role="contact",
        rank="other",
        title=PAYLOAD,
        actor=account_manager,
    )
    rejected = upgrade_request_create(
        key_person=ended, requested_level="gold", reason=PAYLOAD, actor=account_manager
    )
    upgrade_request_reject(request=rejected, actor=supervisor, note=PAYLOAD)
    key_person_remove(key_person=ended, reason=PAYLOAD, actor=account_manager)
    contact_log_create(
        group=group, key_person=person, channel="call", notes=PAYLOAD, actor=account_manager
    )
    contact_log_create(
        group=group, person=PAYLOAD, channel="visit", notes=PAYLOAD, actor=account_manager
    )
    upgrade = upgrade_request_create(
        key_person=person, requested_level="gold", reason=PAYLOAD, actor=account_manager
    )
    item = make_item(name=PAYLOAD, description=PAYLOAD, points_price=100, stock=5)
    points_earned(customer, today.year, 1000, month=1)
    redemption = redemption_create(customer=customer, item=item, actor=clerk)
    hall = make_hall(code="xss-hall", name=PAYLOAD, city=SHORT)
    Ticket.objects.create(
        hall=hall,
        day=today,
        number="V001",
        ticket_class="vip",
        priority=3,
        msisdn=customer.msisdn,
        customer=customer,
        status="called",
        issued_at=now,
        called_at=now,
        wait_seconds=0,
        desk=TINY,
    )
    request = ServiceRequest.objects.create(
        customer=customer,
        kind="complaint",
        hall=hall,
        subject=PAYLOAD,
        note=PAYLOAD,
        terms=PAYLOAD,
        created_at=now,
        created_by=clerk,
    )
    ServiceRequestEvent.objects.create(
        request=request, to_status="open", at=now, actor=clerk, note=PAYLOAD
    )
    refused = ServiceRequest.objects.create(
        customer=customer,
        kind="lounge_visit",
        status="refused",
        refusal_reason=PAYLOAD,
        refusal_code="refused",
        created_at=now,
        closed_at=now,
        created_by=clerk,
    )
    return {
        "customer": customer,
        "group": group,
        "person": person,
        "ended": ended,
        "spare": spare,
        "upgrade": upgrade,
        "rejected": rejected,
        "item": item,
        "redemption": redemption,
        "hall": hall,
        "request": request,
        "refused": refused,
    }


def url_of(name: str, world: dict[str, Any], *args: str, query: str = "") -> str:
    """``reverse(name)`` with arguments read from ``world``: ``"group"`` is the group's
    primary key, ``"customer.msisdn"`` its attribute."""
    values = []
    for arg in args:
        key, _, attr = arg.partition(".")
        values.append(getattr(world[key], attr or "pk"))
    return reverse(name, args=values) + (f"?{query}" if query else "")


# (page, persona, URL name, its arguments in the world above, whether it shows a payload
# field). The customer's plans show the city only inside a link, URL-encoded.
NUMBER = "customer.msisdn"
XSS_PAGES: list[tuple[str, str, str, tuple[str, ...], bool]] = [
    # the counter
    ("desk card", CLERK, "servicedesk:desk_card", (NUMBER,), True),
    ("desk home", CLERK, "servicedesk:desk_home", (), True),
    ("customer card", CLERK, "membership:customer_card", (NUMBER,), True),
    ("customer status", CLERK, "membership:customer_status", (NUMBER,), True),
    ("customer credit", CLERK, "membership:customer_credit", (NUMBER,), True),
    ("points account", CLERK, "points:account", (NUMBER,), True),
    ("redemption form", CLERK, "points:redeem", (NUMBER,), True),
    ("redemption cancel", CLERK, "points:redemption_cancel", (NUMBER, "redemption"), True),
    ("customer plans", CLERK, "plans:customer_plans", (NUMBER,), False),
    ("plan order", CLERK, "plans:order", (NUMBER,), True),
    ("request detail", CLERK, "servicedesk:request_detail", ("request",), True),
    ("refused request detail", CLERK, "servicedesk:request_detail", ("refused",), True),
    ("request list", CLERK, "servicedesk:request_list", (), True),
    ("hall list", CLERK, "servicedesk:hall_list", (), True),
    ("hall desk", CLERK, "servicedesk:hall_desk", ("hall.code",), True),
    ("hall board", CLERK, "servicedesk:hall_board", ("hall.code",), True),
    # the account manager
    ("manager workspace", MANAGER, "keyaccounts:manager_workspace", (), True),
    ("group list", MANAGER, "keyaccounts:group_list", (), True),
    ("group detail", MANAGER, "keyaccounts:group_detail", ("group",), True),
    ("group contacts", MANAGER, "keyaccounts:group_contacts", ("group",), True),
    ("group contact form", MANAGER, "keyaccounts:group_contact_create", ("group",), True),
    ("key person detail", MANAGER, "keyaccounts:key_person_detail", ("person",), True),
    ("ended key person detail", MANAGER, "keyaccounts:key_person_detail", ("ended",), True),
    ("key person edit form", MANAGER, "keyaccounts:key_person_update", ("person",), True),
    ("key person contact", MANAGER, "keyaccounts:key_person_contact_create", ("person",), True),
    ("upgrade form", MANAGER, "keyaccounts:upgrade_create", ("spare",), True),
    ("upgrade detail", MANAGER, "keyaccounts:upgrade_detail", ("upgrade",), True),
    ("rejected upgrade detail", MANAGER, "keyaccounts:upgrade_detail", ("rejected",), True),
    ("upgrade withdraw", MANAGER, "keyaccounts:upgrade_withdraw", ("upgrade",), True),
    ("upgrade list", MANAGER, "keyaccounts:upgrade_list", (), True),
    # the supervisor (who alone may reveal the full name, CUST-8)
    ("customer card revealed", SUPERVISOR, "membership:customer_card", (NUMBER,), True),
    ("upgrade inbox", SUPERVISOR, "keyaccounts:upgrade_inbox", (), True),
    ("upgrade approve", SUPERVISOR, "keyaccounts:upgrade_approve", ("upgrade",), True),
    ("group edit form", SUPERVISOR, "keyaccounts:group_update", ("group",), True),
    ("group class form", SUPERVISOR, "keyaccounts:group_change_class", ("group",), True),
    ("supervisor workspace", SUPERVISOR, "keyaccounts:manager_workspace", (), True),
    # the admin
    ("admin customers", SUPERVISOR, "admin:membership_customer_changelist", (), True),
    ("admin customer", SUPERVISOR, "admin:membership_customer_change", ("customer",), True),
    ("admin groups", SUPERVISOR, "admin:keyaccounts_groupcustomer_changelist", (), True),
    ("admin group", SUPERVISOR, "admin:keyaccounts_groupcustomer_change", ("group",), True),
    ("admin reward items", SUPERVISOR, "admin:points_rewarditem_changelist", (), True),
    ("admin reward item", SUPERVISOR, "admin:points_rewarditem_change", ("item",), True),
    ("admin halls", SUPERVISOR, "admin:servicedesk_hall_changelist", (), True),
    ("admin redemptions", SUPERVISOR, "admin:points_redemption_changelist", (), True),
    ("admin requests", SUPERVISOR, "admin:servicedesk_servicerequest_changelist", (), True),
    ("admin request", SUPERVISOR, "admin:servicedesk_servicerequest_change", ("request",), True),
]


@pytest.fixture
def staff(clerk: Any, account_manager: Any, supervisor: Any) -> dict[str, Any]:
    return {CLERK: clerk, MANAGER: account_manager, SUPERVISOR: supervisor}


QUERIES = {"customer card revealed": "reveal=1"}  # D-CUST-8: the supervisor's reveal


@pytest.mark.parametrize(
    ("page", "role", "name", "args", "shows"), XSS_PAGES, ids=[p[0] for p in XSS_PAGES]
)
def test_stored_payload_is_shown_escaped(
    page: str,
    role: str,
    name: str,
    args: tuple[str, ...],
    shows: bool,
    xss: dict[str, Any],
    staff: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(staff[role])
    response = client.get(url_of(name, xss, *args, query=QUERIES.get(page, "")))
    assert response.status_code == 200, (page, response.status_code)
    body = response.content.decode()
    for raw in RAW:
        assert raw not in body, (page, raw)
    if shows:
        assert ESCAPED in body, page


# (endpoint, persona, URL name, its arguments, query, {field: the text it must return as
# stored})
XSS_API: list[tuple[str, str, str, tuple[str, ...], str, dict[str, str]]] = [
    ("group", MANAGER, "api:group-detail", ("group",), "", {"name": PAYLOAD, "city": SHORT}),
    ("key person", MANAGER, "api:key-person-detail", ("person",), "", {"title": PAYLOAD}),
    (
        "contact log",
        MANAGER,
        "api:contact-log-list",
        (),
        "channel=visit",
        {"notes": PAYLOAD, "person": PAYLOAD},
    ),
    ("upgrade", MANAGER, "api:upgrade-request-detail", ("upgrade",), "", {"reason": PAYLOAD}),
    (
        "rejected upgrade",
        MANAGER,
        "api:upgrade-request-detail",
        ("rejected",),
        "",
        {"reason": PAYLOAD, "decision_note": PAYLOAD},
    ),
    (
        "reward item",
        CLERK,
        "api:points-reward-detail",
        ("item",),
        "",
        {"name": PAYLOAD, "description": PAYLOAD},
    ),
    (
        "service request",
        CLERK,
        "api:service-request-detail",
        ("request",),
        "",
        {"subject": PAYLOAD, "terms": PAYLOAD},
    ),
    (
        "refused request",
        CLERK,
        "api:service-request-detail",
        ("refused",),
        "",
        {"refusal_reason": PAYLOAD},
    ),
    ("customer list", CLERK, "api:customer-list", (), "city=" + quote(SHORT), {"city": SHORT}),
    ("hall board", CLERK, "servicedesk:hall_board_data", ("hall.code",), "", {"desk": TINY}),
]


def _first_record(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and "results" in data:
        assert data["results"], data
        return dict(data["results"][0])
    if isinstance(data, dict) and "called" in data:  # the hall board
        return dict(data["called"][0])
    return dict(data)


@pytest.mark.parametrize(
    ("endpoint", "role", "name", "args", "query", "fields"),
    XSS_API,
    ids=[a[0] for a in XSS_API],
)
def test_the_api_returns_the_stored_text_as_data(
    endpoint: str,
    role: str,
    name: str,
    args: tuple[str, ...],
    query: str,
    fields: dict[str, str],
    xss: dict[str, Any],
    staff: dict[str, Any],
) -> None:
    """JSON, declared as JSON and not to be sniffed as HTML, with the text as it was stored
    (neither escaped nor stripped: escaping is the page's job)."""
    client = Client()
    client.force_login(staff[role])
    url = url_of(name, xss, *args, query=query)
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200, (endpoint, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    record = _first_record(json.loads(response.content))
    for field, text in fields.items():
        assert record[field] == text, (endpoint, field)


def test_the_browsable_api_escapes_the_stored_text(
    xss: dict[str, Any], account_manager: Any
) -> None:
    client = Client()
    client.force_login(account_manager)
    response = client.get(
        reverse("api:upgrade-request-detail", args=[xss["upgrade"].pk]),
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    for raw in RAW:
        assert raw not in body
    assert ESCAPED in body


# ---- 2. CSRF is enforced ---------------------------------------------------------------

# A wildcard entry of the matrix is exercised through these URLs (with its own samples').
ADMIN_POST_SAMPLES = [
    "admin:membership_customer_add",
    "admin:keyaccounts_groupcustomer_add",
    "admin:points_rewarditem_add",
    "admin:servicedesk_hall_add",
]


def _innermost(func: Any) -> Any:
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def _function_accepts_post(func: Any) -> bool:
    """A function view accepts POST when a require_http_methods layer lets POST through, or,
    without one, when the view reads request.POST / compares the method with "POST"."""
    layer = func
    while layer is not None:
        closure = inspect.getclosurevars(layer).nonlocals if inspect.isfunction(layer) else {}
        if "request_method_list" in closure:
            return "POST" in closure["request_method_list"]
        layer = getattr(layer, "__wrapped__", None)
    return _reads_post(_innermost(func), depth=3)


def _reads_post(view: Any, depth: int) -> bool:
    """The view's source, and that of the helpers it calls (functions of its own module,
    methods of its own object: ``_decide`` of the upgrade views, the admin's
    ``changeform_view``), compares the method with "POST" or reads request.POST."""
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return True  # cannot tell: test it
    if '"POST"' in source or "request.POST" in source or "'POST'" in source:
        return True
    if depth == 0:
        return False
    owner = getattr(view, "__self__", None)
    code = getattr(_innermost(view), "__code__", None)
    for called in code.co_names if code else ():
        helper = getattr(owner, called, None) if owner is not None else None
        if helper is None:
            helper = getattr(_innermost(view), "__globals__", {}).get(called)
        if inspect.isclass(helper) and hasattr(helper, "post"):
            return True  # delegates to a class-based view that takes POST
        if (
            (inspect.isfunction(helper) or inspect.ismethod(helper))
            and helper.__module__ == view.__module__
            and _reads_post(helper, depth - 1)
        ):
            return True
    return False


def accepts_post(func: Any) -> bool:
    view_class = getattr(func, "cls", None)  # DRF
    if view_class is not None:
        actions = getattr(func, "actions", None)
        if actions is not None:
            return "post" in actions
        return hasattr(view_class, "post")
    view_class = getattr(func, "view_class", None)  # Django class-based views
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    if inspect.ismethod(func) or inspect.isfunction(func):
        return _function_accepts_post(func)
    return True


def csrf_url_names() -> list[str]:
    """Every URL name of the access matrix (a wildcard through its samples) whose view
    accepts POST, read from the URL resolver."""
    names: list[str] = []
    for key in URL_ACCESS:
        samples = (
            [*WILDCARD_SAMPLES[key], *ADMIN_POST_SAMPLES] if key in WILDCARD_SAMPLES else [key]
        )
        for name in samples:
            func = resolve(reverse(name, kwargs=SAMPLE_KWARGS.get(name))).func
            if accepts_post(func):
                names.append(name)
    return names


CSRF_NAMES = csrf_url_names()


def test_the_csrf_list_is_derived_from_the_matrix() -> None:
    """The derivation finds the forms and actions, and leaves out the read-only pages."""
    for name in (
        "login",
        "logout",
        "keyaccounts:group_create",
        "keyaccounts:key_person_create",
        "keyaccounts:upgrade_approve",
        "points:redeem",
        "servicedesk:ticket_action",
        "api:contact-log-list",
        "api:upgrade-request-withdraw",
        "admin:membership_customer_changelist",
    ):
        assert name in CSRF_NAMES, name
    for name in (
        "health",
        "keyaccounts:group_list",
        "keyaccounts:upgrade_list",
        "api:group-list",
        "api:customer-detail",
        "servicedesk:hall_board_data",
    ):
        assert name not in CSRF_NAMES, name
    assert len(CSRF_NAMES) >= 50


def _role_for(name: str) -> str:
    rule = rule_for(name)
    assert rule is not None
    if rule is PUBLIC:
        return CLERK
    for role in (SUPERVISOR, CLERK, MANAGER):
        if role in rule:
            return role
    raise AssertionError(name)


@pytest.fixture
def targets(clerk: Any, account_manager: Any, supervisor: Any) -> dict[str, Any]:
    """Real objects for the URLs to act on, so that a POST let through would change them."""
    now = timezone.now()
    today = timezone.localdate()
    customer = make_customer()
    group = make_group(group_class="B", account_manager=account_manager)
    member = make_member(group=group, customer=make_customer())
    person = key_person_create(
        group=group, customer=customer, role="contact", rank="other", actor=account_manager
    )
    upgrade = upgrade_request_create(
        key_person=person, requested_level="gold", reason="x", actor=account_manager
    )
    item = make_item(name="csrf item", points_price=100, stock=5)
    points_earned(customer, today.year, 1000)
    redemption = redemption_create(customer=customer, item=item, actor=clerk)
    hall = make_hall(code="csrf-hall")
    ticket = Ticket.objects.create(
        hall=hall,
        day=today,
        number="G001",
        ticket_class="gotone",
        priority=2,
        msisdn=customer.msisdn,
        customer=customer,
        status="called",
        issued_at=now,
        called_at=now,
        wait_seconds=0,
        desk="1",
    )
    request = ServiceRequest.objects.create(
        customer=customer, kind="complaint", subject="x", created_at=now, created_by=clerk
    )
    return {
        "customer": customer,
        "group": group,
        "member": member,
        "person": person,
        "upgrade": upgrade,
        "item": item,
        "redemption": redemption,
        "hall": hall,
        "ticket": ticket,
        "request": request,
    }


def _real_kwargs(name: str, t: dict[str, Any]) -> dict[str, Any] | None:
    """The matrix's sample kwargs of ``name``, pointed at the objects of ``targets``."""
    sample = SAMPLE_KWARGS.get(name)
    if sample is None:
        return None
    pk_of = {
        "points:redemption": t["redemption"],
        "api:points-redemption": t["redemption"],
        "servicedesk:request": t["request"],
        "servicedesk:ticket": t["ticket"],
        "api:upgrade-request": t["upgrade"],
        "api:group": t["group"],
        "api:key-person": t["person"],
    }
    kwargs = dict(sample)
    for key in kwargs:
        if key == "msisdn":
            kwargs[key] = t["customer"].msisdn
        elif key == "group_id":
            kwargs[key] = t["group"].pk
        elif key == "member_id":
            kwargs[key] = t["member"].pk
        elif key == "key_person_id":
            kwargs[key] = t["person"].pk
        elif key == "request_id":
            kwargs[key] = t["upgrade"].pk
        elif key == "code":
            kwargs[key] = t["hall"].code
        elif key == "pk":
            for prefix, obj in pk_of.items():
                if name.startswith(prefix):
                    kwargs[key] = obj.pk
    return kwargs


def _form_data(t: dict[str, Any]) -> dict[str, Any]:
    """One body that most forms of the site would accept."""
    return {
        "note": "csrf",
        "notes": "csrf",
        "reason": "csrf",
        "person": "csrf",
        "channel": "call",
        "occasion": "routine",
        "requested_level": "gold",
        "confirmed": "1",
        "item": t["item"].pk,
        "quantity": "1",
        "msisdn": t["customer"].msisdn,
        "desk": "2",
        "subject": "csrf",
        "name": "csrf",
        "code": "CSRF1",
        "city": "苏州",
        "group_class": "A",
        "role": "contact",
        "rank": "other",
        "username": "clerk",
        "password": "pw-for-tests",
        "language": "zh-hans",
        "status": "suspended",
        "signed_on": "2024-01-01",
        "group": t["group"].pk,
        "key_person": t["person"].pk,
    }


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _is_csrf_refusal(response: Any) -> bool:
    body = response.content.decode(errors="replace")
    return response.status_code == 403 and ("The form has expired" in body or "CSRF Failed" in body)


# Machine-to-machine endpoints: no session or cookie, so no CSRF; each is PUBLIC in the
# matrix and authenticates its caller by a signature instead (NOTICE-2, D-API-3).
SIGNED_NAMES = frozenset({"api:sms-inbound"})


def test_the_signed_endpoints_refuse_an_unsigned_post_and_change_nothing(
    targets: dict[str, Any], staff: dict[str, Any]
) -> None:
    """What the CSRF test leaves out is public and refuses a post without its signature, even
    from a signed-in clerk's browser."""
    for name in SIGNED_NAMES:
        assert rule_for(name) is PUBLIC, name
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff[CLERK])
        before = _row_counts()
        response = client.post(reverse(name), "{}", content_type="application/json")
        assert response.status_code == 401, (name, response.status_code)
        assert _row_counts() == before, name


@pytest.mark.parametrize("name", [name for name in CSRF_NAMES if name not in SIGNED_NAMES])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    name: str, targets: dict[str, Any], staff: dict[str, Any]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff[_role_for(name)])
    # The victim's browser has the CSRF cookie; the forged form cannot read it.
    client.cookies[settings.CSRF_COOKIE_NAME] = get_token(RequestFactory().get("/"))
    url = reverse(name, kwargs=_real_kwargs(name, targets))
    data = _form_data(targets)
    before = _row_counts()
    response = client.post(url, data)
    assert _is_csrf_refusal(response), (url, response.status_code, response.content[:200])
    assert _row_counts() == before, url
    # The same POST with the token gets past the check (so the 403 above was the check).
    client.raise_request_exception = False
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, data, headers={"X-CSRFToken": token})
    assert not _is_csrf_refusal(response), (url, response.status_code)


def test_the_urls_left_out_change_nothing_when_posted_to(
    targets: dict[str, Any], staff: dict[str, Any]
) -> None:
    """What the derivation leaves out is read-only: a POST (CSRF checks off) answers, and
    no table changes."""
    left_out = [
        name
        for name in URL_ACCESS
        if name not in CSRF_NAMES and name not in WILDCARD_SAMPLES and rule_for(name) is not PUBLIC
    ]
    assert len(left_out) >= 40
    data = _form_data(targets)
    clients = {role: Client() for role in staff}
    for role, client in clients.items():
        client.force_login(staff[role])
    before = _row_counts()
    for name in left_out:
        response = clients[_role_for(name)].post(
            reverse(name, kwargs=_real_kwargs(name, targets)), data
        )
        assert response.status_code in (200, 302, 400, 404, 405), (name, response.status_code)
    assert _row_counts() == before


def _contact_body(t: dict[str, Any]) -> str:
    return json.dumps(
        {"group": t["group"].pk, "key_person": t["person"].pk, "channel": "call", "notes": "回访"}
    )


def test_the_api_with_a_session_needs_the_csrf_token(
    targets: dict[str, Any], account_manager: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(account_manager)
    url = reverse("api:contact-log-list")
    before = ContactLog.objects.count()
    refused = client.post(url, _contact_body(targets), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF Failed")
    assert ContactLog.objects.count() == before
    # a form of ours sets the CSRF cookie
    client.get(reverse("keyaccounts:group_contact_create", args=[targets["group"].pk]))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(
        url, _contact_body(targets), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
    assert ContactLog.objects.count() == before + 1


def test_the_api_with_an_auth_token_needs_no_csrf_token(
    targets: dict[str, Any], account_manager: Any
) -> None:
    """DRF checks CSRF for session authentication only: a token is not sent by a browser on
    its own, so a forged cross-site form cannot carry it."""
    token = Token.objects.create(user=account_manager)
    client = Client(enforce_csrf_checks=True)
    before = ContactLog.objects.count()
    response = client.post(
        reverse("api:contact-log-list"),
        _contact_body(targets),
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201, response.content
    assert ContactLog.objects.count() == before + 1
    # and without either, nothing
    anonymous = client.post(
        reverse("api:contact-log-list"), _contact_body(targets), content_type="application/json"
    )
    assert anonymous.status_code in (401, 403)
    assert ContactLog.objects.count() == before + 1


# ---- 3. injection attempts are harmless ------------------------------------------------

INJECTIONS = [
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "%(x)s",
    "{0}",
    "13900000001' UNION SELECT",
    "1; DROP TABLE membership_customer; --",
    "x" * 2000,
    "１３９００００００００１",  # full-width digits: a number as a person may type it
    "％",  # full-width percent
]
NUL = "\x00"
WILDCARDS = {"%", "_", "\\", "％"}
MINE = "MINE-G"
THEIRS = "THEIRS-G"
MY_NUMBER = "13900000001"


@pytest.fixture
def portfolios(account_manager: Any, other_account_manager: Any, clerk: Any) -> dict[str, Any]:
    """Two managers' groups, each with a key person, a contact and a pending request."""
    out: dict[str, Any] = {}
    now = timezone.now()
    for key, manager, label, number in (
        ("mine", account_manager, MINE, MY_NUMBER),
        ("theirs", other_account_manager, THEIRS, "13900000002"),
    ):
        group = make_group(
            code=label, name=f"{label} 集团", group_class="B", account_manager=manager
        )
        person = key_person_create(
            group=group,
            customer=make_customer(msisdn=number),
            role="contact",
            rank="other",
            title=f"{label} title",
            actor=manager,
        )
        contact = contact_log_create(
            group=group, key_person=person, channel="call", notes=f"{label} notes", actor=manager
        )
        upgrade = upgrade_request_create(
            key_person=person, requested_level="gold", reason=f"{label} reason", actor=manager
        )
        member = GroupMember.objects.get(group=group, customer=person.customer)
        out[key] = {
            "group": group,
            "person": person,
            "contact": contact,
            "upgrade": upgrade,
            "member": member,
            "manager": manager,
        }
    hall = make_hall(code="inj-hall")
    ServiceRequest.objects.create(
        customer=out["mine"]["person"].customer,
        kind="complaint",
        hall=hall,
        subject="x",
        created_at=now,
        created_by=clerk,
    )
    return out


# (id, persona, URL name, the parameter given the payload, what it searches: "scoped"
# (a manager's list: never the other manager's rows), "search" (a substring search:
# also none of the user's own rows for a LIKE wildcard), "exact" (a lookup by number or
# value: a wildcard matches nothing))
INJECTION_TARGETS: list[tuple[str, str, str, str, str]] = [
    ("lookup", CLERK, "membership:lookup", "q", "exact"),
    ("desk lookup", CLERK, "servicedesk:desk_home", "msisdn", "exact"),
    ("group list q", MANAGER, "keyaccounts:group_list", "q", "search"),
    ("group list class", MANAGER, "keyaccounts:group_list", "class", "scoped"),
    ("group list page", MANAGER, "keyaccounts:group_list", "page", "scoped"),
    ("upgrade list q", MANAGER, "keyaccounts:upgrade_list", "q", "search"),
    ("upgrade list status", MANAGER, "keyaccounts:upgrade_list", "status", "scoped"),
    ("workspace manager", MANAGER, "keyaccounts:manager_workspace", "manager", "scoped"),
    ("upgrade inbox q", SUPERVISOR, "keyaccounts:upgrade_inbox", "q", "search"),
    ("request list msisdn", CLERK, "servicedesk:request_list", "msisdn", "exact"),
    ("request list hall", CLERK, "servicedesk:request_list", "hall", "exact"),
    ("request list from", CLERK, "servicedesk:request_list", "registered_from", "exact"),
    ("customer card on", CLERK, "membership:customer_card", "on", "exact"),
    ("catalogue city", CLERK, "plans:catalogue", "city", "exact"),
    ("points account kind", CLERK, "points:account", "kind", "exact"),
    ("job runs job", SUPERVISOR, "core:job_runs", "job", "exact"),
    ("service levels day", SUPERVISOR, "servicedesk:service_levels", "day", "exact"),
    ("kpi month", SUPERVISOR, "keyaccounts:kpi_report", "month", "exact"),
    ("admin customers q", SUPERVISOR, "admin:membership_customer_changelist", "q", "search"),
    ("admin groups q", SUPERVISOR, "admin:keyaccounts_groupcustomer_changelist", "q", "search"),
    ("admin halls q", SUPERVISOR, "admin:servicedesk_hall_changelist", "q", "search"),
    ("admin requests q", SUPERVISOR, "admin:servicedesk_servicerequest_changelist", "q", "exact"),
    ("api customers city", CLERK, "api:customer-list", "city", "exact"),
    ("api customers tier", CLERK, "api:customer-list", "tier", "exact"),
    ("api groups q", MANAGER, "api:group-list", "q", "search"),
    ("api groups city", MANAGER, "api:group-list", "city", "scoped"),
    ("api groups manager", MANAGER, "api:group-list", "account_manager", "scoped"),
    ("api key persons msisdn", MANAGER, "api:key-person-list", "msisdn", "scoped"),
    ("api key persons group", MANAGER, "api:key-person-list", "group", "scoped"),
    ("api contacts group", MANAGER, "api:contact-log-list", "group", "scoped"),
    ("api contacts since", MANAGER, "api:contact-log-list", "since", "scoped"),
    ("api upgrades key person", MANAGER, "api:upgrade-request-list", "key_person", "scoped"),
    ("api upgrades status", MANAGER, "api:upgrade-request-list", "status", "scoped"),
    ("api service requests msisdn", CLERK, "api:service-request-list", "msisdn", "exact"),
    ("api tickets hall", CLERK, "api:ticket-list", "hall", "exact"),
    ("api fee waivers msisdn", CLERK, "api:fee-waivers", "msisdn", "exact"),
    ("api plans order code", CLERK, "api:plan-list", "order_code", "exact"),
    ("api redemptions msisdn", CLERK, "api:points-redemption-list", "msisdn", "exact"),
]


def _injection_url(name: str, portfolios: dict[str, Any]) -> str:
    if name in ("membership:customer_card", "points:account"):
        return reverse(name, args=[MY_NUMBER])
    return reverse(name)


def _injection_problems(
    name: str, scope: str, param: str, payload: str, response: Any
) -> list[str]:
    """What is wrong with the answer to ``payload`` (empty when nothing is)."""
    status = response.status_code
    if status not in (200, 302, 400, 404):
        return [f"status {status}"]
    problems = []
    body = response.content.decode(errors="replace")
    if status == 302:
        # Only the lookups redirect, and only to the card of the number typed.
        normalised = payload.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not (scope == "exact" and normalised == MY_NUMBER and MY_NUMBER in response["Location"]):
            problems.append(f"redirect to {response['Location']}")
        return problems
    if status != 200:
        return problems
    if THEIRS in body:
        problems.append("the other manager's rows")
    if name.startswith("api:"):
        data = json.loads(body)
        rows = data.get("results", []) if isinstance(data, dict) else data
        if scope in ("search", "exact") and payload in WILDCARDS and rows:
            problems.append(f"a wildcard matched {len(rows)} rows")
    elif scope == "search" and payload in WILDCARDS and MINE in body:
        problems.append("a wildcard matched every row")
    return problems


@pytest.mark.parametrize(
    ("target", "role", "name", "param", "scope"),
    INJECTION_TARGETS,
    ids=[t[0] for t in INJECTION_TARGETS],
)
def test_injection_payloads_are_harmless(
    target: str,
    role: str,
    name: str,
    param: str,
    scope: str,
    portfolios: dict[str, Any],
    staff: dict[str, Any],
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(staff[role])
    url = _injection_url(name, portfolios)
    failures = {}
    for payload in INJECTIONS:
        response = client.get(
            url,
            {param: payload},
            headers={"Accept": "application/json"} if name.startswith("api:") else {},
        )
        problems = _injection_problems(name, scope, param, payload, response)
        if problems:
            failures[payload[:40]] = problems
    assert failures == {}, target


SEARCHES = [t for t in INJECTION_TARGETS if t[4] == "search"]


@pytest.mark.parametrize(
    ("target", "role", "name", "param", "scope"), SEARCHES, ids=[t[0] for t in SEARCHES]
)
def test_the_searches_find_what_they_should(
    target: str,
    role: str,
    name: str,
    param: str,
    scope: str,
    portfolios: dict[str, Any],
    staff: dict[str, Any],
) -> None:
    """The control of the wildcard checks above: a real term finds the user's row."""
    client = Client()
    client.force_login(staff[role])
    term = MY_NUMBER if name == "admin:membership_customer_changelist" else MINE
    if name == "admin:servicedesk_hall_changelist":
        term = "inj-hall"
    body = client.get(_injection_url(name, portfolios), {param: term}).content.decode()
    assert term in body, target
    assert THEIRS not in body or role == SUPERVISOR, target


@pytest.mark.parametrize(
    ("target", "role", "name", "param", "scope"),
    [pytest.param(*t, id=t[0]) for t in INJECTION_TARGETS],
)
def test_a_nul_byte_is_refused_not_a_server_error(
    target: str,
    role: str,
    name: str,
    param: str,
    scope: str,
    portfolios: dict[str, Any],
    staff: dict[str, Any],
) -> None:
    """PostgreSQL cannot hold a NUL in a text value: a query with one must be refused (or
    found to match nothing) before it reaches the database. The group list, the upgrade
    list and the approvals inbox answered 500 here on PostgreSQL until their search box went
    through core.search.search_term."""
    client = Client()
    client.force_login(staff[role])
    for payload in (NUL, f"{MINE}{NUL}", f"{MY_NUMBER}{NUL}"):
        response = client.get(_injection_url(name, portfolios), {param: payload})
        assert response.status_code in (200, 400, 404), (target, payload, response.status_code)
        if role == MANAGER:
            assert THEIRS not in response.content.decode(errors="replace")


# ---- 4. cross-portfolio reads and writes are refused -----------------------------------

P = dict[str, Any]  # the portfolios fixture: {"mine": {...}, "theirs": {...}}


def _state() -> tuple[Any, ...]:
    """Everything a refused write could have changed."""
    return (
        ContactLog.objects.count(),
        sorted(KeyPerson.objects.values_list("pk", "title", "role", "rank", "ended_at")),
        sorted(UpgradeRequest.objects.values_list("pk", "status")),
        sorted(GroupMember.objects.values_list("pk", "ended_on")),
    )


def _ref(portfolios: P, value: Any) -> Any:
    """``"@theirs.group"`` is the primary key of the other manager's group; anything else is
    itself."""
    if isinstance(value, str) and value.startswith("@"):
        side, key = value[1:].split(".")
        return portfolios[side][key].pk
    return value


G, KP, UP = "@theirs.group", "@theirs.person", "@theirs.upgrade"
CONTACT = {"channel": "call", "person": "办公室", "notes": "x"}

# (case, "page" or "api", method, URL name, its arguments, body, the answer the code gives)
CROSS_CASES: list[tuple[str, str, str, str, tuple[str, ...], dict[str, Any], int]] = [
    # pages: reading
    ("page group detail", "page", "get", "keyaccounts:group_detail", (G,), {}, 403),
    ("page group contacts", "page", "get", "keyaccounts:group_contacts", (G,), {}, 403),
    ("page key person detail", "page", "get", "keyaccounts:key_person_detail", (KP,), {}, 403),
    ("page key person edit form", "page", "get", "keyaccounts:key_person_update", (KP,), {}, 403),
    ("page upgrade detail", "page", "get", "keyaccounts:upgrade_detail", (UP,), {}, 403),
    ("page upgrade form", "page", "get", "keyaccounts:upgrade_create", (KP,), {}, 403),
    # pages: writing
    (
        "page log a group contact",
        "page",
        "post",
        "keyaccounts:group_contact_create",
        (G,),
        CONTACT,
        403,
    ),
    (
        "page log a key person contact",
        "page",
        "post",
        "keyaccounts:key_person_contact_create",
        (KP,),
        {"channel": "call", "notes": "x"},
        403,
    ),
    (
        "page add a key person",
        "page",
        "post",
        "keyaccounts:key_person_create",
        (G,),
        {"customer": MY_NUMBER, "role": "contact", "rank": "other"},
        403,
    ),
    (
        "page edit a key person",
        "page",
        "post",
        "keyaccounts:key_person_update",
        (KP,),
        {"role": "contact", "rank": "other", "title": "changed"},
        403,
    ),
    (
        "page remove a key person",
        "page",
        "post",
        "keyaccounts:key_person_remove",
        (KP,),
        {"reason": "x"},
        403,
    ),
    (
        "page ask for an upgrade",
        "page",
        "post",
        "keyaccounts:upgrade_create",
        (KP,),
        {"requested_level": "platinum", "reason": "x"},
        403,
    ),
    (
        "page withdraw an upgrade",
        "page",
        "post",
        "keyaccounts:upgrade_withdraw",
        (UP,),
        {"note": "x"},
        403,
    ),
    (
        "page add a member",
        "page",
        "post",
        "keyaccounts:group_member_add",
        (G,),
        {"customer": MY_NUMBER},
        403,
    ),
    (
        "page remove a member",
        "page",
        "post",
        "keyaccounts:group_member_remove",
        (G, "@theirs.member"),
        {},
        403,
    ),
    # my group in the URL, their member's id: no such member in my group
    (
        "page remove their member via my group",
        "page",
        "post",
        "keyaccounts:group_member_remove",
        ("@mine.group", "@theirs.member"),
        {},
        404,
    ),
    # API: reading
    ("api group detail", "api", "get", "api:group-detail", (G,), {}, 403),
    ("api key person detail", "api", "get", "api:key-person-detail", (KP,), {}, 403),
    ("api contact detail", "api", "get", "api:contact-log-detail", ("@theirs.contact",), {}, 403),
    ("api upgrade detail", "api", "get", "api:upgrade-request-detail", (UP,), {}, 403),
    # API: writing
    (
        "api log a contact with their group",
        "api",
        "post",
        "api:contact-log-list",
        (),
        {**CONTACT, "group": G},
        403,
    ),
    (
        "api log a contact: my group, their key person",
        "api",
        "post",
        "api:contact-log-list",
        (),
        {"group": "@mine.group", "key_person": KP, "channel": "call", "notes": "x"},
        403,
    ),
    (
        "api ask an upgrade for their key person",
        "api",
        "post",
        "api:upgrade-request-list",
        (),
        {"key_person": KP, "requested_level": "platinum", "reason": "x"},
        403,
    ),
    (
        "api withdraw their upgrade",
        "api",
        "post",
        "api:upgrade-request-withdraw",
        (UP,),
        {"note": "x"},
        403,
    ),
    (
        "api change their contact",
        "api",
        "patch",
        "api:contact-log-detail",
        ("@theirs.contact",),
        {"notes": "y"},
        405,
    ),
    (
        "api delete their contact",
        "api",
        "delete",
        "api:contact-log-detail",
        ("@theirs.contact",),
        {},
        405,
    ),
    ("api change their group", "api", "patch", "api:group-detail", (G,), {"name": "changed"}, 405),
]


@pytest.mark.parametrize(
    ("case", "how", "method", "name", "args", "body", "status"),
    CROSS_CASES,
    ids=[c[0] for c in CROSS_CASES],
)
def test_another_managers_objects_are_refused(
    case: str,
    how: str,
    method: str,
    name: str,
    args: tuple[str, ...],
    body: dict[str, Any],
    status: int,
    portfolios: P,
    account_manager: Any,
) -> None:
    url = reverse(name, args=[_ref(portfolios, a) for a in args])
    data = {key: _ref(portfolios, value) for key, value in body.items()}
    before = _state()
    client: Client = Client() if how == "page" else APIClient()
    client.force_login(account_manager)
    if how == "page" or method == "get":
        response = getattr(client, method)(url, data)
    else:
        response = getattr(client, method)(url, json.dumps(data), content_type="application/json")
    assert response.status_code == status, (case, response.status_code)
    assert _state() == before, case
    assert THEIRS not in response.content.decode(errors="replace"), case


# The control: the same reads of the manager's own objects answer 200.
OWN_READS = [c for c in CROSS_CASES if c[2] == "get"]


@pytest.mark.parametrize(
    ("case", "how", "method", "name", "args", "body", "status"),
    OWN_READS,
    ids=[c[0] for c in OWN_READS],
)
def test_the_same_reads_of_my_own_objects_are_allowed(
    case: str,
    how: str,
    method: str,
    name: str,
    args: tuple[str, ...],
    body: dict[str, Any],
    status: int,
    portfolios: P,
    account_manager: Any,
) -> None:
    url = reverse(name, args=[_ref(portfolios, a.replace("theirs", "mine")) for a in args])
    client = Client()
    client.force_login(account_manager)
    response = client.get(url)
    assert response.status_code == 200, case
    if "form" not in case:
        assert MINE in response.content.decode(), case


# (case, URL name, query) of a list: never the other manager's objects, whatever is asked
CROSS_LISTS: list[tuple[str, str, dict[str, Any]]] = [
    ("api groups", "api:group-list", {}),
    ("api groups of their manager", "api:group-list", {"account_manager": "@theirs.manager"}),
    ("api groups by their code", "api:group-list", {"q": THEIRS}),
    ("api key persons", "api:key-person-list", {}),
    ("api key persons of their group", "api:key-person-list", {"group": G}),
    ("api key persons by their number", "api:key-person-list", {"msisdn": "13900000002"}),
    ("api contacts", "api:contact-log-list", {}),
    ("api contacts of their group", "api:contact-log-list", {"group": G}),
    ("api contacts of their key person", "api:contact-log-list", {"key_person": KP}),
    ("api upgrades", "api:upgrade-request-list", {}),
    ("api upgrades of their group", "api:upgrade-request-list", {"group": G}),
    ("api upgrades of their key person", "api:upgrade-request-list", {"key_person": KP}),
    ("page group list", "keyaccounts:group_list", {"q": THEIRS}),
    ("page upgrade list", "keyaccounts:upgrade_list", {"q": THEIRS}),
    ("page workspace of theirs", "keyaccounts:manager_workspace", {"manager": "@theirs.manager"}),
]


@pytest.mark.parametrize(("case", "name", "query"), CROSS_LISTS, ids=[c[0] for c in CROSS_LISTS])
def test_lists_never_include_another_managers_objects(
    case: str, name: str, query: dict[str, Any], portfolios: P, account_manager: Any
) -> None:
    client = Client()
    client.force_login(account_manager)
    response = client.get(reverse(name), {k: _ref(portfolios, v) for k, v in query.items()})
    assert response.status_code == 200, case
    body = response.content.decode()
    # (the search term itself is echoed by the pages: look for the group's name instead)
    assert f"{THEIRS} 集团" not in body, case
    assert f"{THEIRS} title" not in body, case
    if name.startswith("api:"):
        kind = API_KINDS[name]
        ids = {row["id"] for row in response.json()["results"]}
        assert portfolios["theirs"][kind].pk not in ids, case
        assert ids <= {portfolios["mine"][kind].pk}, case


API_KINDS = {
    "api:group-list": "group",
    "api:key-person-list": "person",
    "api:contact-log-list": "contact",
    "api:upgrade-request-list": "upgrade",
}
