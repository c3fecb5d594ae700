"""A big job is checked in parts (USERIMPORT_JOB_PART_ROWS) by any workers at once, then
planned set-wise: its verdict is the one the whole file gets, and it writes the same users."""

from typing import Any

import bcrypt
import pytest
from fastapi import FastAPI

from app.imports.jobs import part_checks, validate
from app.imports.jobs.runtime import JobRuntime
from app.imports.jobs.staging.files import StagingRepository
from tests.conftest import AppFactory
from tests.helpers import HEADER, all_users, csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, staged, started, wait_for

pytestmark = pytest.mark.anyio
HASH = bcrypt.hashpw(b"Imported-Pass-1", bcrypt.gensalt(rounds=4)).decode()
IN_PARTS = {**JOB_SETTINGS, "job_part_rows": 10}  # more than 20 rows: parts of about 10
WHOLE = {**JOB_SETTINGS, "job_part_rows": 100_000}


async def run(app: FastAPI, data: bytes, **options: Any) -> dict[str, Any]:
    async with started(app) as http:
        answer = await upload(http, data, **options)
        assert answer.status_code == 202, answer.text
        return await wait_for(http, answer.headers["location"], "completed", "failed")


def verdict(record: dict[str, Any]) -> tuple[object, ...]:
    errors = [(e["row"], e["column"], e["code"], e["message"]) for e in record["errors"]]
    return record["status"], record.get("rows"), record["error_count"], errors


@pytest.fixture
def parts_checked(monkeypatch: pytest.MonkeyPatch) -> set[tuple[int, int]]:
    """The (import, part) pairs the check_part task was run for."""
    seen: set[tuple[int, int]] = set()
    real = part_checks.check_part

    def check_part(rt: JobRuntime, import_id: int, part: int) -> None:
        seen.add((import_id, part))
        real(rt, import_id, part)

    monkeypatch.setattr(part_checks, "check_part", check_part)
    return seen


def flawed_rows() -> list[list[str]]:
    rows = user_rows(60)
    rows[41][0] = rows[3][0]  # row 43 repeats row 5: parts apart
    rows[45][0] = rows[3][0].upper()  # row 47 too, in any case
    rows[12][3] = "maybe"  # row 14: invalid_boolean
    rows[50][0] = "not-an-address"  # row 52
    return rows


async def test_a_job_in_parts_completes_with_every_user_in_order(
    app_factory: AppFactory, parts_checked: set[tuple[int, int]]
) -> None:
    app = app_factory(**IN_PARTS)
    rows = user_rows(95)

    done = await run(app, csv_bytes(rows))

    assert len(parts_checked) == 10  # 95 rows in parts of about 10
    assert (done["status"], done["added"], done["rows"]) == ("completed", 95, 95)
    assert done["progress"] == {"done": 95, "total": 95}
    async with started(app) as http:
        assert [u["email"] for u in await all_users(http)] == [row[0] for row in rows]
    assert await staged(app) == 0


@pytest.mark.parametrize("quoted", [False, True], ids=["lines", "quoted"])
async def test_a_flawed_file_gets_the_verdict_of_the_whole_file(
    app_factory: AppFactory, quoted: bool, parts_checked: set[tuple[int, int]]
) -> None:
    data = csv_bytes(flawed_rows())
    if quoted:  # a quoted cell: the parts read the whole file, each checking every n-th row
        data = data.replace(b"User 7,", b'"User, 7",')

    in_parts = await run(app_factory(**IN_PARTS), data)
    whole = await run(app_factory(**WHOLE), data)

    assert len(parts_checked) == (0 if quoted else 6)  # a quoted file is checked whole
    assert verdict(in_parts) == verdict(whole)
    assert in_parts["status"] == "failed"
    assert {(e["row"], e["code"]) for e in in_parts["errors"]} >= {
        (43, "duplicate_in_file"), (47, "duplicate_in_file"), (14, "invalid_boolean"),
        (52, "invalid_email"),
    }  # fmt: skip


