"""`userimport prune` (and each web process, periodically) deletes ended import records older
than the retention, expired idempotency records, finished queue tasks and dead workers' rows;
never a user."""

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text, update

from app.cli.main import main
from app.db.models.base import utcnow
from app.db.models.imports import IdempotencyRecord
from app.imports.jobs import commit as job_commit
from app.imports.jobs.staging.files import StagingRepository
from tests.conftest import POSTGRESQL_ONLY, AppFactory
from tests.helpers import HEADER, all_users, csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, staged, started, wait_for

pytestmark = pytest.mark.anyio


def prune(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["prune", *args]) == 0
    return capsys.readouterr().out


async def test_prune_keeps_recent_records_then_removes_them_and_no_user(
    app: FastAPI,
    client: httpx.AsyncClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    added = await upload(client, csv_bytes(user_rows(3)))
    refused = await upload(client, csv_bytes([["bad", "X", "Long-Enough-1", "TRUE"]]))
    checked = await upload(client, csv_bytes(user_rows(2, start=10)), dry_run=True)
    replayable = await client.post(
        "/imports",
        headers={"Idempotency-Key": "old-one"},
        files={"file": ("u.csv", csv_bytes(user_rows(1, start=20)), "text/csv")},
    )
    with app.state.session_factory.begin() as session:  # its 24 h are over
        session.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(hours=1)))
    assert [r.status_code for r in (added, refused, checked, replayable)] == [201, 422, 200, 201]
    first = (await all_users(client))[0]["id"]
    for name in ("Renamed", "Again"):  # two events stored (an added one is read from the user)
        await client.patch(f"/users/{first}", json={"name": name})

    kept = prune(capsys, "--older-than", "1")
    listed_after_one_day = (await client.get("/imports")).json()["items"]
    removed = prune(capsys, "--older-than", "0")
    listed_after_zero = (await client.get("/imports")).json()["items"]
    users = await all_users(client)
    history = (await client.get(f"/users/{first}/events")).json()["items"]

    assert "pruned 0 import record(s)" in kept and "1 expired idempotency record(s)" in kept
    assert len(listed_after_one_day) == 4
    assert "pruned 4 import record(s)" in removed
    assert ", 0 user event(s)" in kept and ", 2 user event(s)" in removed
    assert listed_after_zero == []
    assert len(users) == 4 and {user["import_id"] for user in users} == {None}
    assert [(e["kind"], e["import_id"]) for e in history] == [("added", None)]


# The queue's tables live in PostgreSQL: wherever TEST_DATABASE_URL is set (always in CI).
@pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)
async def test_dead_workers_rows_are_pruned(
    app: FastAPI,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with app.state.session_factory.begin() as session:
        session.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour')"
            )
        )

    out = prune(capsys)

    assert "1 dead worker(s)" in out


async def test_a_pruned_import_id_is_never_given_again(
    client: httpx.AsyncClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before (SQLite): once the newest records were pruned, the next imports got their ids, so
    a replayed Idempotency-Key answered /imports/7, which was now another caller's import."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    headers = {"Idempotency-Key": "before-the-prune"}
    files = {"file": ("u.csv", csv_bytes(user_rows(2)), "text/csv")}
    first = await client.post("/imports", headers=headers, files=files)
    prune(capsys, "--older-than", "0")
    later = [await upload(client, csv_bytes(user_rows(1, start=10 + n))) for n in range(3)]
    replayed = await client.post("/imports", headers=headers, files=files)
    named = await client.get(replayed.headers["location"])

    assert first.status_code == 201
    assert all(answer.json()["id"] > first.json()["id"] for answer in later)
    assert replayed.headers["location"] == first.headers["location"]
    assert named.status_code == 404  # pruned: never someone else's import


async def test_what_a_job_left_staged_when_it_stopped_after_its_commit_goes_at_the_next_prune(
    app_factory: AppFactory,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A job's commit clears what it staged in a transaction of its own, just after: a worker
    that stops in between leaves it, for the next prune to take; the job stays completed."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    stopped: list[int] = []

    class StoppingAfterTheCommit(StagingRepository):
        def discard(self, import_id: int) -> None:
            if not stopped:
                stopped.append(import_id)
                raise RuntimeError("the worker stopped here")
            super().discard(import_id)

    monkeypatch.setattr(job_commit, "StagingRepository", StoppingAfterTheCommit)
    app = app_factory(**JOB_SETTINGS)
    rows = [[*row, f"alias{n}@example.com"] for n, row in enumerate(user_rows(30))]
    async with started(app) as http:
        answer = await upload(http, csv_bytes(rows, [*HEADER, "Aliases"]))
        done = await wait_for(http, answer.headers["location"], "completed", "failed")
        with app.state.session_factory() as session:
            left = StagingRepository(session).staged_count()
        pruned = prune(capsys, "--older-than", "30")
        users = await all_users(http)

    assert (done["status"], done["added"], stopped) == ("completed", 30, [done["id"]])
    assert left == 60  # its 30 users and their 30 aliases
    assert ", 60 staged row(s) of ended jobs" in pruned
    assert await staged(app, seconds=0) == 0
    assert len(users) == 30
