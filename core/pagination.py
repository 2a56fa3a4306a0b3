"""Paging a list that grows with the province without counting it whole."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``CAP + 1`` rows: ``SELECT COUNT(*) FROM (… LIMIT CAP + 1)``, so a
    list of a million customers reads ten thousand index entries, not a million.

    Up to the cap the count is exact. Past it ``capped`` is true, the screen shows
    "CAP+" and its page links stop at the cap; a search or a filter narrows the list to
    an exact count again. Screens only: the API's lists keep an exact count, since their
    next links must run to the last page.
    """

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        return self.object_list.order_by()[: self.CAP + 1].count()

    @cached_property
    def capped(self) -> bool:
        return self.count > self.CAP
