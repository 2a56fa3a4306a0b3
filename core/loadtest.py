"""A small HTTP load generator for loopback benchmarks, standard library only.

`run_load` starts `clients` threads against a server on this machine, each with one
persistent HTTP/1.1 connection, and measures for a fixed time: a warm-up that is not
recorded, then the recorded window. A request counts when its response (body included)
was read inside the window; its latency is measured from the moment it was sent, so a
request sent during the warm-up and answered after it counts with its whole latency. A
request still in flight at the deadline is abandoned (the socket times out at the
deadline) and not counted: the run ends on time even against a server that hangs.

It refuses any host but the loopback: the project never sends traffic beyond this machine.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# After a connection error a client waits this long before it reconnects, so a server
# that is down is not hammered by a busy loop of refused connections.
_ERROR_BACKOFF = 0.05

# How long past the deadline the caller waits for the clients before giving up on them
# (they are daemon threads; every socket operation already times out at the deadline).
_JOIN_GRACE = 5.0


@dataclass
class LoadResult:
    clients: int
    seconds: float  # wall time actually measured
    requests: int  # completed requests (any status)
    errors: int  # non-2xx statuses + connection errors
    rps: float  # requests / seconds
    p50_ms: float
    p95_ms: float
    max_ms: float


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile of `values` (0 <= p <= 100) by nearest rank: the smallest value
    such that at least p % of the values are less than or equal to it."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {p}")
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]


def format_result(r: LoadResult) -> str:
    """One line, e.g. `4 clients, 10.0 s: 1,234 requests (123.4/s), p50 8.1 ms, …`."""
    clients = "1 client" if r.clients == 1 else f"{r.clients:,} clients"
    errors = "1 error" if r.errors == 1 else f"{r.errors:,} errors"
    return (
        f"{clients}, {r.seconds:.1f} s: {r.requests:,} requests ({r.rps:,.1f}/s), "
        f"p50 {r.p50_ms:.1f} ms, p95 {r.p95_ms:.1f} ms, max {r.max_ms:.1f} ms, {errors}"
    )


@dataclass
class _Target:
    host: str
    port: int | None
    prefix: str


def _loopback_target(base_url: str) -> _Target:
    parts = urlsplit(base_url)
    if parts.scheme != "http":
        raise ValueError(f"load tests speak plain http to the loopback, not {base_url!r}")
    host = parts.hostname or ""
    if host not in LOOPBACK_HOSTS:
        raise ValueError(
            f"load tests run against the loopback only (127.0.0.1, localhost, ::1), "
            f"not {host or base_url!r}"
        )
    if parts.username is not None or parts.query or parts.fragment:
        raise ValueError(f"base_url is a scheme, host, port and path only, not {base_url!r}")
    return _Target(host=host, port=parts.port, prefix=parts.path.rstrip("/"))


@dataclass
class _Window:
    """The run's timeline in time.perf_counter() seconds, fixed before any client sends."""

    record_from: float = 0.0
    deadline: float = 0.0


@dataclass
class _Client:
    target: _Target
    paths: list[str]
    offset: int
    headers: dict[str, str] = field(repr=False)  # may carry a token
    window: _Window
    go: threading.Event
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    failure: Exception | None = None

    def run(self) -> None:
        try:
            self.go.wait()
            self._loop()
        except Exception as exc:  # a bug here, not a server error: re-raised by run_load
            self.failure = exc

    def _loop(self) -> None:
        window = self.window
        conn: http.client.HTTPConnection | None = None
        i = self.offset
        try:
            while (remaining := window.deadline - time.perf_counter()) > 0:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        self.target.host, self.target.port, timeout=remaining
                    )
                # Every socket operation gives up at the deadline.
                conn.timeout = remaining
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                path = self.paths[i % len(self.paths)]
                i += 1
                sent = time.perf_counter()
                try:
                    conn.request("GET", path, headers=self.headers)
                    response = conn.getresponse()
                    response.read()
                    status: int | None = response.status
                except (OSError, http.client.HTTPException):
                    status = None
                done = time.perf_counter()
                if done > window.deadline:
                    break  # in flight at the deadline: not counted
                recorded = done >= window.record_from
                if status is None:
                    conn.close()
                    conn = None
                    if recorded:
                        self.errors += 1
                    time.sleep(max(0.0, min(_ERROR_BACKOFF, window.deadline - done)))
                    continue
                if recorded:
                    self.requests += 1
                    self.latencies.append(done - sent)
                    if not 200 <= status < 300:
                        self.errors += 1
        finally:
            if conn is not None:
                conn.close()


def run_load(
    base_url: str,
    paths: Sequence[str],
    *,
    clients: int,
    seconds: float,
    headers: Mapping[str, str] | None = None,
    warmup: float = 1.0,
) -> LoadResult:
    """GET `paths` (relative to `base_url`, cycled) from `clients` concurrent connections
    for `warmup` seconds unrecorded, then `seconds` recorded, and sum up what was recorded.

    `requests` counts responses of any status; `errors` counts non-2xx responses plus
    failed attempts (connection refused or reset, malformed response), which have no
    latency and are not in `requests`.
    """
    target = _loopback_target(base_url)
    if isinstance(paths, str):
        raise TypeError("paths is a sequence of paths, not one string")
    if not paths:
        raise ValueError("no paths to request")
    for path in paths:
        if not path.startswith("/"):
            raise ValueError(f"a path starts with '/', not {path!r}")
    if clients < 1:
        raise ValueError(f"clients must be at least 1, not {clients}")
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, not {seconds}")
    if not warmup >= 0:
        raise ValueError(f"warmup must not be negative, not {warmup}")

    urls = [target.prefix + path for path in paths]
    window = _Window()
    go = threading.Event()
    # Spread the clients' starting points evenly over the paths.
    workers = [
        _Client(
            target=target,
            paths=urls,
            offset=(n * len(urls)) // clients,
            headers=dict(headers or {}),
            window=window,
            go=go,
        )
        for n in range(clients)
    ]
    threads = [
        threading.Thread(target=w.run, name=f"loadtest-{n}", daemon=True)
        for n, w in enumerate(workers)
    ]
    for thread in threads:
        thread.start()

    started = time.perf_counter()
    window.record_from = started + warmup
    window.deadline = window.record_from + seconds
    go.set()
    for thread in threads:
        thread.join(timeout=max(0.0, window.deadline + _JOIN_GRACE - time.perf_counter()))
    ended = min(time.perf_counter(), window.deadline)

    for w in workers:
        if w.failure is not None:
            raise w.failure

    measured = max(0.0, ended - window.record_from)
    latencies = [x for w in workers for x in list(w.latencies)]
    requests = sum(w.requests for w in workers)
    errors = sum(w.errors for w in workers)

    def ms(p: float) -> float:
        return percentile(latencies, p) * 1000 if latencies else 0.0

    return LoadResult(
        clients=clients,
        seconds=measured,
        requests=requests,
        errors=errors,
        rps=requests / measured if measured > 0 else 0.0,
        p50_ms=ms(50),
        p95_ms=ms(95),
        max_ms=ms(100),
    )
