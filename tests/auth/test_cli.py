"""The userimport console script manages keys; the keys it prints work over HTTP."""

import re

import pytest
from fastapi import FastAPI

from app.cli import main
from tests.conftest import AppFactory, make_client
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
