"""The newcomer's path: `make run` as the README gives it (its own folder for the database and
keys), a job-sized file imported as a job to the end, then Ctrl+C, which stops it cleanly."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx

from bench.server import free_port
from tests.conftest import ROOT
from tests.helpers import csv_bytes, user_rows

# As a newcomer's shell: without the staging key file the tests point at.
NOT_THE_TESTS_OWN = {k: v for k, v in os.environ.items() if k != "USERIMPORT_STAGING_KEY_FILE"}
KEY = re.compile(r"^\s+(uik_[A-Za-z0-9_-]{40,})$", re.MULTILINE)


def test_make_run_imports_a_2000_row_file_as_a_job_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    port, log = free_port(), tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(  # noqa: S603 (a terminal's Ctrl+C reaches the whole group)
            ["make", "run", f"PORT={port}", f"DATA={tmp_path / 'data'}"],  # noqa: S607
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**NOT_THE_TESTS_OWN, "USERIMPORT_ARGON2_MEMORY_COST": "1024"},
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not re.search(rb"Application startup complete", log.read_bytes()):
            assert make.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        [key] = KEY.findall(log.read_text())
        auth = {"Authorization": f"Bearer {key}"}
        files = {"file": ("users.csv", csv_bytes(user_rows(2000)), "text/csv")}
        answer = httpx.post(f"{url}/imports", headers=auth, files=files, timeout=60)
        assert answer.status_code == 202, answer.text  # over 500 rows: a job, out of the box
        location = f"{url}{answer.headers['location']}"
        seen = set()
        while (record := httpx.get(location, headers=auth, timeout=10).json())["status"] not in (
            "completed", "failed",
        ):  # fmt: skip
            seen.add(record["status"])
            assert time.monotonic() < deadline + 120, record
            time.sleep(0.2)
    finally:
        os.killpg(make.pid, signal.SIGINT)
        status = make.wait(timeout=30)
    output = log.read_text()

    assert (record["status"], record["added"]) == ("completed", 2000), record
    assert record["progress"] == {"done": 2000, "total": 2000}
    assert status in (0, 2, -signal.SIGINT), output  # make's own way of saying "interrupted"
    assert "Traceback" not in output  # before: one from each file-checking process
    assert "Finished server process" in output
    assert (tmp_path / "data" / "staging.key").exists()  # in make run's own folder
