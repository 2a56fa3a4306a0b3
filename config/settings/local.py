"""The embedded default: SQLite, tasks in-process, DEBUG on, for `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="local-only-key-not-for-production-7c1f0a9e2b4d6f8a0c2e4a6b8d0f2a4c",
)
SMS_INBOUND_SECRET = env(
    "SMS_INBOUND_SECRET", default="local-only-sms-inbound-secret-not-for-production"
)
