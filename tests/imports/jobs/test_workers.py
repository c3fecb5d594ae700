"""Jobs as production runs them: `userimport serve` and two `userimport worker` processes on
PostgreSQL (the queue needs it), with real signals."""

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import bcrypt
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.imports.jobs.runtime import MIN_CHUNK_ROWS, MIN_CHUNKS
from bench.server import Server, free_port, running_workers, userimport_command
from tests.conftest import ADMIN_AUTH, LIVE_SETTINGS, POSTGRESQL_ONLY
from tests.helpers import HEADER, csv_bytes, user_rows
from tests.tcp_proxy import tcp_proxy

# The queue lives in PostgreSQL: these run wherever TEST_DATABASE_URL is set (always in CI).
pytestmark = pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)
ROWS = 3000
JOB_SETTINGS = {
    "USERIMPORT_SYNC_MAX_ROWS": "100",
    "USERIMPORT_MAX_ROWS": "5000",
    "USERIMPORT_JOB_CHUNK_ROWS": "100",
    "USERIMPORT_WORKER_HEARTBEAT_SECONDS": "1",
    "USERIMPORT_WORKER_STALLED_SECONDS": "4",
    # ~2.6 ms a hash here: a 3,000-row job takes a few seconds, long enough to act during it
    "USERIMPORT_ARGON2_MEMORY_COST": "4096",
}
WORKER_SETTINGS = {**LIVE_SETTINGS, **JOB_SETTINGS, "USERIMPORT_LOG_LEVEL": "INFO"}
PREHASHED_HEADER = [*HEADER, "Password Hash"]
ServiceFactory = Callable[..., AbstractContextManager[Server]]


@pytest.fixture
def service(live_service: ServiceFactory) -> Iterator[Server]:
    with live_service(**JOB_SETTINGS) as server:
        yield server


def submit(server: Server, rows: list[list[str]], **params: str) -> str:
    files = {"file": ("users.csv", csv_bytes(rows), "text/csv")}
    response = httpx.post(
        f"{server.url}/imports", headers=ADMIN_AUTH, files=files, params=params, timeout=30
    )
    assert response.status_code == 202, response.text
    return f"{server.url}{response.headers['location']}"


