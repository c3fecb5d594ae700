"""What operators scrape at GET /metrics (Prometheus text format): one registry per process."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

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


def serve_worker_metrics(host: str, port: int) -> None:
    """A worker process's metrics (tasks, chunks and rows hashed, hashing time, jobs that
    ended here) in the Prometheus text format on host:port, from a daemon thread."""
    for collector in _WEB_ONLY:
        REGISTRY.unregister(collector)
    start_http_server(port, addr=host, registry=REGISTRY)
