"""The userimport console script manages keys; the keys it prints work over HTTP."""

import re
import time
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from app.cli.main import main
from tests.conftest import PG_URL, AppFactory, make_client
from tests.helpers import csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio
KEY = re.compile(r"uik_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def keyless_app(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> FastAPI:
    """An app with no USERIMPORT_API_KEY, and the CLI pointed at the same database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("USERIMPORT_API_KEY", raising=False)
    return app_factory(api_key=None)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command's status, out and err (argv: as typed after `userimport`)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


async def test_create_list_revoke(keyless_app: FastAPI, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "keys", "create", "--name", "ops", "--role", "admin")
    assert status == 0
    [key] = set(KEY.findall(out))  # printed once alone and once in a ready curl line
    _, out, _ = run(capsys, "keys", "create", "--name", "viewer", "--role", "reader")
    [reader_key] = set(KEY.findall(out))

    async with make_client(keyless_app, {"Authorization": f"Bearer {key}"}) as admin:
        assert (await upload(admin, csv_bytes(user_rows(1)))).status_code == 201
    async with make_client(keyless_app, {"Authorization": f"Bearer {reader_key}"}) as reader:
        assert (await upload(reader, csv_bytes(user_rows(1, start=5)))).status_code == 403

    status, listing, _ = run(capsys, "keys", "list")
    assert status == 0
    assert re.search(r"^ops\s+admin\s", listing, re.M) and re.search(
        r"^viewer\s+reader\s", listing, re.M
    )
    assert not KEY.search(listing)

    assert run(capsys, "keys", "revoke", "ops")[0] == 0
    async with make_client(keyless_app, {"Authorization": f"Bearer {key}"}) as admin:
        assert (await admin.get("/users")).status_code == 401
    status, _, err = run(capsys, "keys", "revoke", "ops")
    assert status == 1 and "no active key" in err


async def test_duplicate_active_name_is_refused(
    keyless_app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "keys", "create", "--name", "ops", "--role", "admin")[0] == 0
    status, _, err = run(capsys, "keys", "create", "--name", "ops", "--role", "reader")
    assert status == 1 and "exists already" in err


@pytest.mark.parametrize("name", ["n" * 70, "  ", "tab\there"])
async def test_a_bad_key_name_is_one_line_and_exit_2(
    keyless_app: FastAPI, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["keys", "create", "--name", name, "--role", "admin"])
    _, err = capsys.readouterr()

    assert exited.value.code == 2
    assert err.count("\n") == 1 and err.startswith("userimport keys create: error: argument --name")
    assert "Traceback" not in err


async def test_ensure_creates_one_admin_key_on_first_start_only(
    keyless_app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "keys", "ensure", "--url", "http://127.0.0.1:8000")
    assert status == 0
    [key] = KEY.findall(out.split("curl")[0])
    assert f"curl -H 'Authorization: Bearer {key}' http://127.0.0.1:8000/users" in out
    async with make_client(keyless_app, {"Authorization": f"Bearer {key}"}) as admin:
        assert (await admin.get("/users")).status_code == 200

    status, again, _ = run(capsys, "keys", "ensure")
    assert status == 0 and not KEY.search(again)


async def test_ensure_creates_nothing_when_the_environment_supplies_a_key(
    keyless_app: FastAPI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USERIMPORT_API_KEY", "injected-secret-value")

    status, out, _ = run(capsys, "keys", "ensure")

    assert status == 0 and not KEY.search(out)


def test_keys_and_prune_without_a_migrated_database_say_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a 55- to 130-line traceback."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    missing = run(capsys, "keys", "list")
    (tmp_path / "empty.db").touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    unmigrated = run(capsys, "prune")

    for status, out, err in (missing, unmigrated):
        assert (status, out) == (1, "")
        assert err.count("\n") == 1 and "run `userimport migrate` first" in err
    assert "there is no database at" in missing[2] and "never migrated" in unmigrated[2]
    assert not (tmp_path / "missing.db").exists()  # nothing made by looking


def test_userimport_alone_shows_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `userimport: error: the following arguments are required: group`."""
    status, out, _ = run(capsys)

    assert status == 2
    assert all(command in out for command in ("keys", "migrate", "serve", "worker", "prune"))


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL")
def test_migrate_to_a_database_that_does_not_exist_fails_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: it waited 60 s for a database that would never appear."""
    url = make_url(PG_URL).set(database=f"no_such_db_{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    started = time.monotonic()
    status, _, err = run(capsys, "migrate")

    assert status == 1
    assert time.monotonic() - started < 10
    assert "does not exist" in err and err.count("\n") == 1