def poll(
    location: str, done: Callable[[dict[str, Any]], bool], seconds: float = 90
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        record: dict[str, Any] = httpx.get(location, headers=ADMIN_AUTH, timeout=10).json()
        if done(record):
            return record
        time.sleep(0.1)
    raise AssertionError(f"{location} did not get there in {seconds} s: {record}")


def ended(record: dict[str, Any]) -> bool:
    return record["status"] in ("completed", "failed", "cancelled")


def count_users(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM directory_user")).scalar_one())
    finally:
        engine.dispose()


def every_table_as_text(database_url: str) -> str:
    """Every row of every table of the test's schema (procrastinate's included) as text."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            ).scalars()
            return "\n".join(
                str(row[0])
                for table in list(tables)
                for row in connection.execute(text(f'SELECT t::text FROM "{table}" t'))  # noqa: S608
            )
    finally:
        engine.dispose()


def chunks_hashed_by(log: Path) -> int:
    return log.read_text(errors="replace").count(" hashed")


def test_a_job_is_shared_by_two_workers(service: Server, database_url: str, tmp_path: Path) -> None:
    rows = user_rows(ROWS)
    with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path):
        location = submit(service, rows)
        hashing = poll(location, lambda r: r["status"] == "hashing" or ended(r))
        during = every_table_as_text(database_url)
        final = poll(location, ended)
    after = every_table_as_text(database_url)

    assert (final["status"], final["added"], final["progress"]) == (
        "completed",
        ROWS,
        {"done": ROWS, "total": ROWS},
    )
    assert count_users(database_url) == ROWS
    shares = [chunks_hashed_by(tmp_path / f"worker-{n}.log") for n in range(2)]
    size = min(100, max(MIN_CHUNK_ROWS, -(-ROWS // MIN_CHUNKS)))  # as the job cuts its rows
    assert sum(shares) == -(-ROWS // size)
    assert min(shares) > 0, f"one worker hashed every chunk: {shares}"
    assert hashing["status"] == "hashing"
    for password in (row[2] for row in rows):
        assert password not in during
        assert password not in after


def test_a_killed_worker_loses_nothing(service: Server, database_url: str, tmp_path: Path) -> None:
    with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path) as workers:
        location = submit(service, user_rows(ROWS))
        poll(location, lambda r: r["progress"]["done"] >= 300 or ended(r))
        workers[0].send_signal(signal.SIGKILL)  # mid-chunk: its chunk must run again elsewhere
        final = poll(location, ended)

    assert (final["status"], final["added"]) == ("completed", ROWS)
    assert count_users(database_url) == ROWS
    assert workers[0].returncode == -signal.SIGKILL


def test_cancel_stops_a_running_job(service: Server, database_url: str, tmp_path: Path) -> None:
    with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path):
        location = submit(service, user_rows(ROWS))
        poll(location, lambda r: r["status"] == "hashing" or ended(r))
        answer = httpx.post(f"{location}/cancel", headers=ADMIN_AUTH, timeout=10)
        time.sleep(2)  # chunks being hashed end without writing anything
        final = poll(location, ended)
        staged = every_table_as_text(database_url)

    assert answer.status_code == 200
    assert final["status"] == "cancelled"
    assert count_users(database_url) == 0
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            left = connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM job_file) + (SELECT count(*) FROM job_chunk)"
                    " + (SELECT count(*) FROM job_user)"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert left == 0
    assert "Secret-" not in staged


def test_two_overlapping_jobs_exactly_one_completes(
    service: Server, database_url: str, tmp_path: Path
) -> None:
    with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path):
        first = submit(service, user_rows(1000))
        second = submit(service, user_rows(1000, start=900))  # 100 addresses in both
        ends = [poll(first, ended), poll(second, ended)]

    assert sorted(end["status"] for end in ends) == ["completed", "failed"]
    loser = next(end for end in ends if end["status"] == "failed")
    assert loser["error_count"] == 100
    assert {e["code"] for e in loser["errors"]} == {"already_exists"}
    assert count_users(database_url) == 1000


def test_sigterm_stops_a_worker_and_its_chunks_go_on_elsewhere(
    service: Server, database_url: str, tmp_path: Path
) -> None:
    with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path) as workers:
        location = submit(service, user_rows(ROWS))
        poll(location, lambda r: r["progress"]["done"] >= 300 or ended(r))
        os.kill(workers[0].pid, signal.SIGTERM)
        workers[0].wait(timeout=30)
        final = poll(location, ended)

    assert workers[0].returncode == 0
    assert (final["status"], final["added"]) == ("completed", ROWS)
    assert count_users(database_url) == ROWS


def test_a_database_outage_during_hashing_is_ridden_out(
    service: Server, database_url: str, tmp_path: Path
) -> None:
    """The old runner left such a job "hashing" forever; the workers here reach PostgreSQL
    through a proxy that cuts them off for 8 s."""
    url = make_url(database_url)
    assert url.host is not None and url.port is not None
    with tcp_proxy((url.host, url.port)) as proxy:
        via_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
        with running_workers(via_proxy, WORKER_SETTINGS, 2, 1, tmp_path):
            location = submit(service, user_rows(ROWS))
            poll(location, lambda r: r["progress"]["done"] >= 300 or ended(r))
            proxy.cut()
            time.sleep(8)
            during = httpx.get(location, headers=ADMIN_AUTH, timeout=10).json()
            proxy.restore()
            final = poll(location, ended, seconds=120)

    assert during["status"] == "hashing"
    assert (final["status"], final["added"]) == ("completed", ROWS)
    assert count_users(database_url) == ROWS


def waiting_inserts(database_url: str) -> int:
    """Sessions whose INSERT into the directory waits for a lock."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO directory_user%'"
            )
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_workers_killed_during_the_commit_leave_no_user_and_the_job_then_completes(
    service: Server, database_url: str, tmp_path: Path
) -> None:
    """The commit is one transaction: the test holds a lock that makes the job's INSERT wait,
    kills every worker while it waits, and finds no user of the job; a worker started after
    takes the stalled commit up again and completes the job."""
    rows = user_rows(300)
    engine = create_engine(database_url)
    try:
        with engine.connect() as blocker:
            blocker.execute(text("LOCK TABLE directory_user IN SHARE ROW EXCLUSIVE MODE"))
            with running_workers(database_url, WORKER_SETTINGS, 2, 1, tmp_path) as workers:
                location = submit(service, rows)
                inserting = poll(location, lambda r: r["status"] == "inserting" or ended(r))
                deadline = time.monotonic() + 60
                while waiting_inserts(database_url) == 0:  # the commit waits for the lock
                    assert time.monotonic() < deadline, "the commit never reached its INSERT"
                    time.sleep(0.1)
                for worker in workers:
                    worker.send_signal(signal.SIGKILL)
                    worker.wait(timeout=30)
            blocker.rollback()  # the lock is released
        users_after_kill = count_users(database_url)
        (tmp_path / "after").mkdir()
        with running_workers(database_url, WORKER_SETTINGS, 1, 1, tmp_path / "after"):
            final = poll(location, ended, seconds=120)
    finally:
        engine.dispose()

    assert inserting["status"] == "inserting"
    assert users_after_kill == 0
    assert (final["status"], final["added"]) == ("completed", len(rows))
    assert count_users(database_url) == len(rows)


def metric_values(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text_format = httpx.get(url, timeout=10).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text_format)
        for sample in family.samples
    }


