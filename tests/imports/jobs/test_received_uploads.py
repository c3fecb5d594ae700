"""A file larger than USERIMPORT_MAX_UPLOAD_BYTES is never held by the web process: it is staged
in parts as it arrives (app/imports/jobs/receive.py), then checked in parts by the job (or, a dry
run, during the request). Its verdict is the one a held file gets."""

import asyncio
import codecs
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.imports.http.upload import SPILL_BYTES
from app.imports.jobs import part_checks, validate
from app.imports.jobs import receive as reception
from app.imports.jobs.part_cutter import PartCutter
from app.imports.jobs.retention import STALE_UPLOAD, prune
from app.imports.jobs.staging.files import StagingRepository
from app.imports.records import status
from tests.conftest import AppFactory
from tests.helpers import HEADER, all_users, csv_bytes, upload, user_rows
from tests.imports.jobs.test_job_parts import flawed_rows, parts_checked, verdict
from tests.imports.jobs.test_jobs import JOB_SETTINGS, staged, started, wait_for

pytestmark = pytest.mark.anyio
__all__ = ["parts_checked"]  # a fixture
RECEIVED = {**JOB_SETTINGS, "job_part_rows": 10, "max_upload_bytes": 1024}
HELD = {**JOB_SETTINGS, "job_part_rows": 100_000, "max_upload_bytes": 1024 * 1024}


@pytest.fixture
def parts_written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each part the web process staged as the file arrived."""
    sizes: list[int] = []
    real = reception.Reception._write

    async def write(self: reception.Reception, part: Any) -> None:
        sizes.append(len(part.data))
        await real(self, part)

    monkeypatch.setattr(reception.Reception, "_write", write)
    return sizes


async def outcome(app: FastAPI, data: bytes, **options: Any) -> dict[str, Any]:
    async with started(app) as http:
        answer = await upload(http, data, **options)
        if answer.status_code != 202:
            assert answer.status_code in (200, 422), answer.text
            return dict(answer.json())
        return await wait_for(http, answer.headers["location"], "completed", "failed")


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """An answer but what differs between any two requests."""
    return {k: v for k, v in body.items() if k not in ("id", "import_id", "request_id")}


async def test_a_file_over_the_upload_limit_is_received_in_parts_and_imported(
    app_factory: AppFactory, parts_written: list[int], parts_checked: set[tuple[int, int]]
) -> None:
    app = app_factory(**RECEIVED)
    rows = user_rows(95)
    data = csv_bytes(rows)
    assert len(data) > 1024

    done = await outcome(app, data)

    assert (done["status"], done["added"], done["rows"]) == ("completed", 95, 95)
    assert len(parts_written) == 10 and max(parts_written) < 1024  # never the whole file
    assert len(parts_checked) == 10  # each checked apart
    async with started(app) as http:
        assert [u["email"] for u in await all_users(http)] == [row[0] for row in rows]
    assert await staged(app) == 0


@pytest.fixture
def whole_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The jobs whose file a worker read whole (joined again from its parts)."""
    seen: list[int] = []
    real = validate.validate_whole

    def validate_whole(rt: Any, import_id: int) -> None:
        seen.append(import_id)
        real(rt, import_id)

    monkeypatch.setattr(validate, "validate_whole", validate_whole)
    monkeypatch.setattr(part_checks, "validate_whole", validate_whole)
    return seen


SHAPES = ["lines", "quoted-line-break", "windows-1252", "utf-16", "utf-16-be", "lone-cr"]


