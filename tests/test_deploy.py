"""The production shape as deploy/ ships it (README, "The production shape"; D-OPS-1..6)."""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVICE_ENV = {"DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "TZ"}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_ENV}
    return {**env, **extra}


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "Zq8#vK2!pL9@xW4$mN7%rT1^bY6&cH3*dJ5(fG0)sA-eU+iO=kP~" * 2,
    "ALLOWED_HOSTS": "testserver",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def test_the_environment_example_names_every_variable_production_reads() -> None:
    """Every name the production settings ask the ``env`` object for (recorded while they
    load), and every one gunicorn.conf.py reads, is in deploy/gotone.env.example."""
    code = (
        "import environ, importlib, json\n"
        "seen = set()\n"
        "get_value = environ.Env.get_value\n"
        "def spy(self, var, *args, **kwargs):\n"
        "    seen.add(var)\n"
        "    return get_value(self, var, *args, **kwargs)\n"
        "environ.Env.get_value = spy\n"
        "importlib.import_module('config.settings.production')\n"
        "print(json.dumps(sorted(seen)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(**PRODUCTION_ENV, DATABASE_URL="postgres://gotone@127.0.0.1:5432/gotone"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    read = set(json.loads(result.stdout))
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", gunicorn))
    example = (DEPLOY / "gotone.env.example").read_text()
    named = set(re.findall(r"^#?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "GUNICORN_BIND"} <= read
    assert sorted(read - named) == []
    assert {"DJANGO_SETTINGS_MODULE", "TZ"} <= named


def test_gunicorn_logs_in_the_programme_time_zone_whatever_the_machine() -> None:
    """D-OPS-4: the master process never loads Django; the config file sets its zone."""
    conf = DEPLOY / "gunicorn.conf.py"
    code = (
        f"import runpy, time; ns = runpy.run_path({str(conf)!r}); "
        "print(ns['PROGRAMME_TIME_ZONE'], time.strftime('%z'), ns['control_socket_disable'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(TZ="UTC"),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    zone, offset, no_socket = result.stdout.split()
    assert zone == settings.TIME_ZONE
    assert offset == "+0800"
    assert no_socket == "True"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / name)
    return unit


def test_each_process_has_a_unit_that_keeps_it_running() -> None:
    commands = {
        "gotone-web.service": "/srv/gotone/.venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi",
        "gotone-worker.service": "/srv/gotone/.venv/bin/celery -A config worker",
        "gotone-beat.service": "/srv/gotone/.venv/bin/celery -A config beat",
    }
    for name, command in commands.items():
        service = _unit(name)["Service"]
        assert service["ExecStart"].startswith(command), name
        assert service["EnvironmentFile"] == "/etc/gotone/gotone.env", name
        assert service["WorkingDirectory"] == "/srv/gotone", name
        assert service["Restart"] == "always", name
        assert service["User"] == "gotone", name
        assert service["Environment"] == f"TZ={settings.TIME_ZONE}", name
    assert (DEPLOY / "gunicorn.conf.py").exists()


def test_production_redirects_to_https_except_the_health_check_and_its_cookies_are_secure(
    tmp_path: Path,
) -> None:
    """D-OPS-5, through the production settings (a scratch SQLite file as the database)."""
    code = """
import json
from django.test import Client
from django.test.utils import override_settings
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()  # no collectstatic here: the manifest storage would refuse to render
client = Client()
out = {
    "health_http": client.get("/healthz").status_code,
    "login_http": [client.get("/accounts/login/").status_code,
                   client.get("/accounts/login/").headers.get("Location")],
    "static_http": client.get("/static/css/app.css").status_code,
}
page = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
out["login_https"] = page.status_code
out["csrf_cookie_secure"] = bool(page.cookies["csrftoken"]["secure"])
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_clean_env(**PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["health_http"] == 200
    assert seen["login_http"] == [301, "https://testserver/accounts/login/"]
    assert seen["static_http"] == 301
    assert seen["login_https"] == 200
    assert seen["csrf_cookie_secure"] is True
