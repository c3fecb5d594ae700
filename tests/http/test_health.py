from pathlib import Path

import httpx
import pytest

from app.main import create_app
from tests.conftest import AppFactory, make_client, test_settings

pytestmark = pytest.mark.anyio


async def test_healthz_and_readyz_answer_when_the_database_does(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_readyz_says_who_runs_jobs(
    app_factory: AppFactory, database_url: str, tmp_path: Path
) -> None:
    off = app_factory(staging_key=None, staging_key_file=str(tmp_path / "none.key"))
    default = app_factory()
    async with make_client(off) as without_key, make_client(default) as with_key:
        off_jobs = (await without_key.get("/readyz")).json()["jobs"]
        jobs = (await with_key.get("/readyz")).json()["jobs"]

    assert off_jobs == {"runner": "off", "live_workers": None, "waiting_tasks": None}
    if database_url.startswith("sqlite"):
        assert jobs == {"runner": "embedded", "live_workers": None, "waiting_tasks": None}
    else:  # no worker process runs in this test: an operator sees jobs would wait
        assert jobs == {"runner": "workers", "live_workers": 0, "waiting_tasks": 0}


async def test_readyz_is_a_503_problem_when_the_database_does_not_answer(tmp_path: Path) -> None:
    # A directory where the database file should be: SQLite cannot open it.
    (tmp_path / "db").mkdir()
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'db'}"))
    async with make_client(app) as client:
        live = await client.get("/healthz")
        ready = await client.get("/readyz")

    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert ready.json()["code"] == "database_unavailable"


async def test_readyz_is_not_ready_until_the_database_is_migrated(tmp_path: Path) -> None:
    """Before: /readyz said ready on an empty database while /users answered 503."""
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'empty.db'}", staging_key=None))
    async with make_client(app) as client:
        ready = await client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["code"] == "schema_outdated"
    assert "userimport migrate" in ready.json()["detail"]