def test_a_worker_with_default_settings_runs_a_job_by_the_limits_it_was_accepted_under(
    live_service: ServiceFactory, database_url: str, tmp_path: Path
) -> None:
    """The web process takes 5,000 rows; a worker given only the database and the staging key
    (every limit at its default: 500 rows) still completes the 1,500-row job, and its metrics
    port shows what it did. Most rows come hashed (bcrypt): only 100 passwords are hashed, with
    the default argon2id parameters."""
    plain = 100
    rows = [[*row, ""] for row in user_rows(plain)]
    cheap = bcrypt.hashpw(b"Imported-Pass-1", bcrypt.gensalt(rounds=4)).decode()
    rows += [[f"hashed{n}@example.com", f"Hashed {n}", "", "FALSE", cheap] for n in range(1400)]
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "DATABASE_URL": database_url,
        "USERIMPORT_STAGING_KEY": LIVE_SETTINGS["USERIMPORT_STAGING_KEY"],
    }
    command = [userimport_command(), "worker", "--metrics-port", str(port)]
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        with live_service(USERIMPORT_MAX_ROWS="5000") as server:
            files = {"file": ("users.csv", csv_bytes(rows, PREHASHED_HEADER), "text/csv")}
            answer = httpx.post(
                f"{server.url}/imports", headers=ADMIN_AUTH, files=files, timeout=30
            )
            assert answer.status_code == 202, answer.text
            final = poll(f"{server.url}{answer.headers['location']}", ended, seconds=120)
        metrics = metric_values(f"http://127.0.0.1:{port}/metrics")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()

    assert (final["status"], final["added"], final["errors"]) == ("completed", 1500, [])
    assert count_users(database_url) == 1500

    def value(name: str, **labels: str) -> float:
        return metrics.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("userimport_tasks_total", task="import.validate", outcome="done") == 1
    assert value("userimport_tasks_total", task="import.commit", outcome="done") == 1
    hashed_chunks = value("userimport_job_chunks_hashed_total")
    assert hashed_chunks == value(
        "userimport_tasks_total", task="import.hash_chunk", outcome="done"
    )
    assert hashed_chunks >= 1
    assert value("userimport_job_rows_hashed_total") == plain
    assert value("userimport_hashing_seconds_total") > 0
    assert value("userimport_imports_total", outcome="completed", job="true") == 1
    assert not any(name.startswith("userimport_http_") for name, _ in metrics)


