"""Single-user API writes overlapping imports: each answer says what the directory then holds.
The import is held while it hashes (after its plan, before its write), the API call lands in
between, and the directory is checked against both answers."""

import asyncio

import httpx
import pytest

from tests.conftest import AppFactory
from tests.directory.test_aliases import directory
from tests.directory.test_one_user import WITH_ALIASES
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import started
from tests.imports.records.test_overlapping_writers import held_hashing, renamed

pytestmark = pytest.mark.anyio
USERS = 5


async def user_id(http: httpx.AsyncClient, address: str) -> tuple[int, str]:
    found = (await http.get("/users", params={"address": address})).json()["items"][0]
    return found["id"], f'"{found["version"]}"'


async def test_a_user_deleted_while_an_update_hashes_stays_deleted_and_the_update_says_so(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(http, csv_bytes(user_rows(USERS)))
        gone, version = await user_id(http, user_rows(USERS)[0][0])
        with held_hashing() as (hashing, release):
            updating = asyncio.create_task(
                upload(http, csv_bytes(renamed(USERS, "B")), on_existing="update")
            )
            await asyncio.to_thread(hashing.wait, 20)
            deleted = await http.delete(f"/users/{gone}", headers={"If-Match": version})
            release.set()
            update = await updating
        names = {item["email"]: item["name"] for item in (await http.get("/users")).json()["items"]}

    assert deleted.status_code == 204, deleted.text
    assert update.status_code == 422, update.text
    assert [(e["row"], e["column"], e["code"]) for e in update.json()["errors"]] == [
        (2, "Email", "directory_changed")
    ]
    # The delete holds, and the update, refused whole, renamed nobody.
    assert names == {row[0]: row[1] for row in user_rows(USERS)[1:]}


async def test_an_alias_linked_while_an_import_hashes_is_refused_to_the_import(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(http, csv_bytes([["ana@example.com", "Ana", "Secret-0-pw", "TRUE"]]))
        ana, version = await user_id(http, "ana@example.com")
        newcomer = [["bob@example.com", "Bob", "Secret-1-pw", "TRUE", "team@example.com"]]
        with held_hashing() as (hashing, release):
            importing = asyncio.create_task(upload(http, csv_bytes(newcomer, WITH_ALIASES)))
            await asyncio.to_thread(hashing.wait, 20)
            linked = await http.patch(
                f"/users/{ana}",
                headers={"If-Match": version},
                json={"aliases": ["team@example.com"]},
            )
            release.set()
            imported = await importing
        users = await directory(http)

    assert linked.status_code == 200, linked.text
    assert imported.status_code == 422, imported.text
    assert [(e["row"], e["column"], e["code"]) for e in imported.json()["errors"]] == [
        (2, "Aliases", "already_exists")
    ]
    assert users == {"ana@example.com": ["team@example.com"]}  # Bob was not added


async def test_a_rename_while_an_update_hashes_is_overwritten_and_both_are_events(
    app_factory: AppFactory,
) -> None:
    """The later writer wins, and the user's history shows both writes in their order."""
    app = app_factory()
    async with started(app) as http:
        await upload(http, csv_bytes(user_rows(USERS)))
        first, version = await user_id(http, user_rows(USERS)[0][0])
        with held_hashing() as (hashing, release):
            updating = asyncio.create_task(
                upload(http, csv_bytes(renamed(USERS, "B")), on_existing="update")
            )
            await asyncio.to_thread(hashing.wait, 20)
            patched = await http.patch(
                f"/users/{first}", headers={"If-Match": version}, json={"name": "By hand"}
            )
            release.set()
            update = await updating
        now = (await http.get(f"/users/{first}")).json()
        events = (await http.get(f"/users/{first}/events")).json()["items"]

    assert patched.status_code == 200 and update.status_code == 201, update.text
    assert update.json()["updated"] == USERS
    assert now["name"] == renamed(USERS, "B")[0][1]
    assert now["version"] == patched.json()["version"] + 1
    kinds = [(event["kind"], event["import_id"] is not None) for event in events]
    assert kinds[:2] == [("updated", True), ("updated", False)]  # newest first
