"""The settings of issue "Trust" (D-TRUST-10..13): SQLite opened for parallel requests, the
client's address behind the proxy, the shared throttle cache, the periodic sends."""

from __future__ import annotations

import json

from config.settings.base import sqlite_options
from tests.test_settings import PRODUCTION_ENV, run_manage

SHOW = (
    "import json; from django.conf import settings as s; from core.jobs import all_periodic; "
    "print(json.dumps({'proxies': s.TRUSTED_PROXY_COUNT, "
    "'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES'], "
    "'throttle_cache': s.CACHES['throttle']['BACKEND'], "
    "'rates': s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], "
    "'sqlite': s.DATABASES['default'].get('OPTIONS', {}), "
    "'beat': sorted(p.task for p in all_periodic())}))"
)


def test_sqlite_takes_the_write_lock_at_begin_waits_for_it_and_logs_ahead() -> None:
    options = sqlite_options({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"})["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]
    assert "OPTIONS" not in sqlite_options({"ENGINE": "django.db.backends.postgresql"})


def test_production_reads_the_client_behind_one_proxy_and_counts_in_redis() -> None:
    result = run_manage("shell", "-c", SHOW, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert (shown["proxies"], shown["num_proxies"]) == (1, 1)
    assert shown["throttle_cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["rates"] == {"anon": "60/minute", "user": "600/minute"}
    assert shown["sqlite"]["transaction_mode"] == "IMMEDIATE"  # PRODUCTION_ENV's URL is SQLite
    assert shown["beat"] == ["membership.resend_queued_imports", "servicedesk.send_outbox"]


def test_the_rates_and_the_proxies_come_from_the_environment() -> None:
    env = {**PRODUCTION_ENV, "API_THROTTLE_USER": "off", "TRUSTED_PROXY_COUNT": "2"}
    result = run_manage("shell", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["rates"]["user"] is None
    assert (shown["proxies"], shown["num_proxies"]) == (2, 2)
