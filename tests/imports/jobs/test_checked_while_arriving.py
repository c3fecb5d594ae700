"""A job's file received in parts is checked by the workers as its parts arrive, not after the
upload: `userimport serve` and a `userimport worker` on PostgreSQL, the file sent slowly."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from bench.server import running_workers
from tests.conftest import ADMIN_AUTH, POSTGRESQL_ONLY
from tests.helpers import HEADER, csv_bytes, user_rows
from tests.imports.jobs.test_workers import (
    JOB_SETTINGS,
    WORKER_SETTINGS,
    ServiceFactory,
    count_users,
    ended,
    poll,
)

pytestmark = pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)
ROWS = 600
# Past 1 KiB a job-sized upload is received in parts of 50 rows (12 for this file).
RECEIVED = {"USERIMPORT_JOB_PART_ROWS": "50", "USERIMPORT_MAX_UPLOAD_BYTES": "1024"}
SETTINGS = {**WORKER_SETTINGS, **RECEIVED}
BOUNDARY = "checked-while-arriving"


def checked_while_receiving(database_url: str, seconds: float = 60) -> bool:
    """Wait (bounded) until a worker checked a part of the import still arriving."""
    engine = create_engine(database_url)
    query = text(
        "SELECT count(*) FROM job_part JOIN user_import ON user_import.id = job_part.import_id "
        "WHERE job_part.checked AND user_import.status = 'receiving'"
    )
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.execute(query).scalar_one():
                    return True
            time.sleep(0.05)
        return False
    finally:
        engine.dispose()


def slow_body(
    data: bytes, fields: dict[str, str], seen: dict[str, bool], url: str
) -> Iterator[bytes]:
    """A multipart body: the file's first half, then (once a worker checked a part of it while
    the rest has not been sent) its second half and the form's fields after the file."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="users.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    half = len(data) // 2
    yield head + data[:half]
    seen["checked_while_receiving"] = checked_while_receiving(url)
    tail = data[half:] + b"\r\n"
    for name, value in fields.items():
        tail += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        tail += value.encode() + b"\r\n"
    yield tail + f"--{BOUNDARY}--\r\n".encode()


def slow_upload(
    server_url: str, database_url: str, data: bytes, fields: dict[str, str] | None = None
) -> tuple[dict[str, Any], bool]:
    seen: dict[str, bool] = {}
    answer = httpx.post(
        f"{server_url}/imports",
        headers={**ADMIN_AUTH, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        content=slow_body(data, fields or {}, seen, database_url),
        timeout=90,
    )
    assert answer.status_code == 202, answer.text
    final = poll(f"{server_url}{answer.headers['location']}", ended, seconds=120)
    return {**final, "answered": answer.json()["status"]}, seen["checked_while_receiving"]


def test_parts_are_checked_by_a_worker_while_the_file_still_arrives(
    live_service: ServiceFactory, database_url: str, tmp_path: Path
) -> None:
    rows = user_rows(ROWS)
    with (
        live_service(**JOB_SETTINGS, **RECEIVED) as server,
        running_workers(database_url, SETTINGS, 1, 2, tmp_path),
    ):
        final, early = slow_upload(server.url, database_url, csv_bytes(rows))

    assert early, "no part was checked before the whole file had arrived"
    assert final["answered"] == "validating"  # its parts were being checked already
    assert (final["status"], final["added"], final["rows"]) == ("completed", ROWS, ROWS)
    assert count_users(database_url) == ROWS


@pytest.mark.parametrize("aliases", [False, True], ids=["plain", "aliases"])
def test_parts_checked_under_the_query_are_checked_again_when_the_form_changes_the_options(
    live_service: ServiceFactory, database_url: str, tmp_path: Path, aliases: bool
) -> None:
    """The query says nothing of on_existing (refuse existing addresses): the parts that
    arrive are checked so, an empty Password is an error there. The form field after the
    file says update: the file is checked again (what its parts staged, aliases too, staged
    anew), and the existing users keep their hashes."""
    rows = user_rows(ROWS)
    header = [*HEADER, "Aliases"] if aliases else HEADER

    def extra(n: int) -> list[str]:
        return [f"alias{n}@example.com"] if aliases else []

    with (
        live_service(**JOB_SETTINGS, **RECEIVED) as server,
        running_workers(database_url, SETTINGS, 1, 2, tmp_path),
    ):
        added = [[*row, *extra(n)] for n, row in enumerate(rows)]
        first, _ = slow_upload(server.url, database_url, csv_bytes(added, header))
        assert (first["status"], first["added"]) == ("completed", ROWS)
        hashes = _hashes(database_url)
        renamed = [[email, f"{name} (renamed)", "", force, *extra(n + 1000)]
                   for n, (email, name, _pw, force) in enumerate(rows)]  # fmt: skip
        final, early = slow_upload(
            server.url, database_url, csv_bytes(renamed, header), {"on_existing": "update"}
        )

    assert early
    assert final["answered"] == "queued"  # its parts are checked again
    assert (final["status"], final["added"], final["updated"], final["errors"]) == (
        "completed", 0, ROWS, [],
    )  # fmt: skip
    assert _hashes(database_url) == hashes
    if aliases:
        assert _aliases(database_url) == {f"alias{n + 1000}@example.com" for n in range(ROWS)}
    assert _left_staged(database_url) == 0


def _aliases(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT address FROM directory_address WHERE NOT is_primary")
            return set(connection.execute(query).scalars())
    finally:
        engine.dispose()


def _left_staged(database_url: str, seconds: float = 30) -> int:
    """What stays staged once the job ended (cleared just after the commit's transaction:
    waited for, bounded)."""
    engine = create_engine(database_url)
    query = text(
        "SELECT (SELECT count(*) FROM job_user) + (SELECT count(*) FROM job_alias)"
        " + (SELECT count(*) FROM job_key) + (SELECT count(*) FROM job_part)"
        " + (SELECT count(*) FROM job_chunk)"
    )
    deadline = time.monotonic() + seconds
    try:
        while True:
            with engine.connect() as connection:
                left = int(connection.execute(query).scalar_one())
            if left == 0 or time.monotonic() > deadline:
                return left
            time.sleep(0.05)
    finally:
        engine.dispose()


def _hashes(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT email, password_hash FROM directory_user"))
            return {email: password_hash for email, password_hash in found}
    finally:
        engine.dispose()
