"""`make image-test`: the image built from the Dockerfile, run as production runs it.

1. On PostgreSQL (the machine's, a schema of its own; host network, loopback only): two
   `migrate` containers at once, a `serve` container, a `worker` container with only the
   database and the staging key; a 200-row job and a refused file through the web container,
   the worker's metrics read on its port.
2. Alone, as `podman run IMAGE` (SQLite in its volume, keys in another): it migrates, writes an
   admin key to a file of its keys volume (never to its log), serves on the published port,
   and keeps its users across a restart.
"""

import os
import re
import sys
import time

import httpx

from bench.server import free_port, postgres_schema
from scripts.containers import (
    IMAGE,
    build_image,
    expect,
    job_csv,
    podman,
    prepare_machine,
    ready,
    refuse_file,
    step,
    submit_job,
    wait_for,
)

STAGING_KEY = "k8K1d0n2mXy5qY3lqv4oQmN7bWc0T3JtZ2V0aGVyMDA="  # tests only
API_KEY = "image-test-admin-key-0d9e"
SPLIT_VOLUMES = ("/srv/data", "/srv/keys")
CHEAP_HASHING = ["-e", "USERIMPORT_ARGON2_MEMORY_COST=1024", "-e", "USERIMPORT_ARGON2_TIME_COST=1"]


def with_postgresql(database_url: str, tag: str) -> None:
    web_port, metrics_port = free_port(), free_port()
    url = f"http://127.0.0.1:{web_port}"
    common = ["--network", "host", "-e", f"DATABASE_URL={database_url}"]
    migrations = [
        podman("run", "-d", "--name", f"{tag}-migrate-{n}", *common, IMAGE, "migrate").strip()
        for n in range(2)
    ]
    codes = [podman("wait", container).strip() for container in migrations]
    expect(codes == ["0", "0"], f"two migrate containers at once both exit 0: {codes}")
    podman("run", "-d", "--name", f"{tag}-web", *common, *CHEAP_HASHING,
           "-e", f"USERIMPORT_STAGING_KEY={STAGING_KEY}", "-e", f"USERIMPORT_API_KEY={API_KEY}",
           "-e", "USERIMPORT_SYNC_MAX_ROWS=100", "-e", "USERIMPORT_MAX_ROWS=5000",
           IMAGE, "serve", "--host", "127.0.0.1", "--port", str(web_port))  # fmt: skip
    # The worker: only the database and the staging key (every limit its default).
    podman("run", "-d", "--name", f"{tag}-worker", *common, *CHEAP_HASHING,
           "-e", f"USERIMPORT_STAGING_KEY={STAGING_KEY}",
           IMAGE, "worker", "--concurrency", "2",
           "--metrics-host", "127.0.0.1", "--metrics-port", str(metrics_port))  # fmt: skip
    wait_for("the web container to be ready", ready(url))
    record = submit_job(url, API_KEY, job_csv(200))
    expect(
        (record["status"], record["added"]) == ("completed", 200),
        f"a 200-row job completes through the containers: {record}",
    )
    refuse_file(url, API_KEY)
    metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    committed = 'userimport_imports_total{job="true",outcome="completed"} 1.0' in metrics
    expect(committed, "the worker's metrics count the job it committed")
    healthy = podman("exec", f"{tag}-web", "userimport", "healthcheck", check=False)
    expect(healthy == "", "the web container's health check passes")


def alone(tag: str) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    podman("run", "-d", "--name", f"{tag}-alone", "-p", f"127.0.0.1:{port}:8000",
           "-v", f"{tag}-data:/srv/data", "-v", f"{tag}-keys:/srv/keys", *CHEAP_HASHING,
           IMAGE)  # fmt: skip
    wait_for("the lone container to be ready", ready(url))
    logs = podman("logs", f"{tag}-alone")
    expect("uik_" not in logs, "its first start prints no key into its log")
    expect("/srv/keys/first-admin.key" in logs, "its log says where the admin key is")
    key = podman("exec", f"{tag}-alone", "cat", "/srv/keys/first-admin.key").strip()
    expect(re.fullmatch(r"uik_[A-Za-z0-9_-]+", key) is not None, "the file holds an admin key")
    mode = podman("exec", f"{tag}-alone", "stat", "-c", "%a %u", "/srv/keys/first-admin.key")
    expect(mode.split()[0] == "600", f"only its user reads the key file: {mode.strip()}")
    data, keys = (podman("exec", f"{tag}-alone", "ls", path).split() for path in SPLIT_VOLUMES)
    expect(
        "staging.key" in keys and "staging.key" not in data,
        f"the staging key is not in the database's volume: {data} / {keys}",
    )
    user = id_line = podman("exec", f"{tag}-alone", "id", "-u").strip()
    expect(user != "0", f"it runs as a user, not root: uid {id_line}")
    auth = {"Authorization": f"Bearer {key}"}
    added = httpx.post(f"{url}/imports", headers=auth, timeout=60,
                       files={"file": ("u.csv", job_csv(3), "text/csv")})  # fmt: skip
    expect(added.status_code == 201, f"it imports: {added.text}")
    podman("restart", f"{tag}-alone")
    wait_for("the restarted container to be ready", ready(url))
    users = httpx.get(f"{url}/users", headers=auth, timeout=10).json()["items"]
    expect(len(users) == 3, f"its users outlive a restart (the volume): {len(users)}")


def main() -> int:
    database_url = os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    started = time.monotonic()
    prepare_machine()
    build_image()
    tag = f"uit-{os.getpid()}"
    try:
        with postgres_schema(database_url, "containers") as url:
            with_postgresql(url, tag)
        alone(tag)
    except BaseException:
        for container in podman("ps", "-a", "--format", "{{.Names}}").split():
            if container.startswith(tag):
                sys.stderr.write(f"--- {container}\n" + podman("logs", container, check=False))
        raise
    finally:
        for container in podman("ps", "-a", "--format", "{{.Names}}").split():
            if container.startswith(tag):
                podman("rm", "-f", "-t", "5", container, check=False)
        podman("volume", "rm", "-f", f"{tag}-data", f"{tag}-keys", check=False)
    step(f"image-test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
