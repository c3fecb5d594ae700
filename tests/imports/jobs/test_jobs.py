"""Files over USERIMPORT_SYNC_MAX_ROWS are jobs: 202, validated once, hashed a chunk at a time
by the queue's workers (here the worker inside the app), inserted all or nothing; cancellable;
a restart loses nothing."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import event

from app.imports.jobs.staging.files import StagingRepository
from tests.conftest import AppFactory, make_client
from tests.helpers import all_users, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio
SYNC_MAX = 5
JOB_SETTINGS: dict[str, object] = {
    "sync_max_rows": SYNC_MAX,
    "max_rows": 1000,
    "job_chunk_rows": 10,
    "embedded_worker": True,  # PostgreSQL too: the app runs the queue's tasks itself
    "job_workers": 2,
}


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (and so its worker) running, and a client."""
    async with app.router.lifespan_context(app), make_client(app) as http:
        yield http


@pytest.fixture
def job_app(app_factory: AppFactory) -> FastAPI:
    return app_factory(**JOB_SETTINGS)


@pytest.fixture
async def client(job_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with started(job_app) as http:
        yield http


async def wait_for(client: httpx.AsyncClient, location: str, *statuses: str) -> dict[str, Any]:
    for _ in range(600):
        record: dict[str, Any] = (await client.get(location)).json()
        if record["status"] in statuses:
            return record
        await asyncio.sleep(0.05)
    raise AssertionError(f"{location} never reached {statuses}: {record}")


async def staged(app: FastAPI, seconds: float = 10) -> int:
    """What stays staged once the jobs ended: a commit clears it in a transaction of its own
    just after the record says so, so this waits (bounded) for it to go."""
    deadline = time.monotonic() + seconds
    while True:
        with app.state.session_factory() as session:
            left = StagingRepository(session).staged_count()
        if left == 0 or time.monotonic() > deadline:
            return left
        await asyncio.sleep(0.02)


async def test_large_file_is_a_job_that_completes(
    client: httpx.AsyncClient, job_app: FastAPI
) -> None:
    response = await upload(client, csv_bytes(user_rows(45)))

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["progress"] == {"done": 0, "total": 45}
    assert response.headers["location"] == f"/imports/{body['id']}"
    done = await wait_for(client, response.headers["location"], "completed", "failed")
    assert (done["status"], done["added"], done["rows"]) == ("completed", 45, 45)
    assert done["progress"] == {"done": 45, "total": 45}
    assert done["created_by"] == "USERIMPORT_API_KEY"
    users = await all_users(client)
    assert sorted(str(u["email"]) for u in users) == sorted(r[0] for r in user_rows(45))
    assert await staged(job_app) == 0


async def test_small_files_keep_the_synchronous_answer(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(SYNC_MAX)))

    assert (response.status_code, response.json()["status"]) == (201, "completed")


async def test_dry_run_of_a_large_file_is_answered_at_once(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(40)), dry_run=True)

    assert (response.status_code, response.json()["status"]) == (200, "validated")


async def test_progress_counts_hashed_chunks(
    client: httpx.AsyncClient, blocked_hashing: threading.Event
) -> None:
    response = await upload(client, csv_bytes(user_rows(30)))
    location = response.headers["location"]

    hashing = await wait_for(client, location, "hashing")
    assert hashing["progress"] == {"done": 0, "total": 30}
    assert await all_users(client) == []
    blocked_hashing.set()
    done = await wait_for(client, location, "completed", "failed")
    assert (done["status"], done["progress"]) == ("completed", {"done": 30, "total": 30})


async def test_job_with_errors_adds_nothing_and_keeps_nothing(
    client: httpx.AsyncClient, job_app: FastAPI
) -> None:
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
    assert await staged(job_app) == 0


async def test_cancel_a_running_job(
    client: httpx.AsyncClient, job_app: FastAPI, blocked_hashing: threading.Event
) -> None:
    response = await upload(client, csv_bytes(user_rows(30)))
    location = response.headers["location"]
    await wait_for(client, location, "hashing")

    cancelled = await client.post(f"{location}/cancel")
    blocked_hashing.set()  # the chunks being hashed finish, find the job cancelled, write nothing
    await asyncio.sleep(0.5)
    again = await client.post(f"{location}/cancel")
    final = (await client.get(location)).json()

    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["added"]) == ("cancelled", 0)
    assert (final["status"], final["added"]) == ("cancelled", 0)
    assert await all_users(client) == []
    assert await staged(job_app) == 0
    assert again.status_code == 409
    assert again.json()["code"] == "import_finished"


