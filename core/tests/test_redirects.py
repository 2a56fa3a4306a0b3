"""core.redirects.safe_next: a form or link goes back only to a page of this site."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.redirects import safe_next


@pytest.mark.parametrize(
    ("data", "secure", "expected"),
    [
        ({"next": "/desk/customer/13900000000/"}, False, "/desk/customer/13900000000/"),
        ({"next": "https://evil.example/"}, False, "/fallback/"),
        ({"next": "//evil.example/x"}, False, "/fallback/"),
        ({"next": "http://testserver/desk/"}, True, "/fallback/"),  # https page → no http
        ({"next": "https://testserver/desk/"}, True, "https://testserver/desk/"),
        ({}, False, "/fallback/"),
    ],
)
def test_next_is_followed_only_to_our_own_pages(
    data: dict[str, str], secure: bool, expected: str
) -> None:
    request = RequestFactory().post("/form/", data, secure=secure)
    assert safe_next(request, "/fallback/") == expected


def test_the_forms_field_wins_over_the_query_string() -> None:
    request = RequestFactory().post("/form/?next=/from-link/", {"next": "/from-form/"})
    assert safe_next(request) == "/from-form/"
    assert safe_next(RequestFactory().post("/form/?next=/from-link/")) == "/from-link/"
