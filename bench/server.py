"""Start the service as a real process (`userimport serve`) on a migrated database: for the
benchmarks, and for the tests that load it as production would."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.auth.keys import ApiKeyRepository, Role
from app.db.engine import create_session_factory

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def postgres_schema(url: str, prefix: str = "bench") -> Iterator[str]:
    """A schema of its own on a PostgreSQL database, dropped at the end: its URL (unmigrated)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        in_schema = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield in_schema.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]

    def peak_rss_mb(self) -> float:
        """High-water marks of resident memory (VmHWM) of the server and of every process it
        started (the file-checking workers), added up, in MB: an upper bound of the peak."""
        return sum(_status_kib(pid, "VmHWM") for pid in self.pids()) / 1024

    def largest_child_peak_rss_mb(self) -> float:
        """The highest high-water mark of resident memory of any process the server started
        (its file-checking processes), in MB; 0 when it started none."""
        children = [pid for pid in self.pids() if pid != self.process.pid]
        return max((_status_kib(pid, "VmHWM") for pid in children), default=0) / 1024

    def server_peak_rss_mb(self) -> float:
        """The server process's own high-water mark, in MB."""
        return _status_kib(self.process.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return sum(_status_kib(pid, "VmRSS") for pid in self.pids()) / 1024

    def pids(self) -> list[int]:
        """The server's process and its descendants."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found


def _status_kib(pid: int, field: str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone meanwhile
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith(field)), 0)


def userimport_command() -> str:
    """The console script installed beside this interpreter: what operators run."""
    script = Path(sys.executable).with_name("userimport")
    return str(script) if script.exists() else "userimport"


@contextmanager
def running_server(
    database_url: str,
    settings: Mapping[str, str],
    *,
    migrate: bool = True,
    output: Path | None = None,
    root: Path = ROOT,
) -> Iterator[Server]:
    """`userimport serve` on a free port; its stdout and stderr go to output when given.
    root: the checkout served (its own .venv when it is not this one), for comparisons."""
    python = sys.executable if root == ROOT else str(root / ".venv" / "bin" / "python")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "USERIMPORT_LOG_LEVEL": "WARNING",
        **settings,
    }
    if migrate:
        subprocess.run(
            [python, "-m", "alembic", "upgrade", "head"],
            cwd=root, env=env, check=True, capture_output=True,
        )  # fmt: skip
    port = free_port()
    script = userimport_command() if root == ROOT else str(Path(python).with_name("userimport"))
    command = [script, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    log = output.open("wb") if output is not None else None
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
    if log is not None:
        log.close()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield Server(url, port, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def running_workers(
    database_url: str, settings: Mapping[str, str], count: int, concurrency: int, logs: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`userimport worker` processes on the database; each one's log in logs/worker-N.log."""
    env = {**os.environ, "DATABASE_URL": database_url, **settings}
    processes = []
    try:
        for n in range(count):
            log = (logs / f"worker-{n}.log").open("wb")
            command = [userimport_command(), "worker", "--concurrency", str(concurrency)]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
            log.close()
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stored_key(database_url: str, name: str, role: Role) -> str:
    """A key stored in the service's database, as operators make them (`userimport keys
    create`): its last_used_at is written as it is used."""
    engine = create_engine(database_url)
    try:
        with create_session_factory(engine).begin() as session:
            return ApiKeyRepository(session).create(name, role)[1]
    finally:
        engine.dispose()
