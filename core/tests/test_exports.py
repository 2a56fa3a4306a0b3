"""The list screens' CSV export helper (core.exports, D-HOUSE-5)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import cast

import pytest
from django.test import RequestFactory

from core.exports import Column, cell, csv_lines, csv_response, export_url, wants_csv


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (True, "1"),
        (date(2026, 2, 1), "2026-02-01"),
        (Decimal("12.50"), "12.50"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("@SUM", "'@SUM"),
        ("-12.5", "-12.5"),  # a negative number stays a number
        ("张三", "张三"),
    ],
)
def test_a_cell_is_plain_text_and_never_a_formula(value: object, shown: str) -> None:
    assert cell(value) == shown


def test_the_lines_start_with_a_bom_and_the_header() -> None:
    lines = list(csv_lines([Column("号码", lambda r: r[0])], [("139",), ("138",)]))
    assert lines == ["\ufeff号码\n", "139\n", "138\n"]


def test_the_export_link_keeps_the_filters_and_drops_the_page() -> None:
    request = RequestFactory().get("/x/", {"q": "张", "status": ["a", "b"], "page": "3"})
    url = export_url(request)
    assert url.startswith("/x/?")
    assert "page=" not in url
    assert "status=a" in url
    assert "status=b" in url
    assert url.endswith("format=csv")
    assert wants_csv(RequestFactory().get(url))
    assert not wants_csv(request)


@pytest.mark.django_db  # closing a response signals request_finished (database connections)
def test_a_personal_export_is_audited_even_when_broken_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = RequestFactory().get("/x/", {"q": "1", "format": "csv"})
    request.user = type("U", (), {"pk": 7})()
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = csv_response(
            request, "things", [Column("n", lambda r: r)], range(5), personal=True
        )
        stream = cast(Iterator[bytes], response.streaming_content)
        next(stream)
        next(stream)
        response.close()  # the download stops after one row
    messages = [r.getMessage() for r in caplog.records if r.name == "core.audit"]
    assert messages == ["list exported: user=7 list=things filters=q=1 rows=1"]


def test_an_export_without_personal_data_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    request = RequestFactory().get("/x/", {"format": "csv"})
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = csv_response(request, "things", [Column("n", lambda r: r)], range(2))
        body = response.getvalue().decode()
    assert body == "\ufeffn\n0\n1\n"
    assert not [r for r in caplog.records if r.name == "core.audit"]


@pytest.mark.django_db
@pytest.mark.parametrize("revealed", [True, False])
def test_d_cust_8_a_personal_export_says_whether_it_revealed_the_data_in_full(
    caplog: pytest.LogCaptureFixture, revealed: bool
) -> None:
    request = RequestFactory().get("/x/", {"format": "csv"})
    request.user = type("U", (), {"pk": 7})()
    with caplog.at_level(logging.INFO, logger="core.audit"):
        response = csv_response(
            request,
            "signups",
            [Column("n", lambda r: r)],
            range(2),
            personal=True,
            revealed=revealed,
        )
        b"".join(cast(Iterator[bytes], response.streaming_content))
    messages = [r.getMessage() for r in caplog.records if r.name == "core.audit"]
    assert messages == [f"list exported: user=7 list=signups filters= rows=2 revealed={revealed}"]
