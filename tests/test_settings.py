"""The production settings pass Django's deployment checklist and demand their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "Zq8#vK2!pL9@xW4$mN7%rT1^bY6&cH3*dJ5(fG0)sA-eU+iO=kP~" * 2,
    "ALLOWED_HOSTS": "backoffice.example.cn",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_check_deploy_with_no_warning() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_runs_without_a_database_url_and_says_it_is_missing() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gotone.W001" in result.stderr + result.stdout
    assert "DATABASE_URL is not set" in result.stderr + result.stdout
