"""The app is built by create_app() only: importing it creates nothing and connects to
nothing, and `uvicorn --factory app.main:create_app` serves it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT


def _import_app(cwd: Path, **env: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-c", "import app.main"], cwd=cwd, env=environment,
        capture_output=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()


def test_importing_the_app_creates_no_file(tmp_path: Path) -> None:
    _import_app(tmp_path)  # the default: SQLite in ./data

    assert list(tmp_path.iterdir()) == []


def test_importing_the_app_opens_no_connection(tmp_path: Path) -> None:
    with socket.socket() as database:  # stands for PostgreSQL: counts who connects
        database.bind(("127.0.0.1", 0))
        database.listen()
        database.settimeout(0.5)
        port = database.getsockname()[1]
        _import_app(tmp_path, DATABASE_URL=f"postgresql+psycopg://u@127.0.0.1:{port}/db")
        try:
            connection, _ = database.accept()
            connection.close()
            connected = True
        except TimeoutError:
            connected = False

    assert not connected


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def test_uvicorn_serves_the_factory(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        answer = None
        for _ in range(200):  # bounded: at most ~20 s for the server to start
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None and answer.json() == {"status": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=30)
