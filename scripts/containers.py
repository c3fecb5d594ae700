"""Helpers of the container tests (`make image-test`, `make compose-test`): podman with the
tests' own configuration, the test base images, waiting with bounded loops."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
TEST_DIR = ROOT / "deploy" / "test"
IMAGE = "localhost/user-import-service:test"
PYTHON_BASE = "localhost/userimport-test-python"
POSTGRES_IMAGE = "localhost/userimport-test-postgres"
ENV = {**os.environ, "CONTAINERS_CONF": str(TEST_DIR / "containers.conf")}
T = TypeVar("T")


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command: Sequence[str], *, check: bool = True, **kwargs: Any) -> str:
    """A command's standard output; its output shown when it fails."""
    kwargs.setdefault("env", ENV)
    done = subprocess.run(  # noqa: S603 - our own commands
        list(command), capture_output=True, text=True, **kwargs
    )
    if check and done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}")
    output: str = done.stdout
    return output


def podman(*args: str, check: bool = True) -> str:
    return run(["podman", *args], check=check)


def prepare_machine() -> None:
    """podman, runc, debootstrap (apt, when missing) and the base images (once a machine)."""
    run(["bash", str(TEST_DIR / "install.sh")])
    run(["bash", str(TEST_DIR / "bases.sh")], timeout=900)


def build_image() -> None:
    """The Dockerfile unchanged, on the test base standing in for python:3.11-slim."""
    started = time.monotonic()
    podman("build", "--format", "docker", "--network", "host", "--from", PYTHON_BASE,
           "-t", IMAGE, str(ROOT))  # fmt: skip
    step(f"built {IMAGE} in {time.monotonic() - started:.0f} s")


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 90) -> T:
    """Probe until it returns something (errors count as not yet), at most `seconds`."""
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            found = probe()
            if found is not None:
                return found
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        time.sleep(0.25)
    raise SystemExit(f"timed out after {seconds:g} s waiting for {what} (last: {last})")


def ready(url: str) -> Callable[[], bool | None]:
    def probe() -> bool | None:
        return True if httpx.get(f"{url}/readyz", timeout=5).status_code == 200 else None

    return probe


def job_csv(rows: int, start: int = 0) -> bytes:
    lines = ["Email,Name,Password,Force Change Password"]
    lines += [f"user{n}@example.com,User {n},Secret-Pass-{n:05d},FALSE" for n in range(start, rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def submit_job(url: str, key: str, data: bytes) -> dict[str, Any]:
    """Upload a job-sized file and poll it until it ends."""
    auth = {"Authorization": f"Bearer {key}"}
    answer = httpx.post(f"{url}/imports", headers=auth, timeout=60,
                        files={"file": ("users.csv", data, "text/csv")})  # fmt: skip
    expect(answer.status_code == 202, f"a job is accepted with 202: {answer.text}")
    location = f"{url}{answer.headers['location']}"

    def ended() -> dict[str, Any] | None:
        record: dict[str, Any] = httpx.get(location, headers=auth, timeout=10).json()
        return record if record["status"] in ("completed", "failed", "cancelled") else None

    return wait_for("the job to end", ended, 180)


def refuse_file(url: str, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    bad = b"Email,Name,Password,Force Change Password\r\nnot-an-address,X,Long-Enough-1,maybe\r\n"
    answer = httpx.post(f"{url}/imports", headers=auth, timeout=60,
                        files={"file": ("bad.csv", bad, "text/csv")})  # fmt: skip
    codes = [(error["row"], error["code"]) for error in answer.json().get("errors", [])]
    expect(answer.status_code == 422, f"a bad file is refused with 422: {answer.text}")
    expect(codes == [(2, "invalid_email"), (2, "invalid_boolean")], f"its errors: {codes}")


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    step(f"ok: {what.split(':')[0]}")
