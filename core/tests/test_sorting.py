"""Sorting a list screen by its column headers (core.sorting, D-HOUSE-10)."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.template import Context, Template
from django.test import RequestFactory

from core.sorting import Sorting, SortState

SORTING = Sorting({"name": ("name",), "opened": ("-created_at", "name")}, default="-opened")


def state(query: str = "") -> SortState:
    return SORTING.read(RequestFactory().get(f"/list/?{query}"))


def test_no_or_an_unknown_sort_is_the_default() -> None:
    assert state().value == "-opened"
    assert state("sort=password").value == "-opened"
    assert state("sort=--name").value == "-opened"


def test_the_fields_turn_round_when_descending_and_the_key_breaks_ties() -> None:
    assert state("sort=name").order_by() == ["name", "pk"]
    assert state("sort=-name").order_by() == ["-name", "-pk"]
    assert state("sort=opened").order_by() == ["-created_at", "name", "pk"]
    assert state("sort=-opened").order_by() == ["created_at", "-name", "-pk"]


def test_the_header_keeps_the_filters_drops_the_page_and_turns_the_order() -> None:
    sort = state("q=%E5%BC%A0&page=3&sort=name&format=csv")
    name = sort.header("name")
    assert name["current"]
    assert name["aria_sort"] == "ascending"
    assert name["url"] == "?q=%E5%BC%A0&sort=-name"
    opened = sort.header("opened")
    assert not opened["current"]
    assert opened["aria_sort"] == ""
    assert opened["url"] == "?q=%E5%BC%A0&sort=opened"
    assert state("sort=-name").header("name")["url"] == "?sort=name"


def test_a_default_that_is_not_a_column_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not a column"):
        Sorting({"name": ("name",)}, default="age")


def test_the_template_tag_draws_aria_sort_on_the_sorted_column_only() -> None:
    template = Template(
        '{% load sorting %}{% sort_header sort "name" "Name" %}'
        '{% sort_header sort "opened" "Opened" "num" %}'
    )
    html = template.render(Context({"sort": state("sort=-name")}))
    assert '<th aria-sort="descending"><a href="?sort=name" data-sort="name">Name' in html
    assert '<th class="num"><a href="?sort=opened" data-sort="opened">Opened</a></th>' in html
    assert html.count("aria-sort") == 1


def test_a_second_table_sorts_on_its_own_parameter_and_keeps_the_first_ones() -> None:
    second = Sorting({"role": ("role",)}, default="role", param="kp_sort", page_param="")
    sort = second.read(RequestFactory().get("/group/?sort=name&page=2&kp_sort=-role"))
    assert (sort.param, sort.value, sort.order_by()) == ("kp_sort", "-role", ["-role", "-pk"])
    assert sort.header("role")["url"] == "?sort=name&page=2&kp_sort=role"
    assert second.read(RequestFactory().get("/group/?sort=-role")).value == "role"


def test_missing_values_go_to_the_other_end_when_the_order_turns() -> None:
    sorting = Sorting({"last": (F("last").asc(nulls_first=True),)}, default="last")
    up = sorting.read(RequestFactory().get("/list/?sort=last")).order_by()
    down = sorting.read(RequestFactory().get("/list/?sort=-last")).order_by()
    assert up[0] == F("last").asc(nulls_first=True)
    assert down[0] == F("last").desc(nulls_last=True)
    assert (up[1], down[1]) == ("pk", "-pk")
