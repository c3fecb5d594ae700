"""Writers that overlap: an update import against a revert, a prune against a revert. Each test
orders the writers by events (a hook that waits, a backend seen waiting for a lock), then
checks the directory against what every answer claimed: no 2xx for a change that is not there.
"""

import asyncio
import inspect
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from app.imports.jobs import retention
from app.imports.records import revert as revert_module
from app.passwords.hashing import PasswordHasherPool
from tests.conftest import AppFactory
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for
from tests.imports.records.test_revert import directory, imported

pytestmark = pytest.mark.anyio
USERS = 20


def renamed(count: int, suffix: str) -> list[list[str]]:
    rows = user_rows(count)
    for row in rows:
        row[1] = f"{row[1]} {suffix}"
    return rows


def names(app: FastAPI) -> dict[str, str]:
    return {email: name for email, (name, _flag, _hash) in directory(app).items()}


@contextmanager
def held_at(owner: Any, name: str) -> Iterator[tuple[threading.Event, threading.Event]]:
    """owner.name (a function or a coroutine function), once called, waits (bounded) until
    `release` is set; `reached` says one call is waiting."""
    reached, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    async def held_async(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        await asyncio.to_thread(release.wait, 20)
        return await real(*args, **kwargs)

    def held(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        release.wait(20)
        return real(*args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(owner, name, held_async if inspect.iscoroutinefunction(real) else held)
    try:
        yield reached, release
    finally:
        release.set()
        patch.undo()


def held_hashing() -> AbstractContextManager[tuple[threading.Event, threading.Event]]:
    """Every hash_all waits until `release` is set; `hashing` says one is waiting."""
    return held_at(PasswordHasherPool, "hash_all")


def held_job_commit() -> AbstractContextManager[tuple[threading.Event, threading.Event]]:
    """A job's commit step waits until `release` is set; `committing` says one is waiting
    (its users staged, its plan made)."""
    from app.imports.jobs import commit as commit_step

    return held_at(commit_step, "commit")


async def test_a_revert_while_an_update_hashes_leaves_what_both_answers_say(
    app_factory: AppFactory,
) -> None:
    """Before: the revert deleted A's users, then B answered 201 'updated 20' over 0 users."""
    app = app_factory()
    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(USERS)))
        with held_hashing() as (hashing, release):
            updating = asyncio.create_task(
                upload(http, csv_bytes(renamed(USERS, "B")), on_existing="update")
            )
            await asyncio.to_thread(hashing.wait, 20)
            reverted = await http.post(f"/imports/{first['id']}/revert")
            release.set()
            update = await updating

    assert reverted.status_code == 200, reverted.text
    assert update.status_code == 422, update.text
    problem = update.json()
    assert problem["error_count"] == USERS
    assert {(e["column"], e["code"]) for e in problem["errors"]} == {("Email", "directory_changed")}
    assert directory(app) == {}  # what the revert said, and B added nothing, as it said


def lock_waiter(database_url: str, statement: str) -> Callable[[], bool]:
    """Whether a PostgreSQL backend waits for a lock while running a statement like this."""
    engine = create_engine(database_url)

    def waiting() -> bool:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE :statement"
                ),
                {"statement": f"%{statement}%"},
            ).scalar()
        return bool(found)

    return waiting


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        time.sleep(0.02)


