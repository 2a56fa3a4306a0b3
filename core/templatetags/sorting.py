"""``{% sort_header sort "key" _("Label") %}``: a sortable column header (core.sorting).

It draws the ``<th>`` with ``aria-sort`` on the column the list is sorted by and a link
that sorts by the column (or turns the order round when it already does), keeping the
filters. ``css`` adds a class to the cell (``num`` for figures)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.sorting import SortState

register = template.Library()


@register.simple_tag
def sort_header(sort: SortState, key: str, label: str, css: str = "") -> SafeString:
    header = sort.header(key)
    if header["current"]:
        arrow = "▼" if sort.descending else "▲"
        hint = _("sorted descending") if sort.descending else _("sorted ascending")
        return format_html(
            '<th{} aria-sort="{}"><a href="{}" data-sort="{}">{} '
            '<span aria-hidden="true">{}</span><span class="visually-hidden">（{}）</span></a></th>',
            format_html(' class="{}"', css) if css else "",
            header["aria_sort"],
            header["url"],
            key,
            label,
            arrow,
            hint,
        )
    return format_html(
        '<th{}><a href="{}" data-sort="{}">{}</a></th>',
        format_html(' class="{}"', css) if css else "",
        header["url"],
        key,
        label,
    )
