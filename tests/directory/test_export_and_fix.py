"""The administrator's round trip: export the directory as the template's CSV, fix names in it,
import it again with on_existing=update: names and flags change, passwords stay."""

import csv
import io
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core.spreadsheet import restored
from app.db.models.directory import DirectoryUser
from tests.conftest import AppFactory
from tests.helpers import HEADER, csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio


def hashes(app: FastAPI) -> dict[str, str]:
    with app.state.session_factory() as session:
        found = session.execute(select(DirectoryUser.email, DirectoryUser.password_hash))
        return {email: password_hash for email, password_hash in found}


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_directory_exports_as_the_template_with_the_filters(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    rows = user_rows(3)
    rows[1][1] = "=HYPERLINK(1)"
    async with started(app) as http:
        first = await upload(http, csv_bytes(rows))
        await upload(http, csv_bytes(user_rows(2, start=10)))
        everyone = await http.get("/users", headers={"Accept": "text/csv"})
        only_first = await http.get(
            "/users", params={"import_id": first.json()["id"]}, headers={"Accept": "text/csv"}
        )
        one = await http.get(
            "/users", params={"email": "USER2@example.com"}, headers={"Accept": "text/csv"}
        )
        as_json = await http.get("/users", headers={"Accept": "application/json"})

    assert everyone.status_code == 200
    assert everyone.headers["content-type"] == "text/csv; charset=utf-8"
    assert everyone.headers["content-disposition"].startswith('attachment; filename="users-')
    table = read_csv(everyone.content)
    assert table[0] == [*HEADER, "Aliases", "Active"]  # the template's, then the optional
    assert [line[0] for line in table[1:]] == [r[0] for r in rows + user_rows(2, start=10)]
    assert table[2] == ["user1@example.com", "'=HYPERLINK(1)", "", "TRUE", "", "TRUE"]
    assert all(line[2] == "" for line in table[1:])  # never a password or a hash
    assert [line[0] for line in read_csv(only_first.content)[1:]] == [r[0] for r in rows]
    assert read_csv(one.content)[1:] == [["user2@example.com", "User 2", "", "FALSE", "", "TRUE"]]
    assert as_json.json()["items"][0]["email"] == "user0@example.com"


@pytest.mark.parametrize(
    "settings",
    [{}, JOB_SETTINGS, {**JOB_SETTINGS, "job_part_rows": 10}],
    ids=["sync", "job", "job-in-parts"],
)
async def test_export_edit_and_reimport_with_update_keeps_every_password(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    rows = user_rows(60)
    async with started(app) as http:
        added = await upload(http, csv_bytes(rows))
        if added.status_code == 202:
            await wait_for(http, added.headers["location"], "completed")
        before = hashes(app)
        exported = read_csv((await http.get("/users", headers={"Accept": "text/csv"})).content)
        edited = [
            [email, f"{name} Fixed", password, "TRUE", aliases, active]
            for email, name, password, _f, aliases, active in exported[1:]
        ]
        answer = await upload(http, csv_bytes(edited, exported[0]), on_existing="update")
        done = answer.json()
        if answer.status_code == 202:
            done = await wait_for(http, answer.headers["location"], "completed", "failed")
        users = (await http.get("/users", params={"limit": 500})).json()["items"]

    assert (done["status"], done["updated"], done["added"]) == ("completed", 60, 0), done
    assert {u["name"] for u in users} == {f"User {n} Fixed" for n in range(60)}
    assert all(u["force_change_password"] for u in users)
    assert hashes(app) == before  # byte for byte


@pytest.mark.parametrize(
    "settings",
    [{}, JOB_SETTINGS, {**JOB_SETTINGS, "job_part_rows": 10}],
    ids=["sync", "job", "job-in-parts"],
)
async def test_an_empty_password_is_still_required_for_a_new_user(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    async with started(app) as http:
        seeded = await upload(http, csv_bytes(user_rows(50)))
        if seeded.status_code == 202:
            await wait_for(http, seeded.headers["location"], "completed")
        rows = user_rows(60)  # users 50-59 are new
        for row in rows:
            row[2] = ""
        answer = await upload(http, csv_bytes(rows), on_existing="update")
        done = answer.json()
        if answer.status_code == 202:
            done = await wait_for(http, answer.headers["location"], "completed", "failed")
        also_error = await upload(
            http, csv_bytes([*user_rows(1, start=70), ["a@example.com", "A", "", "TRUE"]])
        )

    assert done["error_count"] == 10
    assert {(e["row"], e["column"], e["code"]) for e in done["errors"]} == {
        (n + 2, "Password", "missing_value") for n in range(50, 60)
    }
    assert "no user with this address" in done["errors"][0]["message"]
    # Without update, an empty Password is missing whatever the directory holds.
    assert [e["code"] for e in also_error.json()["errors"]] == ["missing_value"]


HOSTILE_NAMES = [
    "=HYPERLINK(\"http://evil.example/\",\"x\")", "+SUM(1,2)", "-2+3", "@SUM(A1)",
    "'=already quoted", "''=twice", "'Ollie", "O'Brien", "=", "'", "Plain Name",
]  # fmt: skip


@pytest.mark.parametrize(
    "settings",
    [{}, JOB_SETTINGS, {**JOB_SETTINGS, "job_part_rows": 10}],
    ids=["sync", "job", "job-in-parts"],
)
async def test_the_export_goes_back_in_unchanged_whatever_its_cells_start_with(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    """Before: names and addresses starting with = + - @ came back with the export's quote
    ('=fx5@...: refused as no such user; '=HYPERLINK(...) written as the new name)."""
    app = app_factory(**settings)
    rows = user_rows(len(HOSTILE_NAMES))
    for row, name in zip(rows, HOSTILE_NAMES, strict=True):
        row[1] = f'"{name.replace(chr(34), chr(34) * 2)}"'
    rows[0][0], rows[1][0] = "=fx5@example.com", "-dash@example.com"
    async with started(app) as http:
        added = await upload(http, csv_bytes(rows))
        if added.status_code == 202:
            await wait_for(http, added.headers["location"], "completed")
        before = {u["email"]: u["name"] for u in (await http.get("/users")).json()["items"]}
        exported = (await http.get("/users", headers={"Accept": "text/csv"})).content
        answer = await upload(http, exported, on_existing="update")
        done = answer.json()
        if answer.status_code == 202:
            done = await wait_for(http, answer.headers["location"], "completed", "failed")
        after = {u["email"]: u["name"] for u in (await http.get("/users")).json()["items"]}

    # A file is read as an export is (one leading quote before = + - @ is the export's).
    assert sorted(before.values()) == sorted(restored(name) for name in HOSTILE_NAMES)
    assert "'=twice" in before.values() and "'Ollie" in before.values()
    assert "'=fx5@example.com" in exported.decode("utf-8-sig")  # neutralised in the file
    # Nothing to change: every user left as it is (not written: skipped).
    assert (done["status"], done["updated"], done["skipped"]) == ("completed", 0, len(rows)), done
    assert after == before
