"""What operators scrape at GET /metrics (Prometheus text format): one registry per process."""

import hmac
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

if TYPE_CHECKING:  # types the standard library declares only for type checkers
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication as WSGIApp

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "userimport_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "userimport_http_request_duration_seconds",
    "Time from a request's start to the end of its answer, by route template.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
IMPORTS = Counter(
    "userimport_imports",
    "Import attempts that ended here, by outcome (completed, validated, failed) and whether a "
    "job (jobs end in the worker that commits them).",
    ["outcome", "job"],
    registry=REGISTRY,
)
SCIM_OPERATIONS = Counter(
    "userimport_scim_operations",
    "SCIM requests answered, by operation (the OpenAPI operation id: scim_create_user, "
    "scim_list_users, scim_patch_user, ...; unmatched when no route matched) and status.",
    ["operation", "status"],
    registry=REGISTRY,
)
ROWS_CHECKED = Counter("userimport_rows_checked", "User rows checked.", registry=REGISTRY)
USERS_ADDED = Counter("userimport_users_added", "Users added.", registry=REGISTRY)
USERS_UPDATED = Counter(
    "userimport_users_updated", "Users updated (on_existing=update).", registry=REGISTRY
)
HASHING_SECONDS = Counter(
    "userimport_hashing_seconds",
    "Wall time spent waiting for password hashes (argon2id) in this process.",
    registry=REGISTRY,
)
TASKS = Counter(
    "userimport_tasks",
    "Queued tasks run by this process, by task name and outcome (done; given_back: the worker "
    "stopped and the task went back to the queue; failed: it will be tried again; gave_up: its "
    "last attempt failed and its job failed).",
    ["task", "outcome"],
    registry=REGISTRY,
)
CHUNKS_HASHED = Counter(
    "userimport_job_chunks_hashed", "Chunks of import jobs hashed here.", registry=REGISTRY
)
ROWS_HASHED = Counter(
    "userimport_job_rows_hashed", "Passwords of import jobs hashed here.", registry=REGISTRY
)
JOBS = Gauge(
    "userimport_jobs", "Import jobs by status, read at scrape time.", ["status"], registry=REGISTRY
)
QUEUE_DEPTH = Gauge(
    "userimport_queue_waiting_tasks",
    "Tasks of import jobs waiting for a worker (PostgreSQL queue), read at scrape time.",
    registry=REGISTRY,
)
LIVE_WORKERS = Gauge(
    "userimport_live_workers", "Worker processes alive (PostgreSQL queue).", registry=REGISTRY
)
POOL_IN_USE = Gauge(
    "userimport_db_pool_in_use",
    "Database connections of this process's request pool checked out, read at scrape time.",
    registry=REGISTRY,
)


@contextmanager
def hashing_time() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        HASHING_SECONDS.inc(time.perf_counter() - started)


# Read at scrape time from the web process's own state: not served by a worker process.
_WEB_ONLY = (REQUESTS, LATENCY, JOBS, QUEUE_DEPTH, LIVE_WORKERS, POOL_IN_USE)


class WorkerMetricsExposedError(Exception):
    """Worker metrics asked for on an address other machines reach, with no token."""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not logged (the service's logs are its own)."""


def _guarded(app: "WSGIApp", token: str | None) -> "WSGIApp":
    """Only `Authorization: Bearer <token>` is answered, when there is a token."""
    expected = f"Bearer {token}".encode() if token else None

    def guarded(environ: dict[str, Any], start_response: "StartResponse") -> Iterable[bytes]:
        given = str(environ.get("HTTP_AUTHORIZATION", "")).encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            headers = [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")]
            start_response("401 Unauthorized", headers)
            return [b"Send Authorization: Bearer <USERIMPORT_METRICS_TOKEN>.\n"]
        return app(environ, start_response)

    return guarded


def serve_worker_metrics(host: str, port: int, token: str | None) -> None:
    """A worker process's metrics (tasks, chunks and rows hashed, hashing time, jobs that
    ended here) in the Prometheus text format on host:port, from a daemon thread. Behind the
    metrics token when there is one, as the web's /metrics; with none, only on a loopback
    address (raises WorkerMetricsExposedError otherwise)."""
    if token is None and not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
        raise WorkerMetricsExposedError(
            f"worker metrics on {host} would be open to anyone who reaches it: set "
            "USERIMPORT_METRICS_TOKEN (scrapers send it as a Bearer token), or serve them on "
            "127.0.0.1"
        )
    for collector in _WEB_ONLY:
        REGISTRY.unregister(collector)
    app = _guarded(make_wsgi_app(REGISTRY), token)
    server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()
