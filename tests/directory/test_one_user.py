"""One user at a time: read it with its version (ETag), change it (name, flag, active, aliases,
password) or delete it, only if it is still the version read (If-Match); every change an event
naming who made it and which fields changed, never their values."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from app.auth.keys import Role
from app.db.models.directory import DirectoryUser
from tests.auth.test_auth import create_key
from tests.conftest import AppFactory, make_client
from tests.helpers import HEADER, csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import started

pytestmark = pytest.mark.anyio
WITH_ALIASES = [*HEADER, "Aliases"]


async def first_user(http: httpx.AsyncClient) -> dict[str, Any]:
    item: dict[str, Any] = (await http.get("/users")).json()["items"][0]
    return item


def stored_hash(app: FastAPI, user_id: int) -> str:
    with app.state.session_factory() as session:
        found: str | None = session.scalar(
            select(DirectoryUser.password_hash).where(DirectoryUser.id == user_id)
        )
        assert found is not None
        return found


async def test_a_user_is_changed_only_at_the_version_read(app_factory: AppFactory) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(
            http,
            csv_bytes(
                [["ana@example.com", "Ana", "Secret-0-pw", "TRUE", "as@example.com"]], WITH_ALIASES
            ),
        )
        user = await first_user(http)
        read = await http.get(f"/users/{user['id']}")
        etag = read.headers["etag"]
        patched = await http.patch(
            f"/users/{user['id']}", headers={"If-Match": etag},
            json={"name": "Ana Smith", "aliases": ["as@example.com", "ana.smith@example.com"],
                  "force_change_password": False},
        )  # fmt: skip
        stale = await http.patch(
            f"/users/{user['id']}", headers={"If-Match": etag}, json={"name": "Stale"}
        )
        stale_delete = await http.delete(f"/users/{user['id']}", headers={"If-Match": etag})
        now = await http.get(f"/users/{user['id']}")

    assert read.status_code == 200 and read.json() == user
    assert etag == f'"{user["version"]}"'
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["name"], body["force_change_password"]) == ("Ana Smith", False)
    assert body["aliases"] == ["ana.smith@example.com", "as@example.com"]
    assert body["version"] == user["version"] + 1
    assert patched.headers["etag"] == f'"{body["version"]}"'
    for answer in (stale, stale_delete):
        assert (answer.status_code, answer.json()["code"]) == (412, "version_mismatch")
    assert now.json() == body  # the 412s changed nothing


async def test_a_reader_cannot_write_and_bad_values_are_listed_by_field(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(http, csv_bytes(user_rows(2)))
        first, second = (await http.get("/users")).json()["items"]
        reader_key = create_key(app, "dashboard", Role.READER)
        async with make_client(app, {"Authorization": f"Bearer {reader_key}"}) as reader:
            read = await reader.get(f"/users/{first['id']}")
            refused = [
                await reader.patch(f"/users/{first['id']}", json={"name": "X"}),
                await reader.delete(f"/users/{first['id']}"),
            ]
        invalid = await http.patch(
            f"/users/{first['id']}",
            json={"name": "Tab\there", "aliases": ["ok@example.com", "bad"], "password": "qX7!"},
        )
        taken = await http.patch(
            f"/users/{first['id']}", json={"aliases": ["x@example.com", second["email"]]}
        )
        unknown_field = await http.patch(f"/users/{first['id']}", json={"email": "new@x.com"})
        missing = await http.patch("/users/999999", json={"name": "X"})
        unchanged = await http.get(f"/users/{first['id']}")

    assert read.status_code == 200
    assert [(a.status_code, a.json()["code"]) for a in refused] == [(403, "forbidden")] * 2
    assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_user")
    assert [(e["column"], e["code"]) for e in invalid.json()["errors"]] == [
        ("name", "invalid_value"), ("aliases", "invalid_email"), ("password", "password_too_short"),
    ]  # fmt: skip
    assert "qX7!" not in invalid.text  # a password is never echoed
    assert (taken.status_code, taken.json()["code"]) == (409, "address_taken")
    assert "Alias 2" in taken.json()["detail"]
    assert (unknown_field.status_code, unknown_field.json()["code"]) == (422, "invalid_request")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert unchanged.json() == first


async def test_a_new_password_is_hashed_and_never_shown(app_factory: AppFactory) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(http, csv_bytes(user_rows(1)))
        user = await first_user(http)
        before = stored_hash(app, user["id"])
        answer = await http.patch(f"/users/{user['id']}", json={"password": "N3w-Passphrase!"})

    assert answer.status_code == 200
    assert "N3w-Passphrase!" not in answer.text and "password" not in answer.json()
    after = stored_hash(app, user["id"])
    assert after != before and after.startswith("$argon2id$")
    assert app.state.hasher.verify(after, "N3w-Passphrase!")


async def test_a_disabled_user_keeps_its_addresses_and_is_found_by_active(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        await upload(
            http,
            csv_bytes(
                [
                    ["ana@example.com", "Ana", "Secret-0-pw", "TRUE", "as@example.com"],
                    *user_rows(2),
                ],
                WITH_ALIASES,
            ),
        )
        ana = await first_user(http)
        disabled = await http.patch(f"/users/{ana['id']}", json={"active": False})
        only_disabled = (await http.get("/users", params={"active": "false"})).json()["items"]
        only_active = (await http.get("/users", params={"active": "true"})).json()["items"]
        again = await upload(
            http,
            csv_bytes(
                [["x@example.com", "X", "Secret-9-pw", "TRUE", "as@example.com"]], WITH_ALIASES
            ),
        )
        primary_again = await upload(
            http, csv_bytes([["ana@example.com", "A", "Secret-9-pw", "TRUE"]])
        )

    assert (disabled.status_code, disabled.json()["active"]) == (200, False)
    assert [u["email"] for u in only_disabled] == ["ana@example.com"]
    assert len(only_active) == 2
    assert [e["code"] for e in again.json()["errors"]] == ["already_exists"]
    assert [e["code"] for e in primary_again.json()["errors"]] == ["already_exists"]


async def test_a_deleted_users_addresses_can_be_imported_again(app_factory: AppFactory) -> None:
    app = app_factory()
    row = ["ana@example.com", "Ana", "Secret-0-pw", "TRUE", "as@example.com"]
    async with started(app) as http:
        await upload(http, csv_bytes([row], WITH_ALIASES))
        ana = await first_user(http)
        deleted = await http.delete(f"/users/{ana['id']}")
        gone = await http.get(f"/users/{ana['id']}")
        again = await upload(http, csv_bytes([row], WITH_ALIASES))
        new = await first_user(http)

    assert deleted.status_code == 204
    assert (gone.status_code, gone.json()["code"]) == (404, "not_found")
    assert again.status_code == 201, again.text
    assert new["id"] != ana["id"] and new["aliases"] == ["as@example.com"]


async def test_every_change_is_an_event_with_its_actor_and_no_value(
    app_factory: AppFactory, database_url: str
) -> None:
    app = app_factory()
    admin = create_key(app, "ops", Role.ADMIN)
    async with started(app) as http, make_client(app, {"Authorization": f"Bearer {admin}"}) as ops:
        added = await upload(http, csv_bytes(user_rows(2)))
        user = await first_user(http)
        uid = user["id"]
        rows = user_rows(2)
        rows[0][1] = "Renamed By Import"
        updated = await upload(http, csv_bytes(rows), on_existing="update")
        await http.post(f"/imports/{updated.json()['id']}/revert")
        await ops.patch(f"/users/{uid}", json={"aliases": ["al@example.com"]})
        await ops.patch(f"/users/{uid}", json={"active": False})
        await ops.patch(f"/users/{uid}", json={"active": True, "name": "Back"})
        await ops.patch(f"/users/{uid}", json={"name": "Back"})  # no change: no event
        await ops.delete(f"/users/{uid}")
        events = (await http.get(f"/users/{uid}/events")).json()["items"]
        none = await http.get("/users/999999/events")
    with app.state.engine.connect() as connection:
        stored = " ".join(str(r) for r in connection.execute(text("SELECT * FROM directory_event")))

    kinds = [(e["kind"], e["actor"], e["import_id"], e["fields"]) for e in reversed(events)]
    import_id, update_id = added.json()["id"], updated.json()["id"]
    assert kinds == [
        ("added", "USERIMPORT_API_KEY", import_id, []),
        ("updated", "USERIMPORT_API_KEY", update_id, ["name", "password"]),
        ("reverted", "USERIMPORT_API_KEY", update_id, ["name", "password"]),
        ("aliases_changed", "ops", None, ["aliases"]),
        ("disabled", "ops", None, ["active"]),
        ("enabled", "ops", None, ["name", "active"]),
        ("deleted", "ops", None, []),
    ]
    assert none.status_code == 404
    for value in ("user0@example.com", "User 0", "Renamed", "Back", "al@example.com", "$argon2"):
        assert value not in stored  # no event holds a value


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
async def test_events_page_by_page_are_the_whole_history_with_added_last(
    app_factory: AppFactory, limit: int
) -> None:
    """The `added` of a user is read from it (an import writes no event per user it adds) and
    kept as an event when the user is deleted: either way it ends the history, whatever the
    page size."""
    app = app_factory()
    async with started(app) as http:
        added = (await upload(http, csv_bytes(user_rows(1)))).json()
        uid = (await first_user(http))["id"]
        for name in ("One", "Two"):
            await http.patch(f"/users/{uid}", json={"name": name})
        alive = await all_events(http, uid, limit)
        await http.delete(f"/users/{uid}")
        after = await all_events(http, uid, limit)
    with app.state.engine.connect() as connection:
        stored = connection.execute(text("SELECT kind FROM directory_event")).scalars().all()

    assert [(e["kind"], e["id"] is None) for e in alive] == [
        ("updated", False), ("updated", False), ("added", True)
    ]  # fmt: skip
    assert after[1:] == alive  # the user's `added` outlives it, as it was
    assert after[-1]["import_id"] == added["id"] and after[-1]["actor"] == "USERIMPORT_API_KEY"
    assert after[0]["kind"] == "deleted"
    assert sorted(stored) == ["added", "deleted", "updated", "updated"]


async def all_events(http: httpx.AsyncClient, uid: int, limit: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = (await http.get(f"/users/{uid}/events", params=params)).json()
        assert len(page["items"]) <= limit
        found += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError("the pages never end")


async def test_a_revert_is_refused_once_an_api_call_changed_its_user(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with started(app) as http:
        added = (await upload(http, csv_bytes(user_rows(3)))).json()
        user = await first_user(http)
        await http.patch(f"/users/{user['id']}", json={"name": "Changed By Hand"})
        refused = await http.post(f"/imports/{added['id']}/revert")
        left = (await http.get("/users")).json()["items"]

    assert (refused.status_code, refused.json()["code"]) == (409, "users_changed_since")
    assert refused.json()["users"] == [user["email"]]
    assert len(left) == 3
