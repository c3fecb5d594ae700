"""The processes that check large files end with their server, however it ends: SIGKILL too."""

import os
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx

from bench.server import Server
from tests.conftest import ADMIN_AUTH
from tests.helpers import csv_bytes, user_rows


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            found.setdefault(parent, []).append(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    children, found, todo = _children(), set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_servers_file_checkers_end_with_it(
    live_service: Callable[..., AbstractContextManager[Server]],
) -> None:
    settings = {"USERIMPORT_SYNC_MAX_ROWS": "50", "USERIMPORT_MAX_ROWS": "5000"}
    with live_service(**settings) as server:
        # More lines than the synchronous limit: checked in the server's worker processes.
        answer = httpx.post(
            f"{server.url}/imports", params={"dry_run": "true"}, headers=ADMIN_AUTH,
            files={"file": ("u.csv", csv_bytes(user_rows(2000)), "text/csv")}, timeout=60,
        )  # fmt: skip
        checkers = descendants(server.process.pid)
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in checkers) and time.monotonic() < deadline:
            time.sleep(0.2)
        survivors = [pid for pid in checkers if alive(pid)]
        for pid in survivors:  # leave nothing behind whatever the verdict
            os.kill(pid, signal.SIGKILL)

    assert answer.status_code == 200
    assert len(checkers) >= 2, checkers  # the fork server and at least one worker
    assert survivors == []
