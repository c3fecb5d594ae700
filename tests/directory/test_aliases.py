"""Linked aliases: a file's optional Aliases column (and the headers consoles export) gives each
user its other addresses, in one address space with every primary address: an address is held
by one user only, in the same file, across files and when imports race."""

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from app.passwords.hashing import PasswordHasherPool
from tests.conftest import AppFactory, make_client
from tests.helpers import HEADER, codes, csv_bytes, upload
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio
MODES = [{}, JOB_SETTINGS, {**JOB_SETTINGS, "job_part_rows": 10}]
MODE_IDS = ["sync", "job", "job-in-parts"]
WITH_ALIASES = [*HEADER, "Aliases"]


def people(count: int, start: int = 0) -> list[list[str]]:
    """Users with one alias each (a.N@), plus filler rows so a job's file is job-sized."""
    return [
        [f"user{n}@example.com", f"User {n}", f"Secret-{n}-pw", "FALSE", f"a.{n}@example.com"]
        for n in range(start, start + count)
    ]


async def imported(http: httpx.AsyncClient, data: bytes, **options: Any) -> dict[str, Any]:
    answer = await upload(http, data, **options)
    if answer.status_code == 202:
        return await wait_for(http, answer.headers["location"], "completed", "failed")
    body: dict[str, Any] = answer.json()
    return body


async def directory(http: httpx.AsyncClient) -> dict[str, list[str]]:
    items = (await http.get("/users", params={"limit": 500})).json()["items"]
    return {item["email"]: item["aliases"] for item in items}


