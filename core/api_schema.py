"""The API schema's error responses, added to every operation in one place (decision D-API-1).

drf-spectacular documents what a view answers when all goes well. This AutoSchema adds, to
each operation, the errors the API can actually answer it with, from what the operation is:

- ``400`` (body ``ValidationErrors``): the operation takes a request body or query
  parameters, or its view filters the object it reads (a filter set on a detail view):
  field messages by field name, or ``{"detail", "code"}`` when a rule of a service refuses
  (a ``DomainError`` the app's API module translates to 400);
- ``403`` (``Error``), every operation: not signed in, a role the access matrix
  (core/access.py) does not name, or an object-level rule (a customer changed only at the
  counter, a group not the manager's). Sessions come first in the authentication classes,
  so DRF answers a missing or bad login with 403, never 401;
- ``404`` (``Error``): the path names an object (``{id}``, ``{msisdn}``), the list is paged
  (a page past the end), or the operation writes (its body names a customer, a group or a
  key person by number or id);
- ``409`` (``Error``): writes of a view that sets ``domain_conflicts = True`` (its
  DomainError translation answers ``code="conflict"`` with 409: the object changed meanwhile);
- ``429`` (``Error``): operations of a view with throttles.

A status an operation declares itself (``extend_schema(responses={409: ...})``) is kept as
declared. Transport-level refusals that no well-formed call meets (405, 406, 415) are not
documented.

Fields, too, are documented as the model makes them. A field of a model serializer that
reads a column through ``source`` is nullable when that column, or a relation on the way to
it (``source="hall.code"``), may be null; a choice field over a column with ``blank=True``
takes "" too. DRF drops these facts from read-only fields (``read_only_fields`` loses
``allow_blank``; a declared ``SlugRelatedField`` never had ``allow_null``), so the schema
said ``corrects`` was never "" and ``actor`` never null.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: what went wrong, in words staff can read.",
    "properties": {
        "detail": {"type": "string", "description": "The message."},
        "code": {
            "type": "string",
            "description": "Machine-readable reason, where a rule of the programme refused.",
        },
    },
    "required": ["detail"],
}

VALIDATION_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Malformed input: each bad field (or filter) with its messages, `non_field_errors` "
        "for the input as a whole; or `detail` and `code` when a rule of the programme "
        "refuses the request, or the body is not valid JSON."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
        ]
    },
}

DESCRIPTIONS = {
    "400": "Malformed input, or a rule of the programme refuses the request.",
    "403": "Not signed in, or the user's role or object-level access does not allow this.",
    "404": "No such object (or no such page of the list).",
    "409": "A rule refused the change: the object changed meanwhile.",
    "429": "Too many requests; try again later.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error responses each operation can answer."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: Any,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for status in self.error_statuses(operation):
            if status not in responses:
                responses[status] = self._error_response(status)
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[str]:
        """The error statuses the operation can answer (see the module's docstring)."""
        parameters = operation.get("parameters", [])
        places = {(p.get("in"), p.get("name")) for p in parameters}
        writes = self.method not in SAFE_METHODS
        query = {name for place, name in places if place == "query"}
        statuses = []
        if "requestBody" in operation or query - {"page"} or self._filters_its_object():
            statuses.append("400")
        statuses.append("403")
        if writes or "page" in query or any(place == "path" for place, _name in places):
            statuses.append("404")
        if writes and getattr(self.view, "domain_conflicts", False):
            statuses.append("409")
        if getattr(self.view, "throttle_classes", None):
            statuses.append("429")
        return statuses

    def _filters_its_object(self) -> bool:
        """A detail view that reads its object through the filter set: DRF's get_object runs
        ``filter_queryset``, and django-filter answers a bad filter value with 400."""
        view = self.view
        return (
            not self._is_list_view()
            and getattr(view, "filterset_class", None) is not None
            and bool(getattr(view, "filter_backends", None))
            and getattr(type(view), "get_object", None) is GenericAPIView.get_object
        )

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        column = model_column(field)
        if column is not None:
            may_be_null, may_be_blank = column
            if may_be_null and not field.allow_null:
                field.allow_null = True
            if (
                may_be_blank
                and isinstance(field, serializers.ChoiceField)
                and not field.allow_blank
            ):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(schema, dict) and "properties" in schema:
            readable = {
                name
                for name, field in serializer.fields.items()
                if not field.write_only and name in schema["properties"]
            }
            schema["required"] = sorted(readable | set(schema.get("required", [])))
        return schema

    def _error_response(self, status: str) -> dict[str, Any]:
        if status == "400":
            component = self._component("ValidationErrors", VALIDATION_ERRORS_SCHEMA)
        else:
            component = self._component("Error", ERROR_SCHEMA)
        return {
            "description": DESCRIPTIONS[status],
            "content": {"application/json": {"schema": component.ref}},
        }

    def _component(self, name: str, schema: dict[str, Any]) -> ResolvedComponent:
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            schema=schema,
            object=f"{__name__}.{name}",
        )
        self.registry.register_on_missing(component)
        return component


def model_column(field: Any) -> tuple[bool, bool] | None:
    """For a field of a model serializer that reads model fields through its ``source``:
    (may it be null, may it be blank). None when the source is not a path of model fields
    (a method, a property, the whole object)."""
    serializer = getattr(field, "parent", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None)
    if model is None or not attrs or getattr(field, "source", "*") == "*":
        return None
    may_be_null = False
    model_field: Any = None
    for attr in attrs:
        if model is None:
            return None
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if isinstance(model_field, models.Field):
            may_be_null = may_be_null or model_field.null
        elif model_field.one_to_one:
            # A reverse one-to-one reads as None when the row is missing.
            may_be_null = True
        else:
            return None  # a reverse many: a list, not a column
        model = model_field.related_model if model_field.is_relation else None
    blank = isinstance(model_field, models.Field) and model_field.blank
    return may_be_null, bool(blank)