@pytest.mark.parametrize("dry_run", [False, True], ids=["job", "dry-run"])
@pytest.mark.parametrize("variant", [*SHAPES, "mixed-encodings", "too-many-rows"])
async def test_a_received_file_gets_the_verdict_of_a_held_one(
    app_factory: AppFactory,
    variant: str,
    dry_run: bool,
    parts_written: list[int],
    whole_reads: list[int],
) -> None:
    """Every shape of file a whole reading accepts is cut on record boundaries and its parts
    checked apart (never read whole by one worker): UTF-8, Windows-1252, a spreadsheet's
    "Unicode text" (UTF-16, tabs) of either byte order, lone-CR line ends, quoted line breaks.
    A file only a whole reading can judge (mixed encodings) is joined again and read whole.
    The verdict is the held file's either way."""
    rows = flawed_rows()
    settings: dict[str, Any] = {}
    if variant == "quoted-line-break":
        rows[20][1] = '"User\nTwenty"'
    if variant in ("windows-1252", "mixed-encodings", "utf-16", "utf-16-be"):
        rows[30][1] = "Zoë"
    if variant == "too-many-rows":
        settings["max_rows"] = 50
    data = csv_bytes(rows)
    if variant == "windows-1252":
        data = data.decode().encode("cp1252")
    if variant == "mixed-encodings":
        data = (
            data.decode().encode("cp1252") + "x@example.com,Zoë,Correct-Horse-9,TRUE\r\n".encode()
        )
    if variant in ("utf-16", "utf-16-be"):
        order = "utf-16-le" if variant == "utf-16" else "utf-16-be"
        bom = codecs.BOM_UTF16_LE if variant == "utf-16" else codecs.BOM_UTF16_BE
        data = bom + data.decode().replace(",", "\t").encode(order)
    if variant == "lone-cr":
        data = data.replace(b"\r\n", b"\r")

    received = await outcome(app_factory(**{**RECEIVED, **settings}), data, dry_run=dry_run)
    held = await outcome(app_factory(**{**HELD, **settings}), data, dry_run=dry_run)

    assert parts_written  # the first was received in parts
    if dry_run:
        assert answer(received) == answer(held)
    else:
        assert verdict(received)[2:] == verdict(held)[2:]  # (a held file refused: 422 at once)
        if variant not in ("too-many-rows", "mixed-encodings"):
            assert verdict(received) == verdict(held)
            assert (received["encoding"], received["columns"]) == (
                held["encoding"], held["columns"],
            )  # fmt: skip
    # The file's one error when it is too long or mixed; else its 4 flaws (and a name over two
    # lines).
    expected = {"too-many-rows": 1, "mixed-encodings": 1, "quoted-line-break": 5}.get(variant, 4)
    assert received["error_count"] == expected
    if not dry_run:  # (the held file is read whole: it is small)
        assert (received["id"] in whole_reads) == (variant == "mixed-encodings")


@pytest.mark.parametrize("variant", ["lines", "quoted-line-break"])
async def test_a_received_file_with_aliases_is_imported_with_them_and_leaves_nothing_staged(
    app_factory: AppFactory, variant: str, parts_written: list[int]
) -> None:
    """Its parts stage their aliases as they are checked; a quoted line break in a later part
    has the file read whole again: what the parts staged goes first, and nothing stays."""
    rows = [[*row, f"alias{n}@example.com"] for n, row in enumerate(user_rows(60))]
    expected = {row[0]: [row[4]] for row in rows}
    if variant == "quoted-line-break":  # (addresses in a cell may be on lines of their own)
        rows[50][4] = '"alias50@example.com\nsecond50@example.com"'
        expected[rows[50][0]].append("second50@example.com")
    app = app_factory(**RECEIVED)

    done = await outcome(app, csv_bytes(rows, [*HEADER, "Aliases"]))

    assert len(parts_written) > 1
    assert (done["status"], done["added"]) == ("completed", 60), done
    async with started(app) as http:
        aliases = {u["email"]: u["aliases"] for u in await all_users(http)}
    assert aliases == expected
    assert await staged(app) == 0


async def test_a_valid_dry_run_received_in_parts_says_what_it_would_write(
    app_factory: AppFactory, parts_written: list[int]
) -> None:
    app = app_factory(**RECEIVED)
    data = csv_bytes(user_rows(95))

    answer = await outcome(app, data, dry_run=True)

    assert len(parts_written) == 10
    assert (answer["status"], answer["rows"], answer["planned"]["added"]) == (
        "validated", 95, 95,
    )  # fmt: skip
    async with started(app) as http:
        assert await all_users(http) == []
    assert await staged(app) == 0


