"""`make bench-workers` (and `make bench` with PostgreSQL): a 10,000-row job hashed by one
worker, then by two (each `--concurrency 1`: one hashing thread), on PostgreSQL.

TEST_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.workers
"""

import os
import statistics
import tempfile
from pathlib import Path

import httpx

from app.core.config import Settings
from bench.run import (
    AUTH,
    SERVER_SETTINGS,
    Row,
    hash_median_seconds,
    print_table,
    timed_import,
    users_csv,
)
from bench.server import postgres_schema, running_server, running_workers

JOB_ROWS = 10_000


def timed_job(database_url: str, workers: int, prefix: str) -> float:
    """Wall time of one job from upload to completed, with `workers` worker processes."""
    settings = {**SERVER_SETTINGS, "USERIMPORT_LOG_LEVEL": "WARNING"}
    with (
        running_server(database_url, settings) as server,
        tempfile.TemporaryDirectory() as logs,
        running_workers(database_url, settings, workers, 1, Path(logs)),
    ):
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=600)
        return timed_import(client, users_csv(JOB_ROWS, prefix), 202)


def worker_rows(database_url: str, settings: Settings) -> list[Row]:
    cores = os.cpu_count() or 1
    one = timed_job(database_url, 1, "one")
    floor_one = JOB_ROWS * hash_median_seconds(settings)
    two = timed_job(database_url, 2, "two")
    floor_two = JOB_ROWS * hash_median_seconds(settings) / min(2, cores)
    per_core = JOB_ROWS / one
    return [
        Row("job_10k, 1 worker x 1 thread", f"{one:.1f} s", f"floor {floor_one:.1f} s",
            one / floor_one, "<=1.15"),
        Row("job_10k, 2 workers x 1 thread", f"{two:.1f} s", f"floor {floor_two:.1f} s",
            two / floor_two, "<=1.15"),
        Row("speed-up, 2 workers vs 1", f"{one / two:.2f}x", f"{cores} cores", one / two,
            ">=1.8"),
        Row("rows/s per worker thread", f"{per_core:,.0f}", "", None, ""),
    ]  # fmt: skip


def main() -> None:
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        raise SystemExit("bench.workers needs TEST_DATABASE_URL (the queue lives in PostgreSQL)")
    settings = Settings.model_validate({})
    print(f"one hash {statistics.median([hash_median_seconds(settings)]) * 1000:.1f} ms")
    with postgres_schema(pg) as url:
        print_table(worker_rows(url, settings))


if __name__ == "__main__":
    main()
