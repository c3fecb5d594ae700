"""`make bench-compare OTHER=DIR`: the 500-row import of this checkout against another one
(DIR, with its own .venv: an earlier commit, say), each against its hashing floor measured just
before it, and the 100k-row dry run against `csv.reader` on the same bytes, alternating between
the two so that both see the same machine.

.venv/bin/python -m bench.compare DIR [ROUNDS]   # SQLite; PostgreSQL too with TEST_DATABASE_URL
"""

import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from argon2 import PasswordHasher, Type

from app.core.config import Settings
from bench.run import (
    AUTH,
    SERVER_SETTINGS,
    csv_reader_seconds,
    floor_per_row,
    post,
    timed_dry_run,
    timed_import,
    users_csv,
)
from bench.server import ROOT, postgres_schema, running_server

ROWS = 500


def concurrent_floor_per_row(settings: Settings, samples: int = 200) -> float:
    """Seconds per row of hashing `samples` passwords on as many threads as the server hashes
    with, at once: the floor with the memory bandwidth two argon2 hashes share (the serial
    floor of bench.run divides one hash's time by the threads, which they never reach)."""
    hasher = PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
        type=Type.ID,
    )
    workers = min(settings.hash_workers, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        started = time.perf_counter()
        list(pool.map(hasher.hash, (f"floor-{n}" for n in range(samples))))
        return (time.perf_counter() - started) / samples


def ratios(
    root: Path, database_url: str, settings: Settings, rounds: int, tag: str
) -> list[tuple[float, float]]:
    """(import / serial floor, import / concurrent floor) for each run."""
    found = []
    with running_server(database_url, SERVER_SETTINGS, root=root) as server:
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=600)
        timed_import(client, users_csv(20, f"warm{tag}-"), 201)  # the first request's imports
        for run in range(rounds):
            serial = ROWS * floor_per_row(settings)
            concurrent = ROWS * concurrent_floor_per_row(settings)
            elapsed = timed_import(client, users_csv(ROWS, f"{tag}{run}-"), 201)
            found.append((elapsed / serial, elapsed / concurrent))
    return found


def dry_run_ratios(root: Path, database_url: str, rounds: int) -> list[tuple[float, float]]:
    """(100k dry run / csv.reader on the same bytes, the dry run's seconds) for each run."""
    big = users_csv(100_000, "dry")
    found = []
    with running_server(database_url, SERVER_SETTINGS, root=root) as server:
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=600)
        post(client, users_csv(1000, "warm"), dry_run=True)  # starts the checkers
        for _ in range(rounds):
            reader = csv_reader_seconds(big)
            elapsed = timed_dry_run(client, big)
            found.append((elapsed / reader, elapsed))
    return found


def compare_dry_runs(label: str, urls: dict[str, str], other: Path, rounds: int) -> None:
    this: list[tuple[float, float]] = []
    that: list[tuple[float, float]] = []
    for n in range(rounds):
        if n % 2 == 0:
            this += dry_run_ratios(ROOT, urls["this"], 1)
            that += dry_run_ratios(other, urls["other"], 1)
        else:
            that += dry_run_ratios(other, urls["other"], 1)
            this += dry_run_ratios(ROOT, urls["this"], 1)
    mine, theirs = [r[0] for r in this], [r[0] for r in that]
    print(
        f"dry_run_100k / csv.reader, {label}: this {statistics.median(mine):.2f} "
        f"(runs {', '.join(f'{r:.2f}' for r in mine)}); other {statistics.median(theirs):.2f} "
        f"(runs {', '.join(f'{r:.2f}' for r in theirs)})",
        flush=True,
    )


def compare(label: str, urls: dict[str, str], other: Path, rounds: int) -> None:
    settings = Settings.model_validate({})
    this: list[tuple[float, float]] = []
    that: list[tuple[float, float]] = []
    for n in range(rounds):  # alternate, and swap who goes first: a noisy minute hits both
        first, second = (this, that) if n % 2 == 0 else (that, this)
        roots = (ROOT, other) if n % 2 == 0 else (other, ROOT)
        names = ("this", "other") if n % 2 == 0 else ("other", "this")
        first += ratios(roots[0], urls[names[0]], settings, 1, f"{names[0]}{n}")
        second += ratios(roots[1], urls[names[1]], settings, 1, f"{names[1]}{n}")
    for kind, index in (("serial floor", 0), ("concurrent floor", 1)):
        mine = [r[index] for r in this]
        theirs = [r[index] for r in that]
        print(
            f"import_500 / {kind}, {label}: this {statistics.median(mine):.3f} "
            f"(runs {', '.join(f'{r:.3f}' for r in mine)}); other {statistics.median(theirs):.3f} "
            f"(runs {', '.join(f'{r:.3f}' for r in theirs)})",
            flush=True,
        )


def main() -> None:
    other = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"this: {ROOT}; other: {other}; {rounds} rounds; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        urls = {name: f"sqlite:///{Path(tmp) / f'{name}.db'}" for name in ("this", "other")}
        compare("SQLite", urls, other, rounds)
        compare_dry_runs("SQLite", urls, other, rounds)
    if pg := os.environ.get("TEST_DATABASE_URL"):
        with postgres_schema(pg) as this_url, postgres_schema(pg) as other_url:
            compare("PostgreSQL", {"this": this_url, "other": other_url}, other, rounds)
        with postgres_schema(pg) as this_url, postgres_schema(pg) as other_url:
            compare_dry_runs("PostgreSQL", {"this": this_url, "other": other_url}, other, rounds)


if __name__ == "__main__":
    main()
