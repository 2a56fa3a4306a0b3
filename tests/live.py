"""A real server process on the test's database, for tests of real parallel requests.

``live_server(tmp_path)`` starts gunicorn (threaded workers, several processes) on the data
the test made:

- PostgreSQL: the test database itself (the test is transactional, so its rows are
  committed and the server sees them);
- SQLite: pytest-django's test database lives in memory, where no other process can reach
  it, so the server gets a *file* copy of it (sqlite3's backup API) — the embedded default's
  shape, one file shared by every process — and the file is copied back into the test's
  database when the server stops, so the test asserts through the ORM either way.

The server runs the settings the test names (default ``config.settings.test``) with the
database's ``DATABASE_URL``; extra variables go through ``env``.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.workers import database_url, stop_process

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class LiveServer:
    host: str
    port: int
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        data: Any = None,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> Response:
        """One request on a connection of its own: ``data`` as JSON, or ``form`` fields (with
        ``files``, name → (file name, content), as multipart); the raw body back."""
        sent = {"Accept": "application/json", **self.headers, **(headers or {})}
        body: bytes | None = None
        if data is not None:
            body, sent["Content-Type"] = json.dumps(data).encode(), "application/json"
        elif files:
            body, sent["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            reply = conn.getresponse()
            return Response(reply.status, reply.read())
        finally:
            conn.close()

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    boundary = f"----live{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def in_parallel(calls: list[Any], *, timeout: float = 120) -> list[Any]:
    """Start every call at the same moment, each on a thread of its own; returns the results
    (or the exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def _sqlite_copy_out(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _sqlite_copy_back(source: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(source) as original:
        original.backup(connection.connection)
    original.close()


@contextmanager
def server_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of the test's data for a server process (see the module docstring)."""
    if connection.vendor == "postgresql":
        yield database_url()
        return
    if connection.vendor != "sqlite":  # pragma: no cover
        pytest.skip(f"no server database for {connection.vendor}")
    path = tmp_path / "server.sqlite3"
    _sqlite_copy_out(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        _sqlite_copy_back(path)


@contextmanager
def _database(tmp_path: Path, given: str | None) -> Iterator[str]:
    if given is not None:
        yield given
        return
    with server_database(tmp_path) as url:
        yield url


def server_execute(url: str, sql: str, params: list[Any]) -> tuple[int, list[tuple[Any, ...]]]:
    """Run one statement on a server's database (``server_database``'s URL) while the server
    or a worker holds it, in autocommit: ``%s`` placeholders, datetimes adapted as Django
    stores them. Returns the row count and the rows (of a SELECT)."""
    if url.startswith("sqlite:///"):
        values = [
            connection.ops.adapt_datetimefield_value(v) if hasattr(v, "tzinfo") else v
            for v in params
        ]
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20) as db:
            done = db.execute(sql.replace("%s", "?"), values)
            result = int(done.rowcount), done.fetchall()
        db.close()
        return result
    with connection.cursor() as cursor:  # PostgreSQL: the test database itself
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        return int(cursor.rowcount), list(rows)


def server_argv(port: int, *, workers: int, threads: int) -> list[str]:
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--worker-class=gthread",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        "--log-level=warning",
    ]


@contextmanager
def live_server(
    tmp_path: Path,
    *,
    settings_module: str = "config.settings.test",
    env: Mapping[str, str] | None = None,
    workers: int = 2,
    threads: int = 10,
    database: str | None = None,
) -> Iterator[LiveServer]:
    """gunicorn on the test's data, stopped (and, on SQLite, its data copied back) on exit;
    or on ``database`` (a URL from ``server_database``, which the caller holds open)."""
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    with _database(tmp_path, database) as url:
        child_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "false",
            "REDIS_URL": "",
            **(env or {}),
        }
        child_env.pop("GOTONE_TEST_NOW", None)  # the server cannot follow the test's clock
        process = subprocess.Popen(
            server_argv(port, workers=workers, threads=threads),
            cwd=ROOT,
            env=child_env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        server = LiveServer("127.0.0.1", port, log)
        try:
            _wait_until_up(server, process)
            yield server
        finally:
            stop_process(process, timeout=30)


def _wait_until_up(server: LiveServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited at start:\n{server.log_tail()}")
        try:
            with socket.create_connection((server.host, server.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not start in {START_SECONDS} s:\n{server.log_tail()}")
