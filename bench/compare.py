"""`make bench-compare OTHER=DIR`: the 500-row import of this checkout against another one
(DIR, with its own .venv: an earlier commit, say), each against its hashing floor measured just
before it, alternating between the two so that both see the same machine.

.venv/bin/python -m bench.compare DIR [ROUNDS]   # SQLite; PostgreSQL too with TEST_DATABASE_URL
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path

import httpx

from app.core.config import Settings
from bench.run import (
    AUTH,
    SERVER_SETTINGS,
    floor_per_row,
    postgres_schema,
    timed_import,
    users_csv,
)
from bench.server import ROOT, running_server

ROWS = 500


def ratios(root: Path, database_url: str, settings: Settings, rounds: int, tag: str) -> list[float]:
    found = []
    with running_server(database_url, SERVER_SETTINGS, root=root) as server:
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=600)
        timed_import(client, users_csv(20, f"warm{tag}-"), 201)  # the first request's imports
        for run in range(rounds):
            floor = ROWS * floor_per_row(settings)
            elapsed = timed_import(client, users_csv(ROWS, f"{tag}{run}-"), 201)
            found.append(elapsed / floor)
    return found


def compare(label: str, urls: dict[str, str], other: Path, rounds: int) -> None:
    settings = Settings.model_validate({})
    this, that = [], []
    for n in range(rounds):  # alternate: a noisy minute hits both
        this += ratios(ROOT, urls["this"], settings, 1, f"this{n}")
        that += ratios(other, urls["other"], settings, 1, f"other{n}")
    print(
        f"import_500 / floor, {label}: this {statistics.median(this):.3f} "
        f"(runs {', '.join(f'{r:.3f}' for r in this)}); other {statistics.median(that):.3f} "
        f"(runs {', '.join(f'{r:.3f}' for r in that)})",
        flush=True,
    )


def main() -> None:
    other = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"this: {ROOT}; other: {other}; {rounds} rounds; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        urls = {name: f"sqlite:///{Path(tmp) / f'{name}.db'}" for name in ("this", "other")}
        compare("SQLite", urls, other, rounds)
    if pg := os.environ.get("TEST_DATABASE_URL"):
        with postgres_schema(pg) as this_url, postgres_schema(pg) as other_url:
            compare("PostgreSQL", {"this": this_url, "other": other_url}, other, rounds)


if __name__ == "__main__":
    main()
