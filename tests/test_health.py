from pathlib import Path

import httpx
import pytest

from app.main import create_app
from tests.conftest import make_client, test_settings

pytestmark = pytest.mark.anyio


async def test_healthz_and_readyz_answer_when_the_database_does(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


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
