"""No password, good or refused, can be read anywhere after an import: not in an answer, a log
line at DEBUG, an import record, or the database's bytes."""

import logging
import string
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.db.models.base import Base
from tests.helpers import csv_bytes, upload

pytestmark = pytest.mark.anyio
SECRET = st.text(string.ascii_letters + string.digits, min_size=10, max_size=20)
# kinds of rows: a good one, one refused for its address, one refused for its short password
ROWS = st.lists(
    st.tuples(st.sampled_from(["good", "bad_email", "short"]), SECRET), min_size=1, max_size=6
)


def password_of(kind: str, secret: str) -> str:
    # '#' and '!' never occur in argon2's base64, so a hit can only be a leak
    return f"C#{secret[:4]}!" if kind == "short" else f"Canary#{secret}!"


def database_text(app: FastAPI) -> str:
    engine = app.state.engine
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists()).decode("utf-8", "replace")
    with engine.connect() as connection:
        return "\n".join(
            str(row[0])
            for table in Base.metadata.sorted_tables
            for row in connection.execute(text(f'SELECT t::text FROM "{table.name}" t'))  # noqa: S608
        )


SETTINGS: dict[str, Any] = {
    "max_examples": 40,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@settings(**SETTINGS)
@given(rows=ROWS)
async def test_passwords_never_leak(
    client: httpx.AsyncClient,
    app: FastAPI,
    caplog: pytest.LogCaptureFixture,
    rows: list[tuple[str, str]],
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # restored after the test
    batch = uuid.uuid4().hex[:8]
    passwords = [password_of(kind, secret) for kind, secret in rows]
    cells = [
        [
            f"leak{n}.{batch}@example.com" if kind != "bad_email" else f"not-an-address-{n}",
            f"Leak {n}",
            pw,
            "TRUE",
        ]
        for n, ((kind, _), pw) in enumerate(zip(rows, passwords, strict=True))
    ]

    answer = await upload(client, csv_bytes(cells))
    record_id = answer.json().get("id") or answer.json()["import_id"]
    seen = [
        answer.text,
        (await client.get(f"/imports/{record_id}")).text,
        (await client.get("/imports", params={"limit": 500})).text,
        (await client.get("/users", params={"limit": 500})).text,
        caplog.text,
        database_text(app),
    ]

    expected = 201 if all(kind == "good" for kind, _ in rows) else 422
    assert answer.status_code == expected
    for password in passwords:
        for where, content in zip(
            ["answer", "record", "imports", "users", "logs", "database"], seen, strict=True
        ):
            assert password not in content, f"a password leaked into the {where}"
