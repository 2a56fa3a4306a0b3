"""D-TRUST-1: the one-time form token, the ``idempotent_form`` wrapper and ``once`` itself,
on a probe view whose work is a core row (the forms of the apps: tests/test_idempotent_forms.py;
the API's Idempotency-Key: tests/test_idempotent_api.py)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.test import RequestFactory

from core import clock
from core.idempotency import (
    FORM_FIELD,
    TTL,
    idempotent_form,
    new_form_token,
    once,
    purge_expired,
)
from core.models import IdempotencyKey, JobRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def a_post(user: Any, data: dict[str, str], *, referer: str = "") -> HttpRequest:
    """A POST to the probe view with a session and message storage, as the middleware gives."""
    headers = {"referer": referer} if referer else {}
    request = RequestFactory().post("/probe/", data, headers=headers)
    request.user = user
    SessionMiddleware(lambda _request: HttpResponse()).process_request(request)
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def said(request: HttpRequest) -> list[str]:
    return [str(message) for message in get_messages(request)]


class Probe:
    """A view that creates a job run per call and redirects to it (or shows the form again
    when asked to fail)."""

    def __init__(self) -> None:
        self.calls = 0
        self.view = idempotent_form(self.work)

    def work(self, request: HttpRequest) -> HttpResponse:
        self.calls += 1
        if request.POST.get("fail"):
            return HttpResponse("the form again, with its errors", status=200)
        if request.POST.get("boom"):
            JobRun.objects.create(job="probe", period=f"boom-{self.calls}")
            raise RuntimeError("boom")
        run = JobRun.objects.create(job="probe", period=str(self.calls))
        messages.success(request, f"Run {run.period} created.")
        return redirect(f"/runs/{run.pk}/")


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def user() -> Any:
    return UserFactory(username="probe-user", role="counter_clerk")


def test_the_template_tag_renders_a_new_signed_token_at_each_render() -> None:
    template = Template("{% load idempotency %}{% idempotency_token %}|{% idempotency_token %}")
    html = template.render(Context({}))
    tokens = re.findall(rf'<input type="hidden" name="{FORM_FIELD}" value="([^"]+)">', html)
    assert len(tokens) == 2
    assert tokens[0] != tokens[1]
    for token in tokens:
        assert signing.TimestampSigner(salt="core.idempotency.form").unsign(token)


def test_the_first_post_of_a_token_does_the_work_and_records_its_result(
    probe: Probe, user: Any
) -> None:
    token = new_form_token()
    request = a_post(user, {FORM_FIELD: token})

    response = probe.view(request)

    run = JobRun.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/runs/{run.pk}/")
    assert said(request) == ["Run 1 created."]
    row = IdempotencyKey.objects.get()
    assert (row.user, row.scope, row.status_code) == (user, "form", 302)
    assert (row.result_url, row.result_message) == (f"/runs/{run.pk}/", "Run 1 created.")
    assert token.startswith(row.key)  # the random part, not the signature


def test_a_second_post_of_the_same_token_does_nothing_and_shows_the_first_result(
    probe: Probe, user: Any
) -> None:
    token = new_form_token()
    first = probe.view(a_post(user, {FORM_FIELD: token}))
    replay = a_post(user, {FORM_FIELD: token})

    response = probe.view(replay)

    assert probe.calls == 1
    assert JobRun.objects.count() == 1
    assert response["Location"] == first["Location"]
    assert said(replay) == [
        "Already done: this form was submitted before, so nothing was done again. "
        "The first submission: Run 1 created."
    ]
    assert [m.level_tag for m in get_messages(replay)] == ["warning"]


def test_without_a_token_the_view_runs_as_before(probe: Probe, user: Any) -> None:
    probe.view(a_post(user, {}))
    probe.view(a_post(user, {}))

    assert JobRun.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_form_shown_again_with_errors_records_nothing_so_the_token_can_be_sent_again(
    probe: Probe, user: Any
) -> None:
    token = new_form_token()

    shown = probe.view(a_post(user, {FORM_FIELD: token, "fail": "1"}))
    done = probe.view(a_post(user, {FORM_FIELD: token}))

    assert shown.status_code == 200
    assert done.status_code == 302
    assert probe.calls == 2
    assert JobRun.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_view_that_fails_leaves_neither_its_work_nor_the_token(probe: Probe, user: Any) -> None:
    token = new_form_token()

    with pytest.raises(RuntimeError):
        probe.view(a_post(user, {FORM_FIELD: token, "boom": "1"}))

    assert not JobRun.objects.exists()
    assert not IdempotencyKey.objects.exists()
    probe.view(a_post(user, {FORM_FIELD: token}))
    assert JobRun.objects.count() == 1


def test_tokens_are_per_user(probe: Probe, user: Any) -> None:
    token = new_form_token()
    other = UserFactory(username="other-user", role="counter_clerk")

    probe.view(a_post(user, {FORM_FIELD: token}))
    probe.view(a_post(other, {FORM_FIELD: token}))

    assert JobRun.objects.count() == 2


def test_an_altered_token_is_refused_and_nothing_is_done(probe: Probe, user: Any) -> None:
    request = a_post(user, {FORM_FIELD: new_form_token() + "x"}, referer="http://testserver/form/")

    response = probe.view(request)

    assert probe.calls == 0
    assert response["Location"] == "http://testserver/form/"
    assert said(request) == [
        "This form is more than a day old or was altered, so it was not sent. "
        "Please fill it in again."
    ]


def test_a_token_older_than_a_day_is_refused_and_a_foreign_referrer_is_not_followed(
    probe: Probe, user: Any
) -> None:
    with time_machine.travel(clock.now() - TTL - timedelta(minutes=1), tick=False):
        token = new_form_token()
    request = a_post(user, {FORM_FIELD: token}, referer="https://evil.example/")

    response = probe.view(request)

    assert probe.calls == 0
    assert response["Location"] == "/probe/"
    assert not JobRun.objects.exists()


def test_a_token_younger_than_a_day_still_replays(probe: Probe, user: Any) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        token = new_form_token()
        probe.view(a_post(user, {FORM_FIELD: token}))
    with time_machine.travel(start + TTL - timedelta(minutes=1), tick=False):
        probe.view(a_post(user, {FORM_FIELD: token}))

    assert JobRun.objects.count() == 1


def test_rows_older_than_a_day_are_purged_on_the_next_insert(user: Any) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        once(user=user, scope="form", key="old", work=lambda: 1, result=lambda _v: {})
    with time_machine.travel(start + TTL - timedelta(seconds=1), tick=False):
        assert purge_expired() == 0
    with time_machine.travel(start + TTL + timedelta(seconds=1), tick=False):
        once(user=user, scope="form", key="new", work=lambda: 2, result=lambda _v: {})

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_once_returns_the_first_row_when_the_key_was_used(user: Any) -> None:
    first = once(
        user=user, scope="api", key="k", work=lambda: "done", result=lambda v: {"status_code": 201}
    )
    second = once(user=user, scope="api", key="k", work=lambda: "again", result=lambda v: {})

    assert first == "done"
    assert isinstance(second, IdempotencyKey)
    assert second.status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_token_do_the_work_once_and_both_show_its_result() -> None:
    """A double click: the second POST arrives while the first holds the token's row
    uncommitted; it waits on the unique constraint, fails, does nothing, and shows the
    first's result."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Event

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real parallel connections")
    user = UserFactory(username="double-click", role="counter_clerk")
    token = new_form_token()
    working = Event()
    calls: list[int] = []

    def slow_work(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        run = JobRun.objects.create(job="probe", period=f"double-{len(calls)}")
        working.set()
        time.sleep(0.5)  # the other POST arrives while this one holds the token
        messages.success(request, "Run created.")
        return redirect(f"/runs/{run.pk}/")

    view = idempotent_form(slow_work)

    def submit(wait: bool) -> tuple[str, list[str], float]:
        from django.db import connection as thread_connection

        try:
            request = a_post(user, {FORM_FIELD: token})
            if wait:
                assert working.wait(10)
            started = time.monotonic()
            response = view(request)
            return response["Location"], said(request), time.monotonic() - started
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = list(pool.map(submit, [False, True]))

    assert len(calls) == 1
    run = JobRun.objects.get()
    assert first[:2] == (f"/runs/{run.pk}/", ["Run created."])
    assert second[:2] == (
        f"/runs/{run.pk}/",
        [
            "Already done: this form was submitted before, so nothing was done again. "
            "The first submission: Run created."
        ],
    )
    assert second[2] > 0.2  # it waited for the first to commit
    assert IdempotencyKey.objects.count() == 1
