"""`access_table`: print URL_ACCESS as the Markdown table of docs/access.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.access import access_table


class Command(BaseCommand):
    help = "Print the access matrix (core/access.py URL_ACCESS) as docs/access.md's table."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(access_table(), ending="")
