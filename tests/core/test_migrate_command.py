"""`userimport migrate`: any number started together on a fresh PostgreSQL database succeed
(an advisory lock queues them), as replicas of the image do at once."""

import os
import subprocess

import pytest
from sqlalchemy import text

from app.core.db import create_db_engine
from bench.server import postgres_schema, userimport_command
from tests.conftest import PG_URL, ROOT

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
