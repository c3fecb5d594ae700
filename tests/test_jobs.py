"""Files over USERIMPORT_SYNC_MAX_ROWS are jobs: 202, progress, all or nothing, restart-safe."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.imports.schemas import ImportStatus
from app.models import UserImport, utcnow
from app.security.passwords import PasswordHasherPool
from tests.conftest import AppFactory, make_client
from tests.helpers import all_users, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio
SYNC_MAX = 5


@pytest.fixture
def job_app(app_factory: AppFactory) -> FastAPI:
    return app_factory(sync_max_rows=SYNC_MAX, max_rows=1000)


@pytest.fixture
async def client(job_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(job_app) as http:
        yield http


@pytest.fixture
def blocked_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hashing waits until the event is set (bounded, so a mistake cannot hang the suite)."""
    release = threading.Event()
    real = PasswordHasherPool.hash

    def waiting(self: PasswordHasherPool, password: str) -> str:
        release.wait(timeout=20)
        return real(self, password)

    monkeypatch.setattr(PasswordHasherPool, "hash", waiting)
    yield release
    release.set()


async def wait_for(client: httpx.AsyncClient, location: str, *statuses: str) -> dict[str, Any]:
    for _ in range(600):
        record: dict[str, Any] = (await client.get(location)).json()
        if record["status"] in statuses:
            return record
        await asyncio.sleep(0.05)
    raise AssertionError(f"{location} never reached {statuses}: {record}")


async def test_large_file_is_a_job_that_completes(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(40)))

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["progress"] == {"done": 0, "total": 40}
    assert response.headers["location"] == f"/imports/{body['id']}"
    done = await wait_for(client, response.headers["location"], "completed", "failed")
    assert (done["status"], done["added"], done["rows"]) == ("completed", 40, 40)
    assert done["progress"] == {"done": 40, "total": 40}
    assert done["created_by"] == "USERIMPORT_API_KEY"
    assert len(await all_users(client)) == 40


async def test_small_files_keep_the_synchronous_answer(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(SYNC_MAX)))

    assert (response.status_code, response.json()["status"]) == (201, "completed")


async def test_dry_run_of_a_large_file_is_answered_at_once(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(40)), dry_run=True)

    assert (response.status_code, response.json()["status"]) == (200, "validated")


async def test_progress_shows_while_hashing(
    client: httpx.AsyncClient, blocked_hashing: threading.Event
) -> None:
    response = await upload(client, csv_bytes(user_rows(30)))
    location = response.headers["location"]

    hashing = await wait_for(client, location, "hashing")
    assert hashing["progress"] == {"done": 0, "total": 30}
    assert await all_users(client) == []
    blocked_hashing.set()
    assert (await wait_for(client, location, "completed", "failed"))["status"] == "completed"


async def test_job_with_errors_adds_nothing(client: httpx.AsyncClient) -> None:
    rows = user_rows(20)
    rows[7] = ["not-an-address", "X", "Long-Enough-1", "TRUE"]
    rows[12][3] = "maybe"

    response = await upload(client, csv_bytes(rows))
    failed = await wait_for(client, response.headers["location"], "completed", "failed")

    assert response.status_code == 202
    assert failed["status"] == "failed"
    assert [(e["row"], e["code"]) for e in failed["errors"]] == [
        (9, "invalid_email"),
        (14, "invalid_boolean"),
    ]
    assert failed["added"] == 0
    assert await all_users(client) == []


async def test_job_interrupted_by_a_restart_is_failed_and_writes_nothing(
    client: httpx.AsyncClient, app_factory: AppFactory, blocked_hashing: threading.Event
) -> None:
    response = await upload(client, csv_bytes(user_rows(30)))
    location = response.headers["location"]
    await wait_for(client, location, "hashing")

    restarted = app_factory(sync_max_rows=SYNC_MAX)  # a new process on the same host and database
    async with (
        restarted.router.lifespan_context(restarted),
        make_client(restarted) as after_restart,
    ):
        record = (await after_restart.get(location)).json()
        blocked_hashing.set()  # the old process's thread wakes up: it must not insert
        await asyncio.sleep(0.5)
        final = (await after_restart.get(location)).json()
        users = await all_users(after_restart)

    assert record["status"] == "failed"
    assert record["errors"][0]["code"] == "interrupted"
    assert final["status"] == "failed"
    assert users == []


async def test_a_silent_job_of_another_host_reads_as_interrupted(
    client: httpx.AsyncClient, job_app: FastAPI
) -> None:
    with job_app.state.session_factory.begin() as session:
        record = UserImport(
            status=ImportStatus.HASHING,
            dry_run=False,
            rows=10,
            progress_total=10,
            worker_id="another-host/42/deadbeef",
            heartbeat_at=utcnow() - timedelta(minutes=5),
        )
        session.add(record)
        session.flush()
        location = f"/imports/{record.id}"

    seen = (await client.get(location)).json()

    assert (seen["status"], seen["errors"][0]["code"]) == ("failed", "interrupted")


async def test_too_many_rows_is_still_refused_at_once(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(1001)))

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_many_rows"
