"""The supervisors' upload screen for the billing feeds (CUST-9).

An upload becomes an ImportRun that a task imports; in the tests the task runs in-process
when the upload commits (``django_capture_on_commit_callbacks``), so the redirect lands on
the finished run's page. The run's own behaviour: test_import_runs.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from membership.models import Bill, Customer, ImportRun, StatusChange
from tests.factories import CustomerFactory

URL = reverse("membership:import_upload")
HEADER = "msisdn,month,total\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded feeds are stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Callable[..., HttpResponse]:
    """POST as ``client``, running what the request sends on commit (the import task)."""

    def send(client: Client, data: dict[str, Any]) -> HttpResponse:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data)  # type: ignore[return-value]

    return send


def run_url(run: ImportRun) -> str:
    return reverse("membership:import_run_detail", kwargs={"pk": run.pk})


def a_customer(msisdn: str, **fields: Any) -> Customer:
    """A customer from the shared factory, typed as the model."""
    CustomerFactory(msisdn=msisdn, **fields)
    return Customer.objects.get(msisdn=msisdn)


def upload(content: str | bytes, name: str = "bills.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("supervisor", True),
        ("superuser", True),
        ("counter_clerk", False),
        ("account_manager", False),
        ("outsider", False),
    ],
)
def test_only_supervisors_open_the_upload_page(
    personas: dict[str, Any], persona: str, allowed: bool
) -> None:
    response = client_for(personas[persona]).get(URL)

    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert b'name="feed"' in response.content


def test_anonymous_visitors_are_sent_to_the_login_page() -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["counter_clerk", "account_manager", "outsider"])
def test_other_roles_cannot_post_a_feed(personas: dict[str, Any], persona: str) -> None:
    CustomerFactory(msisdn="13900000001")

    response = client_for(personas[persona]).post(
        URL, {"feed": "bills", "file": upload(HEADER + "13900000001,2025-01,10.00\n")}
    )

    assert response.status_code == 403
    assert Bill.objects.count() == 0


def test_cust_9_a_supervisor_uploads_bills_and_sees_the_summary(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    customer = a_customer(msisdn="13900000001")
    client = client_for(supervisor)

    response = post(
        client, {"feed": "bills", "file": upload(HEADER + "13900000001,2025-01,128.50\n")}
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    page = client.get(run_url(run)).content.decode()
    assert "Bills feed imported: created 1, updated 0." in page
    bill = Bill.objects.get()
    assert (bill.customer, bill.month, bill.total) == (
        customer,
        date(2025, 1, 1),
        Decimal("128.50"),
    )


def test_cust_4_an_uploaded_customers_feed_records_the_supervisor_as_actor(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    content = (
        "msisdn,name,id_number,birth_date,brand,joined_on,province,city,status,"
        "real_name_registered_on\n"
        "13900000001,张三,320102198001011234,1980-01-01,gotone,2015-03-15,江苏,苏州,active,\n"
    )

    response = post(
        client_for(supervisor), {"feed": "customers", "file": upload(content, "customers.csv")}
    )

    assert response.status_code == 302
    change = StatusChange.objects.get(customer__msisdn="13900000001")
    assert change.actor == supervisor
    record = Customer.history.get(msisdn="13900000001")
    assert record.history_user == supervisor


def test_a_bad_upload_lists_every_bad_line_keeps_the_feed_and_imports_nothing(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    CustomerFactory(msisdn="13900000001")
    content = (
        HEADER + "13900000001,2025-01,1.00\n13900000001,2025-02,12.345\n13900000002,2025-01,1\n"
    )
    client = client_for(supervisor)

    response = post(client, {"feed": "bills", "file": upload(content)})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 bad lines — nothing was imported" in page
    assert '<td class="num">3</td><td>total: “12.345” has more than 2 decimal places</td>' in page
    assert '<td class="num">4</td><td>msisdn: no customer has the number 13900000002</td>' in page
    corrected = f"{URL}?feed=bills"
    assert f'href="{corrected}"' in page  # "upload a corrected file" keeps the feed
    assert '<option value="bills" selected>' in client.get(corrected).content.decode()
    assert Bill.objects.count() == 0


def test_a_wrong_header_is_shown_as_line_1(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    client = client_for(supervisor)

    response = post(
        client, {"feed": "usage", "file": upload(HEADER + "13900000001,2025-01,1.00\n")}
    )

    page = client.get(response["Location"]).content.decode()
    assert "1 bad line — nothing was imported" in page
    assert "the header must be msisdn,date,category,amount, found msisdn,month,total" in page
    assert f'href="{URL}?feed=usage"' in page


def test_the_page_shows_the_first_200_bad_lines_and_counts_the_rest(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    content = HEADER + "".join(f"bad{i},2025-01,1\n" for i in range(250))
    client = client_for(supervisor)

    response = post(client, {"feed": "bills", "file": upload(content)})

    page = client.get(response["Location"]).content.decode()
    assert "250 bad lines — nothing was imported" in page
    assert page.count("is not a mobile number") == 200
    assert "…and 50 more bad lines, not shown." in page


def test_a_dry_run_upload_reports_the_counts_and_writes_nothing(
    supervisor: Any, post: Callable[..., HttpResponse]
) -> None:
    CustomerFactory(msisdn="13900000001")
    client = client_for(supervisor)

    response = post(
        client,
        {"feed": "bills", "dry_run": "on", "file": upload(HEADER + "13900000001,2025-01,1.00\n")},
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Dry run of the Bills feed: the file is valid and would give created 1, updated 0." in (
        page
    )
    assert Bill.objects.count() == 0


def test_the_form_needs_a_file(supervisor: Any) -> None:
    response = client_for(supervisor).post(URL, {"feed": "bills"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Bill.objects.count() == 0


def test_the_upload_page_lists_the_runs_in_a_fixed_number_of_queries(
    supervisor: Any, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    for user in (supervisor, clerk, None):  # no per-run or per-uploader query
        ImportRun.objects.create(feed="bills", original_name="b.csv", size=1, created_by=user)
    client = client_for(supervisor)

    with django_assert_max_num_queries(6):  # session, user, roles, count, one page of runs
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