async def test_a_part_that_could_not_read_its_rows_makes_the_plan_check_the_file_whole(
    app_factory: AppFactory,
) -> None:
    """The web process refuses a broken file before it is a job, so a part meets no file
    error in practice; if one did, the plan checks the file whole instead of trusting parts."""
    app = app_factory(**{**IN_PARTS, "embedded_worker": False})  # the test runs the tasks
    runtime = app.state.imports.jobs
    async with started(app) as http:
        answer = await upload(http, csv_bytes(user_rows(60)))
        import_id, location = answer.json()["id"], answer.headers["location"]
        validate.validate(runtime, import_id)
        with app.state.session_factory() as session:
            parts = len(StagingRepository(session).parts(import_id))
        for part in range(parts):
            part_checks.check_part(runtime, import_id, part)
        with app.state.session_factory.begin() as session:
            found = StagingRepository(session).part(import_id, 0)
            assert found is not None
            found.whole = True
        part_checks.plan(runtime, import_id)
        record = (await http.get(location)).json()

    assert parts == 6
    assert (record["status"], record["progress"]) == ("hashing", {"done": 0, "total": 60})


async def test_an_address_repeated_across_parts_of_imported_hashes_is_found(
    app_factory: AppFactory, parts_checked: set[tuple[int, int]]
) -> None:
    """A part with no error stages its users at once (their hashes came with them), and
    no key besides: the plan finds a later part's repeat of one of those users' addresses,
    as the whole file's reading does."""
    rows = [[email, name, "", force, HASH] for email, name, _pw, force in user_rows(60)]
    rows[41][0] = rows[3][0]  # row 43 repeats row 5, in another part
    data = csv_bytes(rows, [*HEADER, "Password Hash"])

    in_parts = await run(app_factory(**IN_PARTS), data)
    whole = await run(app_factory(**WHOLE), data)

    assert len(parts_checked) == 6
    assert verdict(in_parts) == verdict(whole)
    assert [(e["row"], e["code"]) for e in in_parts["errors"]] == [(43, "duplicate_in_file")]


@pytest.mark.parametrize("hashed", [False, True], ids=["passwords", "hashes"])
@pytest.mark.parametrize("on_existing", ["error", "skip", "update"])
async def test_existing_users_in_parts_as_in_the_whole_file(
    app_factory: AppFactory, on_existing: str, hashed: bool, parts_checked: set[tuple[int, int]]
) -> None:
    """Passwords are hashed after the plan; imported hashes are staged by the parts, before
    the directory is asked: both are updated or skipped as the plan found."""
    app = app_factory(**IN_PARTS)
    rows = user_rows(70)
    for row in rows:
        row[1] += " Renamed"
    data = csv_bytes(rows)
    if hashed:
        imported = [[email, name, "", force, HASH] for email, name, _pw, force in rows]
        data = csv_bytes(imported, [*HEADER, "Password Hash"])
    async with started(app) as http:
        seed = await upload(http, csv_bytes(user_rows(30, start=20)))  # users 20-49 exist
        await wait_for(http, seed.headers["location"], "completed", "failed")
        answer = await upload(http, data, on_existing=on_existing)
        done = await wait_for(http, answer.headers["location"], "completed", "failed")
        names = {u["email"]: u["name"] for u in await all_users(http)}
    assert len(parts_checked) == 3 + 7  # the seed's 30 rows, then 70, in parts of about 10
    if on_existing == "error":
        assert (done["status"], done["error_count"]) == ("failed", 30)
        assert {e["row"] for e in done["errors"]} == set(range(22, 52))
        assert {e["code"] for e in done["errors"]} == {"already_exists"}
        return
    updated = 30 if on_existing == "update" else 0
    skipped = 30 if on_existing == "skip" else 0
    assert (done["status"], done["added"], done["updated"], done["skipped"]) == (
        "completed", 40, updated, skipped,
    )  # fmt: skip
    assert len(names) == 70
    renamed = {email for email, name in names.items() if str(name).endswith("Renamed")}
    assert len(renamed) == 40 + updated
    assert await staged(app) == 0