@pytest.mark.parametrize("settings", MODES, ids=MODE_IDS)
async def test_a_file_links_aliases_and_any_address_finds_its_user(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    rows = people(12)
    rows[0][4] = (
        '"SMTP:user0@example.com;smtp:ana.0@example.com, a.0@EXAMPLE.com X500:/o=Org/ou=A B"'
    )
    async with started(app) as http:
        done = await imported(http, csv_bytes(rows, WITH_ALIASES))
        found = await directory(http)
        by_alias = (await http.get("/users", params={"address": "A.5@example.com"})).json()
        by_primary = (await http.get("/users", params={"address": "user5@example.com"})).json()

    assert (done["status"], done["added"]) == ("completed", 12), done
    assert found["user0@example.com"] == ["a.0@example.com", "ana.0@example.com"]
    assert all(found[f"user{n}@example.com"] == [f"a.{n}@example.com"] for n in range(1, 12))
    assert [u["email"] for u in by_alias["items"]] == ["user5@example.com"]
    assert by_alias["items"] == by_primary["items"]


@pytest.mark.parametrize("settings", MODES, ids=MODE_IDS)
async def test_an_address_is_held_once_in_a_file_and_across_files(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    async with started(app) as http:
        await imported(http, csv_bytes(people(12), WITH_ALIASES))
        # In the directory: an alias as another's Email, an Email as another's alias.
        later = people(12, start=100)
        later[1][0] = "a.3@example.com"  # user3's alias, as this row's Email
        later[2][4] = "x.1@example.com;user4@example.com"  # user4's primary, as an alias
        across = await imported(http, csv_bytes(later, WITH_ALIASES))
        # In the file: an alias twice, an alias as another row's Email.
        same = people(12, start=200)
        same[3][4] = "a.200@example.com"  # row 2's alias again
        same[5][0] = "a.201@example.com"  # row 3's alias as this row's Email
        within = await imported(http, csv_bytes(same, WITH_ALIASES))
        users = await directory(http)

    assert [(e["row"], e["column"], e["code"]) for e in across["errors"]] == [
        (3, "Email", "already_exists"), (4, "Aliases", "already_exists"),
    ]  # fmt: skip
    assert "Alias 2" in across["errors"][1]["message"]
    assert "user4" not in across["errors"][1]["message"]  # a message never quotes a cell
    assert [(e["row"], e["column"], e["code"]) for e in within["errors"]] == [
        (5, "Aliases", "duplicate_in_file"), (7, "Email", "duplicate_in_file"),
    ]  # fmt: skip
    assert len(users) == 12  # both refused whole


async def test_alias_cells_are_checked_entry_by_entry(client: httpx.AsyncClient) -> None:
    rows = [
        ["ana@example.com", "Ana", "Secret-0-pw", "TRUE", '"ok@example.com;not-an-address;x@y"'],
        ["bo@example.com", "Bo", "Secret-1-pw", "TRUE", "SMTP:someone.else@example.com"],
        ["cy@example.com", "Cy", "Secret-2-pw", "TRUE",
         " ".join(f"c{n}@example.com" for n in range(31))],
    ]  # fmt: skip
    answer = await upload(client, csv_bytes(rows, WITH_ALIASES))

    assert answer.status_code == 422
    assert codes(answer) == [
        (2, "Aliases", "invalid_email"), (2, "Aliases", "invalid_email"),
        (3, "Aliases", "invalid_value"), (4, "Aliases", "too_many_aliases"),
    ]  # fmt: skip
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages[0].startswith("Alias 2:") and messages[1].startswith("Alias 3:")
    assert "not-an-address" not in "".join(messages)


async def test_two_racing_imports_of_one_alias_one_wins_the_other_adds_nothing(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(app_factory(max_concurrent_imports=2))
    barrier = asyncio.Barrier(2)
    real = PasswordHasherPool.hash_all

    async def after_both_checked(self: PasswordHasherPool, passwords: Sequence[str]) -> list[str]:
        await asyncio.wait_for(barrier.wait(), 30)
        return await real(self, passwords)

    monkeypatch.setattr(PasswordHasherPool, "hash_all", after_both_checked)
    first = [["one@example.com", "One", "Secret-1-pw", "TRUE", "shared@example.com"]]
    second = [["two@example.com", "Two", "Secret-2-pw", "TRUE", "shared@example.com"]]
    answers = await asyncio.gather(
        upload(client, csv_bytes(first, WITH_ALIASES)),
        upload(client, csv_bytes(second, WITH_ALIASES)),
    )
    users = await directory(client)

    assert sorted(a.status_code for a in answers) == [201, 422]
    loser = next(a for a in answers if a.status_code == 422)
    assert codes(loser) == [(2, "Aliases", "already_exists")]
    assert list(users.values()) == [["shared@example.com"]]  # one user, with the alias


@pytest.mark.parametrize("settings", MODES, ids=MODE_IDS)
async def test_update_replaces_the_alias_set_an_absent_column_keeps_it_revert_restores_it(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    app = app_factory(**settings)
    async with started(app) as http:
        await imported(http, csv_bytes(people(12), WITH_ALIASES))
        changed = people(12)
        changed[0][4] = ""  # no aliases any more
        changed[1][4] = "b.1@example.com;a.1@example.com"  # one more
        update = await imported(http, csv_bytes(changed, WITH_ALIASES), on_existing="update")
        after_update = await directory(http)
        without_column = [row[:4] for row in people(12)]
        for row in without_column:
            row[2] = ""  # keep passwords
        names_only = await imported(
            http, csv_bytes([[e, n + "!", p, f] for e, n, p, f in without_column]),
            on_existing="update",
        )  # fmt: skip
        kept = await directory(http)
        undone = await http.post(f"/imports/{names_only['id']}/revert")
        reverted = await http.post(f"/imports/{update['id']}/revert")
        restored = await directory(http)

    assert update["status"] == "completed", update
    assert (update["updated"], update["skipped"]) == (12, 0)  # new passwords: all written
    assert after_update["user0@example.com"] == []
    assert after_update["user1@example.com"] == ["a.1@example.com", "b.1@example.com"]
    assert kept == after_update  # no Aliases column: aliases left as they are
    assert (undone.status_code, reverted.status_code) == (200, 200), reverted.text
    assert restored == {f"user{n}@example.com": [f"a.{n}@example.com"] for n in range(12)}


@pytest.mark.parametrize("settings", MODES, ids=MODE_IDS)
async def test_the_active_column_and_the_events_of_a_file_whatever_its_size(
    app_factory: AppFactory, settings: dict[str, Any]
) -> None:
    """Active: absent, a new user is active and an existing one left as it is; given, it is
    set. Every user a file writes gets its event, a job's set-wise as a sync import's."""
    app = app_factory(**settings)
    with_active = [*WITH_ALIASES, "Active"]
    async with started(app) as http:
        rows = [[*row, "FALSE" if n == 1 else ""] for n, row in enumerate(people(12))]
        added = await imported(http, csv_bytes(rows, with_active))
        changed = [[*row[:4], row[4], ""] for row in people(12)]
        for row in changed:
            row[2] = ""  # passwords kept
        changed[0][1], changed[1][5] = "Renamed", "TRUE"  # a rename, an enabling
        changed[2][4] = "b.2@example.com"  # another alias set
        updated = await imported(http, csv_bytes(changed, with_active), on_existing="update")
        users = {u["email"]: u for u in (await http.get("/users")).json()["items"]}
        events = {
            n: [(e["kind"], e["fields"]) for e in reversed(
                (await http.get(f"/users/{users[f'user{n}@example.com']['id']}/events"))
                .json()["items"])]
            for n in range(4)
        }  # fmt: skip

    assert added["status"] == "completed" and updated["status"] == "completed", updated
    assert (updated["updated"], updated["skipped"]) == (3, 9)  # nine left as they were
    assert [users[f"user{n}@example.com"]["active"] for n in range(3)] == [True, True, True]
    assert users["user2@example.com"]["aliases"] == ["b.2@example.com"]
    assert events == {
        0: [("added", []), ("updated", ["name"])],
        1: [("added", []), ("enabled", ["active"])],
        2: [("added", []), ("aliases_changed", ["aliases"])],
        3: [("added", [])],
    }
