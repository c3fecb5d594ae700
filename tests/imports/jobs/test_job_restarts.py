"""A second server process on the same database leaves the first one's job alone (the old runner
failed it as interrupted while it ran); the job completes once, whoever runs its tasks."""

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx

from bench.server import Server
from tests.conftest import ADMIN_AUTH
from tests.helpers import csv_bytes, user_rows
from tests.imports.jobs.test_workers import count_users

ROWS = 2000
SETTINGS = {
    "USERIMPORT_SYNC_MAX_ROWS": "100",
    "USERIMPORT_MAX_ROWS": "5000",
    "USERIMPORT_JOB_CHUNK_ROWS": "100",
    "USERIMPORT_EMBEDDED_WORKER": "true",  # PostgreSQL too: each server runs tasks itself
    "USERIMPORT_JOB_WORKERS": "1",
    "USERIMPORT_ARGON2_MEMORY_COST": "4096",  # ~2.6 ms a hash: the job lasts a few seconds
}


def record_of(location: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(location, headers=ADMIN_AUTH, timeout=10).json()
    return answer


def test_a_second_server_does_not_fail_a_running_job(
    live_service: Callable[..., AbstractContextManager[Server]], database_url: str
) -> None:
    with live_service(**SETTINGS) as first:
        files = {"file": ("users.csv", csv_bytes(user_rows(ROWS)), "text/csv")}
        answer = httpx.post(f"{first.url}/imports", headers=ADMIN_AUTH, files=files, timeout=30)
        assert answer.status_code == 202
        location = f"{first.url}{answer.headers['location']}"
        deadline = time.monotonic() + 60
        while record_of(location)["progress"]["done"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        with live_service(**SETTINGS) as second:
            seen_by_second = record_of(f"{second.url}{answer.headers['location']}")
            while (final := record_of(location))["status"] not in ("completed", "failed"):
                assert time.monotonic() < deadline, final
                time.sleep(0.1)

    assert seen_by_second["status"] in ("hashing", "inserting", "completed")
    assert (final["status"], final["added"]) == ("completed", ROWS)
    assert count_users(database_url) == ROWS
