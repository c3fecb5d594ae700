"""`userimport migrate`: any number started together on a fresh PostgreSQL database succeed
(an advisory lock queues them), as replicas of the image do at once; workers started with it
wait for its tables."""

import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db.engine import create_db_engine
from bench.server import postgres_schema, running_server, running_workers, userimport_command
from tests.conftest import LIVE_SETTINGS, PG_URL, ROOT, migrate
from tests.helpers import user_rows
from tests.imports.jobs.test_workers import JOB_SETTINGS, WORKER_SETTINGS, ended, poll, submit

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://..."
)


def test_three_migrations_started_together_all_succeed() -> None:
    with postgres_schema(PG_URL, "test") as url:
        env = {**os.environ, "DATABASE_URL": url}
        started = [
            subprocess.Popen(  # noqa: S603
                [userimport_command(), "migrate"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for _ in range(3)
        ]
        outputs = [process.communicate(timeout=120)[0].decode() for process in started]

        assert [process.returncode for process in started] == [0, 0, 0], outputs
        engine = create_db_engine(env["DATABASE_URL"])
        try:
            with engine.connect() as connection:
                versions = connection.execute(text("SELECT version_num FROM alembic_version"))
                assert len(versions.all()) == 1
        finally:
            engine.dispose()


def test_a_worker_started_before_the_migration_waits_for_the_schema(tmp_path: Path) -> None:
    """A deployment starts its workers with `userimport migrate`: a worker that finds no
    tables waits (saying so) instead of dying, then runs jobs once they exist."""
    with postgres_schema(PG_URL, "test") as url:
        log = tmp_path / "worker-0.log"
        with running_workers(url, WORKER_SETTINGS, 1, 1, tmp_path) as workers:
            deadline = time.monotonic() + 60
            while "no schema yet" not in log.read_text(errors="replace"):
                assert workers[0].poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the worker never said it waits"
                time.sleep(0.1)
            migrate(url)
            with running_server(url, {**LIVE_SETTINGS, **JOB_SETTINGS}, migrate=False) as web:
                final = poll(submit(web, user_rows(300)), ended)
            alive = workers[0].poll() is None

    assert (final["status"], final["added"]) == ("completed", 300)
    assert alive
