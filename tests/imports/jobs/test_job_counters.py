"""A job's added / updated / skipped count users written: 0 while it runs and when it is
cancelled or interrupted, whatever on_existing says; what it plans is shown apart."""

import threading
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from tests.conftest import AppFactory
from tests.helpers import all_users, csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio
ROWS = 30
EXISTING = 3
# What a 30-row job whose first 3 addresses exist plans, by on_existing.
PLANNED = {
    "error": {"added": ROWS, "updated": 0, "skipped": 0},
    "skip": {"added": ROWS - EXISTING, "updated": 0, "skipped": EXISTING},
    "update": {"added": ROWS - EXISTING, "updated": EXISTING, "skipped": 0},
}
NOTHING = (0, 0, 0)


def written(record: dict[str, Any]) -> tuple[int, int, int]:
    return record["added"], record["updated"], record["skipped"]


async def listed(client: httpx.AsyncClient, import_id: int) -> dict[str, Any]:
    items = (await client.get("/imports")).json()["items"]
    return next(item for item in items if item["id"] == import_id)


async def add_existing(client: httpx.AsyncClient, on_existing: str) -> None:
    if on_existing != "error":  # the directory holds the file's first addresses
        assert (await upload(client, csv_bytes(user_rows(EXISTING)))).status_code == 201


async def start_job(client: httpx.AsyncClient, on_existing: str) -> tuple[str, int]:
    response = await upload(client, csv_bytes(user_rows(ROWS)), on_existing=on_existing)
    assert response.status_code == 202
    assert written(response.json()) == NOTHING
    return response.headers["location"], response.json()["id"]


@pytest.mark.parametrize("on_existing", ["error", "skip", "update"])
async def test_a_job_being_hashed_then_cancelled_has_written_nothing(
    app_factory: AppFactory, blocked_hashing: threading.Event, on_existing: str
) -> None:
    app = app_factory(**JOB_SETTINGS)
    async with started(app) as client:
        blocked_hashing.set()  # the users that exist already are imported at once
        await add_existing(client, on_existing)
        blocked_hashing.clear()  # the job's chunks wait in the hasher
        location, import_id = await start_job(client, on_existing)
        hashing = await wait_for(client, location, "hashing")
        hashing_listed = await listed(client, import_id)
        cancelled = await client.post(f"{location}/cancel")
        blocked_hashing.set()
        final = (await client.get(location)).json()
        final_listed = await listed(client, import_id)
        users = await all_users(client)

    assert (written(hashing), hashing["planned"]) == (NOTHING, PLANNED[on_existing])
    assert (written(hashing_listed), hashing_listed["status"]) == (NOTHING, "hashing")
    assert cancelled.status_code == 200
    for record in (cancelled.json(), final, final_listed):
        assert (record["status"], written(record)) == ("cancelled", NOTHING)
        assert record["planned"] == PLANNED[on_existing]
    assert len(users) == (0 if on_existing == "error" else EXISTING)


@pytest.mark.parametrize("on_existing", ["error", "skip", "update"])
async def test_an_interrupted_job_has_written_nothing(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch, on_existing: str
) -> None:
    app = app_factory(**{**JOB_SETTINGS, "job_max_attempts": 2})
    async with started(app) as client:
        await add_existing(client, on_existing)
        # Every chunk's hashing fails from now on, so its tasks run out of attempts.
        monkeypatch.setattr(PasswordHasher, "hash", broken_hash)
        location, import_id = await start_job(client, on_existing)
        failed = await wait_for(client, location, "completed", "failed")
        failed_listed = await listed(client, import_id)

    for record in (failed, failed_listed):
        assert (record["status"], written(record)) == ("failed", NOTHING)
    assert [error["code"] for error in failed["errors"]] == ["interrupted"]


def broken_hash(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
    raise RuntimeError("the hashing library broke")
