"""Secrets from mounted files (container secrets): NAME_FILE names the file of setting NAME and
wins over the setting's own variable (an image's default DATABASE_URL, say)."""

import os
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.core.config import Settings
from bench.server import free_port, userimport_command
from tests.conftest import ROOT


def test_settings_are_read_from_the_files_their_variables_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "DATABASE_URL_FILE": "postgresql+psycopg://app:s3cret@db:5432/userimport",
        "USERIMPORT_API_KEY_FILE": "uik_from_a_file",
        "USERIMPORT_METRICS_TOKEN_FILE": "scrape-token",
    }
    for variable, value in files.items():
        path = tmp_path / variable
        path.write_text(value + "\n", encoding="utf-8")
        monkeypatch.setenv(variable, str(path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/data/userimport.db")  # the image's default

    settings = Settings()

    assert settings.database_url == files["DATABASE_URL_FILE"]
    assert settings.api_key is not None and settings.metrics_token is not None
    assert settings.api_key.get_secret_value() == "uik_from_a_file"
    assert settings.metrics_token.get_secret_value() == "scrape-token"


def test_secrets_sh_writes_each_file_0600_for_the_user_that_reads_it(tmp_path: Path) -> None:
    """Before: 0644, readable by every user of the host."""
    done = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "deploy" / "secrets.sh"), str(tmp_path / "secrets")],  # noqa: S607
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    files = {path.name: path.stat() for path in (tmp_path / "secrets").iterdir()}

    assert sorted(files) == [
        "api_key", "database_url", "db_password", "owner_database_url", "staging_key",
    ]  # fmt: skip
    assert {stat.S_IMODE(found.st_mode) for found in files.values()} == {0o600}
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700
    if os.geteuid() == 0:  # as root: given to the container user that reads each
        assert files["db_password"].st_uid == 0
        assert {files[name].st_uid for name in files if name != "db_password"} == {10001}
    app_url = make_url((tmp_path / "secrets" / "database_url").read_text().strip())
    assert app_url.username == "userimport_app"  # the service's role, not the owner
    assert done.stdout.count("uik_") == 1  # the admin key, printed once to the terminal


def test_a_lone_containers_first_admin_key_goes_to_a_file_not_the_log(tmp_path: Path) -> None:
    """`serve --prepare` (the image's default command). Before: the key was printed, so it sat
    in the container's log."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'userimport.db'}",
        "USERIMPORT_STAGING_KEY_FILE": str(tmp_path / "keys" / "staging.key"),
        "USERIMPORT_FIRST_KEY_FILE": str(tmp_path / "keys" / "first-admin.key"),
        "PYTHONUNBUFFERED": "1",  # as the image
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [userimport_command(), "serve", "--prepare", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while b"Application startup complete" not in log.read_bytes():
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        key_file = tmp_path / "keys" / "first-admin.key"
        key = key_file.read_text().strip()
        answer = httpx.get(
            f"http://127.0.0.1:{port}/users", headers={"Authorization": f"Bearer {key}"}
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert answer.status_code == 200
    assert key.startswith("uik_") and "uik_" not in log.read_text()
    assert str(key_file) in log.read_text()  # where to find it is said
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
