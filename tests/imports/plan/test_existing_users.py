"""on_existing=error|skip|update: what an import does with addresses the directory holds."""

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from fastapi import FastAPI
from sqlalchemy import select

from app.db.models.directory import DirectoryUser
from tests.conftest import AppFactory
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio
VERIFY = PasswordHasher()


def stored(app: FastAPI, email: str) -> DirectoryUser:
    with app.state.session_factory() as session:
        user: DirectoryUser | None = session.scalar(
            select(DirectoryUser).where(DirectoryUser.email == email)
        )
        assert user is not None
        return user


def verifies(password_hash: str, password: str) -> bool:
    try:
        return VERIFY.verify(password_hash, password)
    except VerifyMismatchError:
        return False


async def post(client: httpx.AsyncClient, rows: list[list[str]], **params: str) -> httpx.Response:
    files = {"file": ("users.csv", csv_bytes(rows), "text/csv")}
    return await client.post("/imports", params=params, files=files)


@pytest.fixture
async def existing(client: httpx.AsyncClient) -> list[str]:
    """user0 and user1 are in the directory already, with their first passwords."""
    assert (await upload(client, csv_bytes(user_rows(2)))).status_code == 201
    return ["user0@example.com", "user1@example.com"]


CHANGED = ["user0@example.com", "Renamed Zero", "Brand-New-Pass-0", "TRUE"]
NEW = ["newcomer@example.com", "New Comer", "Fresh-Start-Pass-9", "FALSE"]


async def test_the_default_still_refuses_existing_addresses(
    client: httpx.AsyncClient, existing: list[str]
) -> None:
    response = await post(client, [CHANGED, NEW])

    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [(2, "already_exists")]


async def test_skip_adds_the_new_and_leaves_the_existing(
    client: httpx.AsyncClient, app: FastAPI, existing: list[str]
) -> None:
    response = await post(client, [CHANGED, NEW], on_existing="skip")

    body = response.json()
    assert response.status_code == 201
    assert (body["added"], body["updated"], body["skipped"]) == (1, 0, 1)
    assert body["on_existing"] == "skip"
    user = stored(app, "user0@example.com")
    assert user.name == "User 0"
    assert verifies(user.password_hash, "Secret-0-pw")
    assert stored(app, "newcomer@example.com").name == "New Comer"
    record = (await client.get(response.headers["location"])).json()
    assert (record["added"], record["updated"], record["skipped"]) == (1, 0, 1)


async def test_update_sets_name_password_and_flag(
    client: httpx.AsyncClient, app: FastAPI, existing: list[str]
) -> None:
    before = stored(app, "user0@example.com")

    response = await post(client, [CHANGED, NEW], on_existing="update")

    body = response.json()
    assert response.status_code == 201
    assert (body["added"], body["updated"], body["skipped"]) == (1, 1, 0)
    after = stored(app, "user0@example.com")
    assert (after.name, after.force_change_password) == ("Renamed Zero", True)
    assert verifies(after.password_hash, "Brand-New-Pass-0")
    assert not verifies(after.password_hash, "Secret-0-pw")
    assert after.id == before.id
    assert stored(app, "user1@example.com").name == "User 1"  # not in the file: untouched


async def test_a_dry_run_counts_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, existing: list[str]
) -> None:
    response = await post(client, [CHANGED, NEW], on_existing="update", dry_run="true")

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "validated")
    assert (body["added"], body["updated"], body["skipped"]) == (0, 0, 0)
    assert body["planned"] == {"added": 1, "updated": 1, "skipped": 0}
    assert stored(app, "user0@example.com").name == "User 0"


async def test_the_option_as_a_form_field(
    client: httpx.AsyncClient, app: FastAPI, existing: list[str]
) -> None:
    files = {"file": ("users.csv", csv_bytes([CHANGED, NEW]), "text/csv")}

    response = await client.post("/imports", data={"on_existing": "Update"}, files=files)

    assert response.status_code == 201
    assert response.json()["updated"] == 1


async def test_bad_or_conflicting_values_are_refused(
    client: httpx.AsyncClient, existing: list[str]
) -> None:
    files = {"file": ("users.csv", csv_bytes([CHANGED]), "text/csv")}

    unknown = await client.post("/imports", params={"on_existing": "merge"}, files=files)
    bad_form = await client.post("/imports", data={"on_existing": "merge"}, files=files)
    conflict = await client.post(
        "/imports", params={"on_existing": "skip"}, data={"on_existing": "update"}, files=files
    )

    assert [r.status_code for r in (unknown, bad_form, conflict)] == [422, 422, 422]
    assert {r.json()["code"] for r in (unknown, bad_form, conflict)} == {"invalid_request"}
    assert [p["name"] for p in conflict.json()["invalid_params"]] == ["form.on_existing"]


async def test_duplicates_in_the_file_are_errors_in_every_mode(
    client: httpx.AsyncClient, existing: list[str]
) -> None:
    twice = [CHANGED, [*CHANGED[:2], "Another-Pass-77", "FALSE"]]
    for mode in ("skip", "update"):
        response = await post(client, twice, on_existing=mode)
        assert response.status_code == 422
        assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [
            (3, "duplicate_in_file")
        ]


async def test_a_job_updates_existing_users(app_factory: AppFactory) -> None:
    app = app_factory(**JOB_SETTINGS)
    rows = user_rows(30)  # 0-14 exist once the first job ends; 15-29 are new
    for row in rows:
        row[2] += "-v2"
    async with started(app) as http:
        seed = await post(http, user_rows(15))
        await wait_for(http, seed.headers["location"], "completed", "failed")
        response = await post(http, rows, on_existing="update")
        done = await wait_for(http, response.headers["location"], "completed", "failed")

    assert response.status_code == 202
    assert (done["status"], done["added"], done["updated"], done["skipped"]) == (
        "completed", 15, 15, 0,
    )  # fmt: skip
    assert done["progress"] == {"done": 30, "total": 30}
    assert verifies(stored(app, "user3@example.com").password_hash, "Secret-3-pw-v2")
    assert verifies(stored(app, "user20@example.com").password_hash, "Secret-20-pw-v2")


async def test_a_job_skips_existing_users(app_factory: AppFactory) -> None:
    app = app_factory(**JOB_SETTINGS)
    async with started(app) as http:
        seed = await post(http, user_rows(15))
        await wait_for(http, seed.headers["location"], "completed", "failed")
        response = await post(http, user_rows(30), on_existing="skip")
        done = await wait_for(http, response.headers["location"], "completed", "failed")

    assert (done["status"], done["added"], done["updated"], done["skipped"]) == (
        "completed", 15, 0, 15,
    )  # fmt: skip
