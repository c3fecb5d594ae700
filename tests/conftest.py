"""Every API test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.

Each database is migrated once per session (PostgreSQL in a schema of its own, dropped at the
end); each test's rows are deleted when it ends.
"""

import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.db.models.base import Base
from app.main import create_app
from bench.server import Server, running_server

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
# For `parametrize("database_url", POSTGRESQL_ONLY, indirect=True)`: tests of what needs
# PostgreSQL (the queue, its workers); skipped, saying what to set, when it is not given.
POSTGRESQL_ONLY = [
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL,
            reason="needs PostgreSQL: set TEST_DATABASE_URL="
            "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        ),
    )
]


# Tests that start processes (`userimport serve`, workers, uvicorn, a browser, the SDK's
# generator): marked `slow`, left out of `make test-fast` (the inner loop), run by `make test`.
SLOW_MODULES = {
    "test_sdk", "test_factory", "test_operations", "test_under_load", "test_job_restarts",
    "test_workers", "test_browser", "test_schemathesis", "test_hostile_http", "test_transport",
    "test_migrate_command", "test_sdk_package", "test_make_run", "test_secret_files",
}  # fmt: skip


_OWN_FOLDER = Path(tempfile.mkdtemp(prefix="userimport-tests-"))


def _isolate_from_the_developer() -> None:
    """The tests read no setting of the shell that runs them, nor the files `make run` left in
    ./data (its staging key made jobs possible where a test expects none): USERIMPORT_* and
    DATABASE_URL are dropped, and the staging key file is looked for in a folder of their own."""
    for name in list(os.environ):
        if name == "USERIMPORT_SCREENSHOTS_DIR":  # the tests' own: where screenshots go
            continue
        if name.startswith("USERIMPORT_") or name in ("DATABASE_URL", "DATABASE_URL_FILE"):
            del os.environ[name]
    os.environ["USERIMPORT_STAGING_KEY_FILE"] = str(_OWN_FOLDER / "staging.key")


def pytest_configure(config: pytest.Config) -> None:
    _isolate_from_the_developer()
    config.addinivalue_line(
        "markers", "slow: starts processes or runs thousands of cases; not in `make test-fast`"
    )
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true: set TEST_DATABASE_URL, the PostgreSQL runs are required.")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_OWN_FOLDER, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in SLOW_MODULES or "live_service" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def migrate(url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        migrate(url)
        yield url
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    # An unreachable PostgreSQL fails here: an error, never a skip.
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    in_schema = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        schema_url = in_schema.render_as_string(hide_password=False)
        migrate(schema_url)
        yield schema_url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


ADMIN_KEY = "test-admin-key-5f0c8e1d"
STAGING_KEY = "k8K1d0n2mXy5qY3lqv4oQmN7bWc0T3JtZ2V0aGVyMDA="  # tests only: 32 bytes, base64
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


def test_settings(database_url: str, **overrides: object) -> Settings:
    """Cheap argon2 parameters: the tests check behaviour, the benchmarks check speed."""
    values: dict[str, object] = {
        "database_url": database_url,
        "api_key": ADMIN_KEY,
        "staging_key": STAGING_KEY,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 64,
        "hash_workers": 2,
        **overrides,
    }
    return Settings.model_validate(values)


test_settings.__test__ = False  # type: ignore[attr-defined]


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def app_factory(database_url: str) -> Iterator[AppFactory]:
    """Apps on the test database with settings overridden; their rows are deleted at the end."""
    made: list[FastAPI] = []

    def make(**overrides: object) -> FastAPI:
        made.append(create_app(test_settings(database_url, **overrides)))
        return made[-1]

    yield make
    for application in made:
        application.state.hasher.shutdown()
        clear_tables(application.state.engine)
        application.state.db.dispose()


def clear_tables(engine: Engine) -> None:
    """Every row a test wrote: the models' tables and, on PostgreSQL, the job queue's."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DELETE FROM procrastinate_jobs"))
            connection.execute(text("DELETE FROM procrastinate_workers"))
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


# What a live test's server runs with: cheap hashes, the tests' admin key.
LIVE_SETTINGS = {
    "USERIMPORT_API_KEY": ADMIN_KEY,
    "USERIMPORT_STAGING_KEY": STAGING_KEY,
    "USERIMPORT_ARGON2_TIME_COST": "1",
    "USERIMPORT_ARGON2_MEMORY_COST": "64",
    "USERIMPORT_LOG_LEVEL": "WARNING",
}


@pytest.fixture
def live_service(database_url: str) -> Iterator[Callable[..., AbstractContextManager[Server]]]:
    """Starts `userimport serve` as a real process on the test database (settings as
    USERIMPORT_* strings); the rows it wrote are deleted afterwards."""

    def start(output: Path | None = None, **settings: str) -> AbstractContextManager[Server]:
        return running_server(
            database_url, {**LIVE_SETTINGS, **settings}, migrate=False, output=output
        )

    yield start
    engine = create_engine(database_url)
    try:
        clear_tables(engine)
    finally:
        engine.dispose()


@pytest.fixture
def app(app_factory: AppFactory) -> FastAPI:
    return app_factory()


def make_client(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """An httpx client over the app, sending the admin key unless other headers are given."""
    transport = httpx.ASGITransport(app=app)
    auth = ADMIN_AUTH if headers is None else headers
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=auth)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as http:
        yield http


@pytest.fixture
def blocked_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hashing waits until the event is set (bounded, so a mistake cannot hang the suite)."""
    release = threading.Event()
    real = PasswordHasher.hash

    def waiting(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        release.wait(timeout=20)
        return real(self, password, salt=salt)

    monkeypatch.setattr(PasswordHasher, "hash", waiting)
    yield release
    release.set()