async def test_cancel_answers_404_409_and_403(client: httpx.AsyncClient, job_app: FastAPI) -> None:
    completed = await upload(client, csv_bytes(user_rows(2)))

    finished = await client.post(f"/imports/{completed.json()['id']}/cancel")
    unknown = await client.post("/imports/999999/cancel")
    async with make_client(job_app, headers={}) as anonymous:
        no_key = await anonymous.post(f"/imports/{completed.json()['id']}/cancel")

    assert (finished.status_code, finished.json()["code"]) == (409, "import_finished")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert no_key.status_code == 401


async def test_two_overlapping_jobs_one_completes(client: httpx.AsyncClient) -> None:
    first = await upload(client, csv_bytes(user_rows(30)))
    second = await upload(client, csv_bytes(user_rows(30, start=20)))  # 10 addresses shared

    ends = [
        await wait_for(client, r.headers["location"], "completed", "failed")
        for r in (first, second)
    ]

    assert sorted(end["status"] for end in ends) == ["completed", "failed"]
    loser = next(end for end in ends if end["status"] == "failed")
    assert {e["code"] for e in loser["errors"]} == {"already_exists"}
    assert loser["error_count"] == 10
    assert len(await all_users(client)) == 30


async def test_a_job_accepted_before_a_restart_completes_after_it(
    app_factory: AppFactory,
) -> None:
    before = app_factory(**JOB_SETTINGS)
    async with make_client(before) as http:  # no lifespan: its worker never runs
        response = await upload(http, csv_bytes(user_rows(25)))
    assert response.status_code == 202

    after = app_factory(**JOB_SETTINGS)  # a new process on the same database
    async with started(after) as http:
        done = await wait_for(http, response.headers["location"], "completed", "failed")
        users = await all_users(http)

    assert (done["status"], done["added"]) == ("completed", 25)
    assert len(users) == 25


async def test_without_a_staging_key_a_job_sized_file_is_a_503(
    app_factory: AppFactory, tmp_path: Any
) -> None:
    app = app_factory(
        **JOB_SETTINGS, staging_key=None, staging_key_file=str(tmp_path / "missing.key")
    )
    async with started(app) as http:
        large = await upload(http, csv_bytes(user_rows(30)))
        small = await upload(http, csv_bytes(user_rows(3)))

    assert (large.status_code, large.json()["code"]) == (503, "jobs_unavailable")
    assert small.status_code == 201


async def test_too_many_rows_is_still_refused_at_once(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(1001)))

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_many_rows"


async def test_a_job_whose_chunks_keep_failing_fails_as_interrupted(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        raise RuntimeError("the hashing library broke")

    monkeypatch.setattr(PasswordHasher, "hash", broken)
    app = app_factory(**{**JOB_SETTINGS, "job_max_attempts": 2})
    async with started(app) as http:
        response = await upload(http, csv_bytes(user_rows(20)))
        failed = await wait_for(http, response.headers["location"], "completed", "failed")
        users = await all_users(http)

    assert (failed["status"], failed["added"]) == ("failed", 0)
    assert [e["code"] for e in failed["errors"]] == ["interrupted"]
    assert users == []
    assert await staged(app) == 0


async def test_a_job_writes_its_users_in_one_statement_however_many(
    client: httpx.AsyncClient, job_app: FastAPI
) -> None:
    """Set-wise: the commit moves the staged users with one INSERT ... SELECT (and, when the
    plan found existing users to update, one UPDATE ... FROM), never a statement or a batch of
    parameters per user, and nothing comes back per user (no RETURNING)."""
    engine = job_app.state.session_factory.kw["bind"]
    writes: list[tuple[str, bool, bool]] = []  # (verb, executemany, returning)

    def seen(_c: object, _cur: object, statement: str, _p: object, _x: object, many: bool) -> None:
        words = statement.split(None, 3)
        if (
            words[0] in ("INSERT", "UPDATE")
            and "directory_user" in words[1:3]
            and "job_user" in statement
        ):
            writes.append((words[0], many, "RETURNING" in statement))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = await upload(client, csv_bytes(user_rows(300)))
        done = await wait_for(client, response.headers["location"], "completed", "failed")
        added_only, writes[:] = list(writes), []
        both = csv_bytes(user_rows(400, start=100))  # 200 to update, 200 to add
        response = await upload(client, both, on_existing="update")
        updated = await wait_for(client, response.headers["location"], "completed", "failed")
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert (done["status"], done["added"]) == ("completed", 300)
    assert added_only == [("INSERT", False, False)]  # nothing to update: not looked for
    assert [user["email"] for user in await all_users(client)][:300] == [
        row[0] for row in user_rows(300)
    ]  # in the file's order
    assert (updated["status"], updated["added"], updated["updated"]) == ("completed", 200, 200)
    assert sorted(writes) == [("INSERT", False, False), ("UPDATE", False, False)]