async def test_a_revert_started_while_an_update_commits_waits_and_refuses(
    app_factory: AppFactory, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B's users are written but not committed when the revert of A starts. Before: the revert
    checked committed state, then deleted the users B had just updated (B still said 201)."""
    app = app_factory()
    written, revert_entered = threading.Event(), threading.Event()
    from app.directory.repository import UserRepository

    real_update = UserRepository.update

    def update_then_wait(self: UserRepository, changes: Sequence[dict[str, Any]]) -> None:
        real_update(self, changes)
        if not changes:
            return
        written.set()
        revert_entered.wait(20)
        if database_url.startswith("postgresql"):  # the revert waits for B's locks
            wait_until(lock_waiter(database_url, "directory_user"))

    real_revert = revert_module.revert

    def entered(*args: Any, **kwargs: Any) -> Any:
        revert_entered.set()
        return real_revert(*args, **kwargs)

    monkeypatch.setattr(UserRepository, "update", update_then_wait)
    monkeypatch.setattr("app.imports.http.revert_route.revert", entered)
    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(USERS)))
        updating = asyncio.create_task(
            upload(http, csv_bytes(renamed(USERS, "B")), on_existing="update")
        )
        await asyncio.to_thread(written.wait, 20)
        reverted = await http.post(f"/imports/{first['id']}/revert")
        update = await updating

    assert update.status_code == 201, update.text
    assert update.json()["updated"] == USERS
    assert reverted.status_code == 409, reverted.text
    assert (reverted.json()["code"], reverted.json()["user_count"]) == (
        "users_changed_since", USERS,
    )  # fmt: skip
    assert names(app) == {row[0]: row[1] for row in renamed(USERS, "B")}


async def test_a_revert_while_an_update_job_commits_leaves_what_both_answers_say(
    app_factory: AppFactory,
) -> None:
    """As a job: the revert of A lands while B waits to commit. Before: B ended 'completed,
    updated 0' against 'planned updated 30', and no user was left."""
    app = app_factory(**JOB_SETTINGS)
    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(30)))
        with held_job_commit() as (committing, release):
            answer = await upload(http, csv_bytes(renamed(30, "B")), on_existing="update")
            assert answer.status_code == 202
            await asyncio.to_thread(committing.wait, 20)
            reverted = await http.post(f"/imports/{first['id']}/revert")
            release.set()
            update = await wait_for(http, answer.headers["location"], "completed", "failed")

    assert reverted.status_code == 200, reverted.text
    assert (update["status"], update["added"], update["updated"]) == ("failed", 0, 0)
    assert {e["code"] for e in update["errors"]} == {"directory_changed"}
    assert update["error_count"] == 30
    assert directory(app) == {}


async def test_prune_while_a_revert_runs_neither_deadlocks_nor_loses_the_revert(
    app_factory: AppFactory, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before (PostgreSQL): prune unlinked the import's users, then waited for its record,
    which the revert held while it waited for the users: a deadlock answered 503, and the
    record was pruned, so the users could never be reverted."""
    app = app_factory()
    locked, prune_waiting, prune_done = threading.Event(), threading.Event(), threading.Event()
    from app.imports.records.changes import ChangeRepository

    real_lock_users = ChangeRepository.lock_users

    def after_the_record_lock(self: ChangeRepository, import_id: int) -> None:
        locked.set()
        prune_waiting.wait(20)
        real_lock_users(self, import_id)

    monkeypatch.setattr(ChangeRepository, "lock_users", after_the_record_lock)
    pruned: list[retention.Pruned] = []

    def prune_now() -> None:
        with app.state.session_factory.begin() as session:
            pruned.append(retention.prune(session, app.state.settings, timedelta(0)))
        prune_done.set()

    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(USERS)))
        other = await imported(http, csv_bytes(user_rows(3, start=100)))
        reverting = asyncio.create_task(http.post(f"/imports/{first['id']}/revert"))
        await asyncio.to_thread(locked.wait, 20)
        pruning = asyncio.create_task(asyncio.to_thread(prune_now))
        if database_url.startswith("postgresql"):  # prune ends, or waits for the record's lock
            waiter = lock_waiter(database_url, "user_import")
            await asyncio.to_thread(wait_until, lambda: prune_done.is_set() or waiter())
        prune_waiting.set()
        reverted = await reverting
        await pruning
        record = await http.get(f"/imports/{first['id']}")
        kept_other = await http.get(f"/imports/{other['id']}")

    assert reverted.status_code == 200, reverted.text
    assert sorted(directory(app)) == sorted(row[0] for row in user_rows(3, start=100))
    if database_url.startswith("postgresql"):  # the revert's record was not pruned under it
        assert (record.status_code, record.json()["status"]) == (200, "reverted")
        assert kept_other.status_code == 404 and pruned[0].imports == 1
    else:  # SQLite: one writer at a time; the prune ran after the revert, and took both
        assert pruned[0].imports == 2
        assert record.status_code == kept_other.status_code == 404
