"""The API schema documents the errors each operation answers and the fields as the models
make them (core/api_schema.py, decision D-API-1); unknown API URLs answer JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(supervisor: Any) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_documents_403_and_its_error_body(schema: dict[str, Any]) -> None:
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        forbidden = operation["responses"].get("403")
        assert forbidden, (method, path)
        assert forbidden["content"]["application/json"]["schema"] == error
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_404_where_an_object_is_named_or_the_list_is_paged(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        parameters = operation.get("parameters", [])
        named = any(p["in"] == "path" for p in parameters)
        paged = any(p["in"] == "query" and p["name"] == "page" for p in parameters)
        documented = "404" in operation["responses"]
        assert documented == (named or paged or method != "get"), (method, path)
    # A plain list with neither: the contract's fee waivers.
    assert "404" not in schema["paths"]["/api/fee-waivers/"]["get"]["responses"]


def test_400_where_input_is_read(schema: dict[str, Any]) -> None:
    bad = {"$ref": "#/components/schemas/ValidationErrors"}
    paths = schema["paths"]
    for _path, method, operation in operations(schema):
        if method == "post":
            assert operation["responses"]["400"]["content"]["application/json"]["schema"] == bad
    assert "400" in paths["/api/customers/"]["get"]["responses"]  # filters
    assert "400" in paths["/api/customers/{msisdn}/"]["get"]["responses"]  # ?on=
    assert "400" in paths["/api/plans/{id}/"]["get"]["responses"]  # read through filters
    assert "400" not in paths["/api/groups/{id}/"]["get"]["responses"]  # own get_object


def test_409_only_where_a_conflict_is_answered(schema: dict[str, Any]) -> None:
    conflicts = {
        (path, method) for path, method, op in operations(schema) if "409" in op["responses"]
    }
    assert conflicts == {
        ("/api/upgrade-requests/", "post"),
        ("/api/upgrade-requests/{id}/approve/", "post"),
        ("/api/upgrade-requests/{id}/reject/", "post"),
        ("/api/upgrade-requests/{id}/withdraw/", "post"),
        ("/api/service-requests/", "post"),  # a rule refused (D-API-2)
    }


def test_a_declared_response_is_kept(schema: dict[str, Any]) -> None:
    responses = schema["paths"]["/api/points/redemptions/"]["post"]["responses"]
    assert set(responses) >= {"201", "400", "403", "404"}
    assert responses["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RedemptionOutput"
    }


def test_fields_are_nullable_and_blank_as_the_model_allows(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    entry = components["EntryOutput"]["properties"]
    # Found by fuzzing: an accrual's `corrects` is "", a job's entry has no actor.
    assert {"$ref": "#/components/schemas/BlankEnum"} in entry["corrects"]["oneOf"]
    assert entry["actor"]["nullable"] is True
    # A request made at no hall: hall.code reads through a nullable relation.
    assert components["ServiceRequest"]["properties"]["hall"]["nullable"] is True
    # Not nullable where the column is not.
    assert "nullable" not in entry["amount"]
    assert "nullable" not in components["Ticket"]["properties"]["hall"]


def test_an_id_filter_is_documented_as_the_whole_numbers_it_takes(
    schema: dict[str, Any],
) -> None:
    parameters = schema["paths"]["/api/contact-logs/"]["get"]["parameters"]
    group = next(p for p in parameters if p["name"] == "group")
    assert group["schema"] == {
        "type": "integer",
        "format": "int64",
        "minimum": 1,
        "maximum": 2**63 - 1,
    }


def test_a_response_lists_every_field_it_always_sends_as_required(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    request = components["ServiceRequest"]
    assert set(request["required"]) == set(request["properties"])
    # Request bodies keep the serializer's own rule: optional fields stay optional.
    assert "note" not in components["NoteInput"].get("required", [])


def test_an_unknown_api_url_answers_json_404_to_staff(supervisor: Any) -> None:
    client = APIClient()
    client.force_authenticate(supervisor)
    for url in ("/api/plans/0.5/", "/api/no-such-thing/", "/api/upgrade-requests/1.5/approve/"):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, url
            assert response["Content-Type"] == "application/json", url
            assert set(response.json()) == {"detail"}


def test_an_unknown_api_url_answers_json_403_to_the_anonymous() -> None:
    response = Client().get("/api/no-such-thing/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_an_api_url_without_its_slash_is_still_redirected(supervisor: Any) -> None:
    client = Client()
    client.force_login(supervisor)
    response = client.get("/api/plans")
    assert response.status_code == 301
    assert response["Location"] == "/api/plans/"
