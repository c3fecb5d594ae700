"""On PostgreSQL the service runs as a role that may read and write its rows and nothing more:
`userimport migrate` (as the schema's owner) makes it from USERIMPORT_APP_DATABASE_URL, and
an import, a job and a revert work as that role, while DDL is refused to it."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.cli.main import main
from app.main import create_app
from bench.server import postgres_schema
from tests.conftest import PG_URL, test_settings
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
]


@pytest.fixture
def owner_and_app_urls() -> Iterator[tuple[str, str]]:
    role = f"userimport_app_{uuid.uuid4().hex[:8]}"
    with postgres_schema(PG_URL, "approle") as owner_url:
        app_url = make_url(owner_url).set(username=role, password="app-pw-123")
        yield owner_url, app_url.render_as_string(hide_password=False)
        admin = create_engine(PG_URL)
        with admin.begin() as connection:  # the schema goes after this: its grants first
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


async def test_the_service_runs_as_a_role_that_may_not_change_the_schema(
    owner_and_app_urls: tuple[str, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    owner_url, app_url = owner_and_app_urls
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.setenv("USERIMPORT_APP_DATABASE_URL", app_url)
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # run again (each deploy): the role is kept
    said = capsys.readouterr().out
    app = create_app(test_settings(app_url, **JOB_SETTINGS))
    async with started(app) as http:
        added = await upload(http, csv_bytes(user_rows(3)))
        job = await upload(http, csv_bytes(user_rows(30, start=10)))
        done = await wait_for(http, job.headers["location"], "completed", "failed")
        reverted = await http.post(f"/imports/{added.json()['id']}/revert")
    engine = create_engine(app_url)
    refused = []
    try:
        with engine.connect() as connection:
            privileges = connection.execute(
                text("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                     "WHERE rolname = current_user")
            ).one()  # fmt: skip
            for ddl in ("CREATE TABLE intruder (id int)", "DROP TABLE directory_user",
                        "ALTER TABLE directory_user ADD COLUMN x int"):  # fmt: skip
                with pytest.raises(ProgrammingError) as raised:
                    connection.execute(text(ddl))
                refused.append(type(raised.value.orig).__name__)
                connection.rollback()
    finally:
        engine.dispose()
    app.state.db.dispose()

    assert "may read and write its rows, and nothing more" in said
    assert added.status_code == 201
    assert (done["status"], done["added"]) == ("completed", 30)
    assert reverted.status_code == 200
    assert tuple(privileges) == (False, False, False)
    assert refused == ["InsufficientPrivilege"] * 3
