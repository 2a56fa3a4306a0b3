"""INSERT … SELECT from a queryset: moved to ``core.sql`` so that every app's batch job
can use it (keyaccounts' SERVICE-14 gifts); kept here for servicedesk's imports."""

from core.sql import insert_select

__all__ = ["insert_select"]