async def test_a_client_that_goes_away_mid_upload_leaves_nothing(
    app_factory: AppFactory, parts_written: list[int]
) -> None:
    app = app_factory(**RECEIVED)
    data = csv_bytes(user_rows(200))
    boundary = "cut-short"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    async def body() -> AsyncIterator[bytes]:
        yield head
        yield data[: len(data) // 2]  # then the client is gone

    async with started(app) as http:
        answer = await http.post(
            "/imports",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        listed = (await http.get("/imports")).json()["items"]

    assert answer.status_code in (400, 422)
    assert len(parts_written) >= 2  # parts were staged before the body broke off
    assert listed == []  # no import was made of it
    assert await staged(app) == 0


async def test_an_idempotent_retry_of_a_received_file_is_answered_once(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**RECEIVED)
    data = csv_bytes(user_rows(60))
    async with started(app) as http:
        headers = {"Idempotency-Key": "received-1"}
        files = {"file": ("u.csv", data, "text/csv")}
        first = await http.post("/imports", files=files, headers=headers)
        again = await http.post("/imports", files=files, headers=headers)
        await wait_for(http, first.headers["location"], "completed")
        listed = (await http.get("/imports")).json()["items"]

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert len(listed) == 1
    assert await staged(app) == 0


async def test_cancelling_an_import_while_its_file_arrives_stops_the_upload(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**RECEIVED)
    data = csv_bytes(user_rows(200))
    boundary = "cancelled"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    async with started(app) as http:

        async def body() -> AsyncIterator[bytes]:
            yield head
            yield data[:2000]
            receiving = (await http.get("/imports")).json()["items"]
            assert [item["status"] for item in receiving] == ["receiving"]
            cancel = await http.post(f"/imports/{receiving[0]['id']}/cancel")
            assert cancel.json()["status"] == "cancelled"
            yield data[2000:]
            yield f"\r\n--{boundary}--\r\n".encode()

        answer = await http.post(
            "/imports",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        listed = (await http.get("/imports")).json()["items"]

    assert (answer.status_code, answer.json()["code"]) == (409, "import_finished")
    assert [item["status"] for item in listed] == ["cancelled"]
    assert await staged(app) == 0


async def test_without_jobs_a_file_over_the_upload_limit_is_413(app_factory: AppFactory) -> None:
    app = app_factory(**{**RECEIVED, "staging_key": None})
    async with started(app) as http:
        answer = await upload(http, csv_bytes(user_rows(95)))
    assert (answer.status_code, answer.json()["code"]) == (413, "upload_too_large")


def test_parts_are_cut_at_line_ends_with_the_header_before_each() -> None:
    data = csv_bytes(user_rows(25))
    cutter = PartCutter(part_rows=10)
    parts = [part for n in range(0, len(data), 7) for part in cutter.feed(data[n : n + 7])]
    parts += list(cutter.finish())

    header = (",".join(HEADER) + "\r\n").encode()
    assert [part.first_row for part in parts] == [2, 11, 21]
    assert parts[0].data.startswith(header) and parts[0].head_bytes == 0
    assert all(part.data.startswith(header) for part in parts[1:])
    assert b"".join(part.data[part.head_bytes :] for part in parts) == data
    assert (cutter.rows, cutter.apart) == (25, True)


def test_an_upload_left_arriving_by_a_stopped_server_is_failed_and_dropped_by_the_pruning(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**RECEIVED)
    settings = app.state.settings
    with app.state.session_factory.begin() as session:
        old = status.new_record(dry_run=False, on_existing="error", filename=None, created_by="t")
        status.receiving(old)
        old.created_at = utcnow() - STALE_UPLOAD - timedelta(minutes=1)
        new = status.new_record(dry_run=False, on_existing="error", filename=None, created_by="t")
        status.receiving(new)
        session.add_all([old, new])
        session.flush()
        for record in (old, new):
            StagingRepository(session).add_part(record.id, 0, 2, b"sealed", None)
        ids = old.id, new.id

    with app.state.session_factory.begin() as session:
        pruned = prune(session, settings, timedelta(days=30))
    with app.state.session_factory() as session:
        found = [session.get(UserImport, n) for n in ids]
        left = StagingRepository(session).pieces(ids[0]), StagingRepository(session).pieces(ids[1])

    assert pruned.stale_uploads == 1
    assert [record.status for record in found if record] == ["failed", "receiving"]
    assert found[0] is not None and found[0].errors[0]["code"] == "interrupted"
    assert left == ([], [(0, 0)])  # the live upload keeps its part


async def test_a_slow_upload_still_arriving_is_not_pruned_and_a_dead_one_is(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: any upload still arriving 6 hours after it began was failed as dead. Now its
    request renews a lease: the pruning fails only one whose lease ran out."""
    monkeypatch.setattr(reception, "UPLOAD_LEASE", timedelta(seconds=0.6))  # renewed every 0.2 s
    app = app_factory(**RECEIVED)
    settings = app.state.settings
    data = csv_bytes(user_rows(200))
    boundary = "slow"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    with app.state.session_factory.begin() as session:  # a request that died: lease over
        dead = status.new_record(dry_run=False, on_existing="error", filename=None, created_by="t")
        status.receiving(dead)
        dead.alive_until = utcnow() - timedelta(seconds=1)
        session.add(dead)
        session.flush()
        dead_id = dead.id
    pruned: list[Any] = []
    async with started(app) as http:

        async def body() -> AsyncIterator[bytes]:
            yield head
            yield data[:2000]
            receiving = [
                item for item in (await http.get("/imports")).json()["items"]
                if item["id"] != dead_id
            ]  # fmt: skip
            with app.state.session_factory.begin() as session:  # begun 7 hours ago
                slow = session.get(UserImport, receiving[0]["id"])
                assert slow is not None
                slow.created_at = utcnow() - timedelta(hours=7)
            await asyncio.sleep(1.0)  # longer than the lease: renewed meanwhile
            with app.state.session_factory.begin() as session:
                pruned.append(prune(session, settings, timedelta(days=30)))
            yield data[2000:]
            yield f"\r\n--{boundary}--\r\n".encode()

        answer = await http.post(
            "/imports",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        done = await wait_for(http, answer.headers["location"], "completed", "failed")
        gone = (await http.get(f"/imports/{dead_id}")).json()

    assert pruned[0].stale_uploads == 0  # the slow one is alive (the dead one went at start)
    assert (gone["status"], gone["errors"][0]["code"]) == ("failed", "interrupted")
    assert (done["status"], done["added"]) == ("completed", 200)


async def test_a_refused_dry_run_received_in_parts_can_answer_with_the_csv_error_file(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**RECEIVED)
    async with started(app) as http:
        answer = await http.post(
            "/imports",
            params={"dry_run": "true", "errors_format": "csv"},
            files={"file": ("u.csv", csv_bytes(flawed_rows()), "text/csv")},
        )

    assert (answer.status_code, answer.headers["content-type"]) == (
        422, "text/csv; charset=utf-8",
    )  # fmt: skip
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ['"14"', '"43"', '"47"', '"52"']


async def test_a_dry_run_within_the_upload_limit_is_checked_held_and_stages_nothing(
    app_factory: AppFactory, parts_written: list[int]
) -> None:
    """A job-sized file (beyond the 256 KiB an import holds before it stages parts) sent as a
    dry run: within USERIMPORT_MAX_UPLOAD_BYTES it is held and checked at once, with no part
    and no key staged; the answer is the one the parts would give."""
    app = app_factory(**{**JOB_SETTINGS, "max_rows": 10_000, "max_upload_bytes": 1024 * 1024})
    rows = user_rows(6000)
    rows[4000][0] = rows[10][0]  # a repeat far apart: found without staging
    data = csv_bytes(rows)
    assert SPILL_BYTES < len(data) < 1024 * 1024

    held = await outcome(app, data, dry_run=True)
    held_parts = list(parts_written)
    received = await outcome(app_factory(**{**RECEIVED, "max_rows": 10_000}), data, dry_run=True)

    assert held_parts == [] and len(parts_written) > 1  # only the second was received in parts
    assert held["error_count"] == 1
    assert [(e["row"], e["code"]) for e in held["errors"]] == [(4002, "duplicate_in_file")]
    assert answer(held) == answer(received)
    assert await staged(app) == 0