@pytest.mark.parametrize("revert_at", ["hashing", "inserting"])
def test_an_update_job_and_a_revert_with_a_worker_killed_between_agree_with_their_answers(
    service: Server, database_url: str, tmp_path: Path, revert_at: str
) -> None:
    """Import A adds 100 users; job B updates them and adds 500; A is reverted while B hashes
    (or waits to commit), and B's worker is killed and replaced in between. Whichever wins,
    the directory is what the answers say: never a revert and an update both answering
    success over users that are gone."""
    first = httpx.post(
        f"{service.url}/imports", headers=ADMIN_AUTH, timeout=30,
        files={"file": ("a.csv", csv_bytes(user_rows(100)), "text/csv")},
    )  # fmt: skip
    assert first.status_code == 201, first.text
    renamed = [[e, f"{n} B", p, f] for e, n, p, f in user_rows(600)]
    with running_workers(database_url, WORKER_SETTINGS, 1, 2, tmp_path) as workers:
        location = submit(service, renamed, on_existing="update")
        reached = poll(location, lambda r: r["status"] in (revert_at, "completed") or ended(r))
        reverted = httpx.post(
            f"{service.url}/imports/{first.json()['id']}/revert", headers=ADMIN_AUTH, timeout=30
        )
        workers[0].kill()
        workers[0].wait(timeout=10)
    (tmp_path / "again").mkdir()
    with running_workers(database_url, WORKER_SETTINGS, 1, 2, tmp_path / "again"):
        update = poll(location, ended, seconds=120)
    users = httpx.get(f"{service.url}/users?limit=500", headers=ADMIN_AUTH, timeout=30).json()

    assert reached["status"] in (revert_at, "completed"), reached
    assert reverted.status_code in (200, 409), reverted.text
    if reverted.status_code == 200:  # A undone first: B's update found its users gone
        assert (update["status"], update["added"], update["updated"]) == ("failed", 0, 0)
        assert {e["code"] for e in update["errors"]} == {"directory_changed"}
        assert count_users(database_url) == 0
    else:  # B committed first: the revert saw it and changed nothing
        assert reverted.json()["code"] == "users_changed_since"
        assert (update["status"], update["added"], update["updated"]) == ("completed", 500, 100)
        assert count_users(database_url) == 600
        assert {u["name"] for u in users["items"]} <= {f"User {n} B" for n in range(600)}


def test_a_worker_serves_its_metrics_to_others_only_behind_the_token(
    database_url: str, tmp_path: Path
) -> None:
    """Before: the image served every worker's metrics with no key on 0.0.0.0."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "DATABASE_URL": database_url,
        "USERIMPORT_STAGING_KEY": LIVE_SETTINGS["USERIMPORT_STAGING_KEY"],
    }
    exposed = [userimport_command(), "worker", "--metrics-host", "0.0.0.0"]  # noqa: S104
    refused = subprocess.run(  # noqa: S603
        [*exposed, "--metrics-port", str(free_port())], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    port = free_port()
    token = "worker-scrape-token-0123456789"
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603
        [*exposed, "--metrics-port", str(port)], env={**env, "USERIMPORT_METRICS_TOKEN": token},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        deadline = time.monotonic() + 30
        while True:
            try:
                anonymous = httpx.get(url, timeout=5)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.1)
        scraped = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()

    assert refused.returncode == 2
    assert "USERIMPORT_METRICS_TOKEN" in refused.stderr and refused.stderr.count("\n") == 1
    assert anonymous.status_code == 401
    assert scraped.status_code == 200 and "userimport_tasks_total" in scraped.text
