"""`make compose-test`: deploy/compose.yaml as written, with podman-compose: PostgreSQL, the
one-shot migrate, the web service and two workers; a job through the web service and both
workers, a refused file, then down (volumes too). The images are swapped for the locally built
ones through the file's own variables (USERIMPORT_IMAGE, POSTGRES_IMAGE)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.server import free_port
from scripts.containers import (
    ENV,
    IMAGE,
    POSTGRES_IMAGE,
    ROOT,
    build_image,
    expect,
    job_csv,
    podman,
    prepare_machine,
    ready,
    refuse_file,
    run,
    step,
    submit_job,
    wait_for,
)

JOB_ROWS = 600  # over the web service's USERIMPORT_SYNC_MAX_ROWS (500): a job
READ_METRICS = (
    "import urllib.request;"
    "print(urllib.request.urlopen('http://127.0.0.1:9100/metrics', timeout=5).read().decode())"
)


def compose_command() -> list[str]:
    found = shutil.which(
        "podman-compose", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    )
    if found is None:
        raise SystemExit("podman-compose is missing: pip install -e '.[deploy]'")
    return [found]


def worker_metrics(container: str) -> str:
    """The worker's metrics, read inside its container (empty while it serves none)."""
    return podman("exec", container, "python3", "-c", READ_METRICS, check=False)


def hashed_chunks(container: str) -> float:
    metrics = worker_metrics(container)
    for line in metrics.splitlines():
        if line.startswith('userimport_tasks_total{outcome="done",task="import.hash_chunk"}'):
            return float(line.split()[-1])
    return 0.0


def serves_metrics(container: str) -> bool | None:
    return "# TYPE userimport_tasks_total counter" in worker_metrics(container) or None


def main() -> int:
    started = time.monotonic()
    prepare_machine()
    build_image()
    project = f"uict{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="compose-test-"))
    compose_file = folder / "compose.yaml"
    shutil.copy(ROOT / "deploy" / "compose.yaml", compose_file)
    shutil.copy(ROOT / "deploy" / "up.sh", folder / "up.sh")
    run(["bash", str(ROOT / "deploy" / "secrets.sh"), str(folder / "secrets")])
    port = free_port()
    ENV.update(USERIMPORT_IMAGE=IMAGE, POSTGRES_IMAGE=POSTGRES_IMAGE, WEB_PORT=str(port))
    compose = [*compose_command(), "-p", project, "-f", str(compose_file)]
    url = f"http://127.0.0.1:{port}"
    key = (folder / "secrets" / "api_key").read_text().strip()
    up = ["bash", str(folder / "up.sh"), "--no-deps"]
    env = {**ENV, "COMPOSE": " ".join(compose[:3])}  # podman-compose -p PROJECT
    try:
        missing = {**env, "POSTGRES_IMAGE": "localhost/userimport-no-such-image:1"}
        began = time.monotonic()
        failed = subprocess.run(up, env=missing, capture_output=True, text=True, timeout=120)  # noqa: S603
        expect(
            failed.returncode != 0 and time.monotonic() - began < 60
            and "cannot get localhost/userimport-no-such-image:1" in failed.stderr,
            f"an image that cannot be had fails deploy/up.sh at once: {failed.stderr[-500:]}",
        )  # fmt: skip
        run(up, timeout=300, env=env)  # as docs/operations.md gives it: ready when it returns
        step("compose up")
        wait_for("the web service to be ready", ready(url), 120)

        def running_workers() -> list[str] | None:
            names = podman("ps", "--filter", f"label=io.podman.compose.project={project}",
                           "--format", "{{.Names}}").split()  # fmt: skip
            found = sorted(name for name in names if "worker" in name)
            return found if len(found) == 2 else None

        workers = wait_for("two running workers", running_workers, 60)
        expect(len(workers) == 2, f"two workers run: {workers}")
        for worker in workers:
            wait_for(f"{worker}'s metrics", partial(serves_metrics, worker), 60)
        record = submit_job(url, key, job_csv(JOB_ROWS))
        expect(
            (record["status"], record["added"]) == ("completed", JOB_ROWS),
            f"a {JOB_ROWS}-row job completes through web and workers: {record}",
        )
        shares = [hashed_chunks(worker) for worker in workers]
        expect(min(shares) > 0, f"both workers hashed chunks of it: {shares}")
        refuse_file(url, key)
        migrate = [name for name in podman("ps", "-a", "--filter",
                   f"label=io.podman.compose.project={project}", "--format",
                   "{{.Names}} {{.Status}}").splitlines() if "migrate" in name]  # fmt: skip
        expect(len(migrate) == 1 and "Exited (0)" in migrate[0], f"migrate ran once: {migrate}")
        db = next(name for name in podman("ps", "--filter",
                  f"label=io.podman.compose.project={project}", "--format",
                  "{{.Names}}").split() if "db" in name)  # fmt: skip
        password = (folder / "secrets" / "db_password").read_text().strip()
        psql = ["exec", "-e", f"PGPASSWORD={password}", db, "psql", "-U", "postgres",
                "-d", "userimport", "-tAc"]  # fmt: skip
        sessions = podman(*psql, "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname "
                          "= 'userimport' AND pid <> pg_backend_pid()").split()  # fmt: skip
        expect(sessions == ["userimport_app"], f"web and workers connect as the role: {sessions}")
        rights = podman(*psql, "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                        "WHERE rolname = 'userimport_app'").strip()  # fmt: skip
        expect(rights == "f|f|f", f"the role is no superuser, makes no database or role: {rights}")
    except BaseException:
        sys.stderr.write(run([*compose, "logs"], check=False)[-20000:])
        raise
    finally:
        run([*compose, "down", "-v", "-t", "5"], check=False, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
    left = podman("ps", "-a", "--filter", f"label=io.podman.compose.project={project}", "-q")
    expect(left.strip() == "", "down removes every container")
    step(f"compose-test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
