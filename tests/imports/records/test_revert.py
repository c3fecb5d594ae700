"""POST /imports/{id}/revert undoes a completed import in one transaction: its added users go,
its updated users get back what they had; refused whole (409) when a later import changed any
of them, or when the import is not a completed one."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.auth.keys import Role
from app.db.models.directory import DirectoryUser
from app.db.models.imports import ImportChange
from tests.auth.test_auth import create_key
from tests.conftest import AppFactory, make_client
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio
MODES = [{}, JOB_SETTINGS, {**JOB_SETTINGS, "job_part_rows": 10}]
MODE_IDS = ["sync", "job", "job-in-parts"]


def directory(app: FastAPI) -> dict[str, tuple[str, bool, str]]:
    """Every user: address -> (name, flag, hash)."""
    with app.state.session_factory() as session:
        users = session.execute(
            select(
                DirectoryUser.email,
                DirectoryUser.name,
                DirectoryUser.force_change_password,
                DirectoryUser.password_hash,
            )
        )
        return {email: (name, force, hashed) for email, name, force, hashed in users}


async def imported(http: httpx.AsyncClient, data: bytes, **options: Any) -> dict[str, Any]:
    answer = await upload(http, data, **options)
    if answer.status_code == 202:
        return await wait_for(http, answer.headers["location"], "completed", "failed")
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("settings", MODES, ids=MODE_IDS)
async def test_reverting_an_update_restores_names_flags_and_hashes_and_deletes_its_added_users(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    async with started(app) as http:
        await imported(http, csv_bytes(user_rows(40)))
        before = directory(app)
        changed = user_rows(60)  # 40 updated (new names, flags, passwords), 20 added
        for row in changed:
            row[1], row[3] = row[1] + " Renamed", "TRUE"
        second = await imported(http, csv_bytes(changed), on_existing="update")
        assert (second["updated"], second["added"]) == (40, 20)
        assert directory(app) != before
        reverted = await http.post(f"/imports/{second['id']}/revert")
        again = await http.post(f"/imports/{second['id']}/revert")

    assert reverted.status_code == 200, reverted.text
    body = reverted.json()
    assert (body["status"], body["reverted_by"]) == ("reverted", "USERIMPORT_API_KEY")
    assert body["reverted_at"] is not None
    assert directory(app) == before  # names, flags and hashes byte for byte; the 20 gone
    assert (again.status_code, again.json()["code"]) == (409, "import_not_revertible")
    with app.state.session_factory() as session:
        assert session.scalars(select(ImportChange)).all() == []


async def test_reverting_an_add_deletes_exactly_its_users(app_factory: AppFactory) -> None:
    app = app_factory()
    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(5)))
        second = await imported(http, csv_bytes(user_rows(5, start=5)))
        answer = await http.post(f"/imports/{first['id']}/revert")
        users = [u["email"] for u in (await http.get("/users")).json()["items"]]
        listed = {i["id"]: i["status"] for i in (await http.get("/imports")).json()["items"]}

    assert answer.status_code == 200
    assert users == [f"user{n}@example.com" for n in range(5, 10)]
    assert listed == {first["id"]: "reverted", second["id"]: "completed"}


async def test_a_revert_is_refused_whole_when_a_later_import_changed_its_users(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        first = await imported(http, csv_bytes(user_rows(10)))
        renamed = [[e, n + " Later", "", f] for e, n, _p, f in user_rows(2, start=3)]
        later = await imported(http, csv_bytes(renamed), on_existing="update")
        before = directory(app)
        refused = await http.post(f"/imports/{first['id']}/revert")
        after_refusal = directory(app)
        undone_later = await http.post(f"/imports/{later['id']}/revert")
        then = await http.post(f"/imports/{first['id']}/revert")

    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "users_changed_since"
    assert (problem["users"], problem["user_count"]) == (
        ["user3@example.com", "user4@example.com"], 2,
    )  # fmt: skip
    assert after_refusal == before  # the 409 changed nothing
    assert undone_later.status_code == 200  # the later one first: then the first may go
    assert then.status_code == 200
    assert directory(app) == {}


async def test_only_a_completed_import_can_be_reverted(app_factory: AppFactory) -> None:
    app = app_factory()
    async with started(app) as http:
        dry = await upload(http, csv_bytes(user_rows(3)), dry_run=True)
        refused = await upload(http, csv_bytes([["bad", "X", "pw-123456789", "TRUE"]]))
        answers = [
            await http.post(f"/imports/{dry.json()['id']}/revert"),
            await http.post(f"/imports/{refused.json()['import_id']}/revert"),
        ]
        unknown = await http.post("/imports/999999/revert")

    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (409, "import_not_revertible"), (409, "import_not_revertible"),
    ]  # fmt: skip
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


async def test_a_reader_key_cannot_revert_and_a_retry_with_the_same_key_replays(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        done = await imported(http, csv_bytes(user_rows(3)))
        reader_key = create_key(app, "dashboard", Role.READER)
        async with make_client(app, {"Authorization": f"Bearer {reader_key}"}) as reader:
            forbidden = await reader.post(f"/imports/{done['id']}/revert")
        headers = {"Idempotency-Key": "undo-1"}
        first = await http.post(f"/imports/{done['id']}/revert", headers=headers)
        retry = await http.post(f"/imports/{done['id']}/revert", headers=headers)

    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    assert first.status_code == 200
    assert (retry.status_code, retry.headers["idempotent-replayed"]) == (200, "true")
    assert retry.json() == first.json()
