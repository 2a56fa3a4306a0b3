"""Test settings: SQLite in memory by default, PostgreSQL when DATABASE_URL is set."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-key-not-secret-3f9a1c7e5b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e"
SMS_INBOUND_SECRET = "test-sms-inbound-secret-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# The billing exports of a test run go to a throw-away directory (tests point it elsewhere).
EXPORT_ROOT = Path(tempfile.gettempdir()) / "gotone-test-exports"

# No API throttling in the suite (a test of the throttles sets its own rates), and its counts,
# if any, in this process's memory even when REDIS_URL is set (decisions.md D-TRUST-12).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    },
}

# Unit tests run tasks inline; the worker tests switch this off for their own round-trip.
CELERY_TASK_ALWAYS_EAGER = True
REDIS_URL = env("REDIS_URL", default="")
