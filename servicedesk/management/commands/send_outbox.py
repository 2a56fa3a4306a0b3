"""send_outbox: NOTICE-1, send the SMS that are due (what the Celery task does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from servicedesk.services.outbox import outbox_send_due


class Command(BaseCommand):
    help = "NOTICE-1: send the outbox messages that are due. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gateway",
            help="dotted path of a gateway class (default: settings.SMS_GATEWAY), "
            "e.g. servicedesk.gateways.FileGateway",
        )

    def handle(self, *args: Any, gateway: str | None = None, **options: Any) -> None:
        chosen = import_string(gateway)() if gateway else None
        counts = outbox_send_due(gateway=chosen)
        self.stdout.write(
            "outbox: {sent} sent, {retry} to retry, {failed} failed, "
            "{recovered} taken back from dead workers".format(**counts)
        )
