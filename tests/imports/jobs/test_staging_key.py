"""A worker whose staging key is missing or not the database's refuses to start, naming
USERIMPORT_STAGING_KEY, instead of failing every job it picks up; a good worker completes them."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.sealing import new_key
from bench.server import Server, running_workers, userimport_command
from tests.conftest import POSTGRESQL_ONLY
from tests.helpers import user_rows
from tests.imports.jobs.test_workers import (
    JOB_SETTINGS,
    WORKER_SETTINGS,
    ServiceFactory,
    ended,
    poll,
    submit,
)

pytestmark = pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)


@pytest.fixture
def service(live_service: ServiceFactory) -> Iterator[Server]:
    with live_service(**JOB_SETTINGS) as server:  # its start stores the key's check value
        yield server


def start_worker(database_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **WORKER_SETTINGS, "DATABASE_URL": database_url, **settings}
    env = {name: value for name, value in env.items() if value != "<unset>"}
    return subprocess.run(  # noqa: S603 - our own console script
        [userimport_command(), "worker", "--concurrency", "1"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def test_workers_with_a_wrong_or_no_key_refuse_to_start(
    service: Server, database_url: str, tmp_path: Path
) -> None:
    location = submit(service, user_rows(300))

    wrong = start_worker(database_url, USERIMPORT_STAGING_KEY=new_key())
    missing = start_worker(
        database_url,
        USERIMPORT_STAGING_KEY="<unset>",
        USERIMPORT_STAGING_KEY_FILE=str(tmp_path / "no-such.key"),
    )
    with running_workers(database_url, WORKER_SETTINGS, 1, 2, tmp_path):
        final = poll(location, ended)

    for refused in (wrong, missing):
        assert refused.returncode != 0
        assert "USERIMPORT_STAGING_KEY" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert (final["status"], final["added"]) == ("completed", 300)
