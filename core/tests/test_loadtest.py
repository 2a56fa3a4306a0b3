"""The loopback load generator (core.loadtest), against a tiny in-process HTTP server.

No database: the server is a ThreadingHTTPServer on 127.0.0.1 that answers 200 for /ok,
500 for /bad, hangs on /slow, and records what it saw.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from core.loadtest import LoadResult, format_result, percentile, run_load


@dataclass
class Seen:
    path: str
    authorization: str | None
    client_port: int


@dataclass
class Server:
    base_url: str
    keep_alive: bool
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)

    def paths(self) -> Counter[str]:
        with self.lock:
            return Counter(s.path for s in self.seen)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on /slow leaves a broken pipe behind


def _serve(*, keep_alive: bool) -> Iterator[Server]:
    server_state: Server

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def do_GET(self) -> None:
            with server_state.lock:
                server_state.seen.append(
                    Seen(self.path, self.headers.get("Authorization"), self.client_address[1])
                )
            if self.path == "/slow":
                server_state.release.wait(5)
            status = 500 if self.path == "/bad" else 200
            body = b"no" if status == 500 else b"ok"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = _QuietServer(("127.0.0.1", 0), Handler)
    host, port = httpd.server_address[:2]
    server_state = Server(base_url=f"http://{host!s}:{port}", keep_alive=keep_alive)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server_state
    finally:
        server_state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve(keep_alive=True)


@pytest.fixture
def closing_server() -> Iterator[Server]:
    """A server that closes the connection after every response (as gunicorn's sync
    workers do)."""
    yield from _serve(keep_alive=False)


def _run(server: Server, paths: list[str], **options: Any) -> LoadResult:
    options = {"clients": 2, "seconds": 0.4, "warmup": 0.1, **options}
    return run_load(server.base_url, paths, **options)


# percentile ------------------------------------------------------------------------


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1 … 20, given out of order below
    shuffled = values[10:] + values[:10]
    assert percentile(shuffled, 50) == 10.0
    assert percentile(shuffled, 95) == 19.0
    assert percentile(shuffled, 100) == 20.0
    assert percentile(shuffled, 0) == 1.0
    assert percentile(shuffled, 5) == 1.0
    assert percentile(shuffled, 5.1) == 2.0


def test_percentile_of_a_short_list() -> None:
    assert percentile([15.0, 20.0, 35.0, 40.0, 50.0], 30) == 20.0
    assert percentile([15.0, 20.0, 35.0, 40.0, 50.0], 40) == 20.0
    assert percentile([15.0, 20.0, 35.0, 40.0, 50.0], 50) == 35.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_refuses_no_values_and_a_p_out_of_range() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], -1)


# format_result ---------------------------------------------------------------------


def test_format_result_is_one_readable_line() -> None:
    result = LoadResult(
        clients=4,
        seconds=10.0,
        requests=1234,
        errors=0,
        rps=123.4,
        p50_ms=8.1,
        p95_ms=15.2,
        max_ms=40.0,
    )
    assert format_result(result) == (
        "4 clients, 10.0 s: 1,234 requests (123.4/s), p50 8.1 ms, p95 15.2 ms, "
        "max 40.0 ms, 0 errors"
    )


def test_format_result_speaks_of_one_client_and_one_error() -> None:
    result = LoadResult(1, 2.0, 10, 1, 5.0, 1.0, 2.0, 3.0)
    assert format_result(result).startswith("1 client, 2.0 s: 10 requests (5.0/s)")
    assert format_result(result).endswith(", 1 error")


# run_load --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com",
        "http://10.0.0.5:8000",
        "http://192.168.1.1/",
        "http://127.0.0.1.example.com:8000",
        "http://localhost.example.com",
        "http://0.0.0.0:8000",
        "https://127.0.0.1:8000",
        "ftp://127.0.0.1",
        "127.0.0.1:8000",
    ],
)
def test_it_refuses_anything_but_the_loopback(base_url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        run_load(base_url, ["/"], clients=1, seconds=0.1, warmup=0)


def test_it_refuses_bad_arguments_before_sending_anything(server: Server) -> None:
    with pytest.raises(ValueError, match="no paths"):
        run_load(server.base_url, [], clients=1, seconds=0.1)
    with pytest.raises(ValueError, match="starts with '/'"):
        run_load(server.base_url, ["http://example.com/"], clients=1, seconds=0.1)
    with pytest.raises(ValueError, match="clients"):
        run_load(server.base_url, ["/ok"], clients=0, seconds=0.1)
    with pytest.raises(ValueError, match="seconds"):
        run_load(server.base_url, ["/ok"], clients=1, seconds=0)
    assert server.seen == []


def test_it_counts_requests_and_errors(server: Server) -> None:
    result = _run(server, ["/ok", "/bad"], clients=1)

    assert result.clients == 1
    assert result.requests > 4
    # One client alternates /ok and /bad: about half the recorded requests fail.
    assert abs(result.errors * 2 - result.requests) <= 2
    assert result.rps == pytest.approx(result.requests / result.seconds)
    assert result.seconds == pytest.approx(0.4, abs=0.05)
    assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
    # The warm-up's requests reached the server but are not in the result.
    assert len(server.seen) > result.requests


def test_a_run_of_good_paths_has_no_errors(server: Server) -> None:
    result = _run(server, ["/ok"], clients=3)

    assert result.requests > 0
    assert result.errors == 0
    assert server.paths().keys() == {"/ok"}


def test_it_sends_the_headers_with_every_request(server: Server) -> None:
    _run(server, ["/ok", "/bad"], headers={"Authorization": "Token abc123"})

    assert server.seen
    assert {s.authorization for s in server.seen} == {"Token abc123"}


def test_it_cycles_through_all_paths_from_different_offsets(server: Server) -> None:
    paths = [f"/ok?n={n}" for n in range(4)]
    _run(server, paths, clients=4, seconds=0.3)

    seen = server.paths()
    assert seen.keys() == set(paths)
    # Four clients start at four different paths and cycle: an even spread.
    assert max(seen.values()) - min(seen.values()) <= 4


def test_each_client_keeps_its_connection_alive(server: Server) -> None:
    result = _run(server, ["/ok", "/bad"], clients=2)

    assert result.requests > 4
    # A 500 does not cost the connection either: two clients, two connections.
    assert len({s.client_port for s in server.seen}) == 2


def test_it_reconnects_when_the_server_closes_each_connection(closing_server: Server) -> None:
    result = _run(closing_server, ["/ok"], clients=2)

    assert result.requests > 4
    assert result.errors == 0
    assert len({s.client_port for s in closing_server.seen}) > 2


def test_it_stops_at_the_deadline_and_drops_the_request_in_flight(server: Server) -> None:
    started = time.perf_counter()
    result = _run(server, ["/slow"], clients=2, seconds=0.3, warmup=0.1)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.4 + 2.0
    assert server.paths()["/slow"] == 2  # each client sent one, and gave up on it
    assert result.requests == 0
    assert result.errors == 0
    assert result.p50_ms == result.p95_ms == result.max_ms == 0.0
    assert result.rps == 0.0


def test_a_run_stops_in_time(server: Server) -> None:
    started = time.perf_counter()
    result = _run(server, ["/ok", "/bad"], clients=4, seconds=0.5, warmup=0.2)
    elapsed = time.perf_counter() - started

    assert result.requests > 0
    assert 0.7 <= elapsed < 0.7 + 2.0


def test_connection_errors_count_as_errors() -> None:
    with socket.socket() as probe:  # a port on which nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = run_load(f"http://127.0.0.1:{port}", ["/ok"], clients=2, seconds=0.3, warmup=0)

    assert result.requests == 0
    assert result.errors > 0
    assert result.max_ms == 0.0


def test_base_url_may_name_localhost_and_a_path_prefix(server: Server) -> None:
    port = server.base_url.rsplit(":", 1)[1]
    result = run_load(f"http://localhost:{port}/prefix/", ["/ok"], clients=1, seconds=0.2, warmup=0)

    assert result.requests > 0
    assert server.paths().keys() == {"/prefix/ok"}
