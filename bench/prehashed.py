"""`make bench-prehashed` (and `make bench`): 100,000 users imported with their password
hashes (bcrypt, from another directory): no argon2 work, so the job is as fast as checking and
inserting. The reference is a dry run of the same file, timed just before.

.venv/bin/python -m bench.prehashed   # SQLite; PostgreSQL too when TEST_DATABASE_URL is set
"""

import os
import tempfile
from pathlib import Path

import bcrypt
import httpx

from bench.run import (
    AUTH,
    SERVER_SETTINGS,
    Row,
    print_table,
    timed_dry_run,
    timed_import,
)
from bench.server import postgres_schema, running_server, running_workers

ROWS = 100_000


def prehashed_csv(rows: int, *, aliases: bool = False) -> bytes:
    """Users with imported hashes; aliases: one alias each (an Aliases column)."""
    # A few distinct hashes, as an export holds (bcrypt's cost 4: only making them is cheap).
    hashes = [
        bcrypt.hashpw(f"pw-{n}".encode(), bcrypt.gensalt(rounds=4)).decode() for n in range(16)
    ]
    header = "Email,Name,Password,Force Change Password,Password Hash"
    lines = [header + (",Aliases" if aliases else "")]
    lines += [
        f"hashed{n}@bench{n % 20}.example.com,Bench User {n},,FALSE,{hashes[n % 16]}"
        + (f",alias{n}@bench{n % 20}.example.com" if aliases else "")
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def prehashed_rows(label: str, database_url: str) -> list[Row]:
    workers = 1 if database_url.startswith("postgresql") else 0
    data = prehashed_csv(ROWS)
    with (
        running_server(database_url, SERVER_SETTINGS) as server,
        tempfile.TemporaryDirectory() as logs,
        running_workers(database_url, SERVER_SETTINGS, workers, os.cpu_count() or 1, Path(logs)),
    ):
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=600)
        timed_dry_run(client, prehashed_csv(1000))  # warm up
        checked = timed_dry_run(client, data)
        imported = timed_import(client, data, 202)
    return [
        Row(f"prehashed_100k ({label})", f"{imported:.1f} s", f"dry run {checked:.2f} s",
            imported / checked, "<=10"),
        Row(f"prehashed_100k ({label}, rows/s)", f"{ROWS / imported:,.0f}", "", None, ""),
    ]  # fmt: skip


def main() -> None:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += prehashed_rows("SQLite", f"sqlite:///{Path(tmp) / 'prehashed.db'}")
    if pg := os.environ.get("TEST_DATABASE_URL"):
        with postgres_schema(pg) as url:
            rows += prehashed_rows("PostgreSQL", url)
    print_table(rows)


if __name__ == "__main__":
    main()
