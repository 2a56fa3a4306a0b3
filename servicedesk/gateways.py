"""NOTICE-1: the SMS gateway interface and the gateways we ship.

A gateway takes one SMS with an idempotency key (the outbox message's cause key) and
returns the gateway's id for it. A gateway that ``deduplicates`` promises that a second
``send`` with the same key does not reach the customer again and returns the first id:
that is what lets the outbox resend a message whose worker died after the gateway accepted
it but before the outbox marked it sent (Decision D-DESK-6).

Which gateway is used: ``settings.SMS_GATEWAY`` (a dotted path), the logging gateway by
default; ``servicedesk.gateways.FileGateway`` writes one file per message under
``settings.SMS_FILE_GATEWAY_DIR`` (default ``demo-outbox/``) for demos.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("servicedesk.sms")


@dataclass(frozen=True)
class OutgoingSms:
    key: str  # idempotency key: the same key is the same message
    recipient: str
    body: str


class GatewayError(Exception):
    """The gateway did not take the message this time (network, throttling): retry later."""


class GatewayRejected(GatewayError):
    """The gateway refused the message for good (bad number, blocked content): do not retry."""


class SmsGateway(Protocol):
    deduplicates: bool

    def send(self, sms: OutgoingSms) -> str:
        """Hand ``sms`` over; return the gateway's id. Raise GatewayError to retry later."""
        ...


def mask_number(msisdn: str) -> str:
    """Logs show 139****0001, never the whole number."""
    return f"{msisdn[:3]}****{msisdn[-4:]}" if len(msisdn) == 11 else "***"


class LoggingGateway:
    """The default: writes a log line instead of sending. It keeps no memory between
    processes, so it does not claim to deduplicate."""

    deduplicates = False

    def send(self, sms: OutgoingSms) -> str:
        logger.info("SMS to %s [%s]: %s", mask_number(sms.recipient), sms.key, sms.body)
        return f"log:{sms.key}"


class FileGateway:
    """For demos: one text file per message in a folder; deduplicates by the key (the file
    is created exclusively, so a second send of the same key finds it and stops)."""

    deduplicates = True

    def __init__(self, directory: str | Path | None = None) -> None:
        default = Path(settings.BASE_DIR) / "demo-outbox"
        chosen = directory or getattr(settings, "SMS_FILE_GATEWAY_DIR", None) or default
        self.directory = Path(chosen)

    def path_for(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        return self.directory / f"{digest}.txt"

    def send(self, sms: OutgoingSms) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(sms.key)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(f"To: {sms.recipient}\nKey: {sms.key}\n\n{sms.body}\n")
        except FileExistsError:
            logger.info("SMS %s already handed over; not sent again", sms.key)
        except OSError as exc:
            raise GatewayError(str(exc)) from exc
        return f"file:{path.name}"


def get_gateway() -> SmsGateway:
    path = getattr(settings, "SMS_GATEWAY", "servicedesk.gateways.LoggingGateway")
    gateway: SmsGateway = import_string(path)()
    return gateway
