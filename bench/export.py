"""`make bench-export`: GET /users as CSV over a big directory (1M users by default) through
`userimport serve` on PostgreSQL: the time to stream it, and the server's peak resident memory
(VmHWM) against its own after start: the export is read a batch at a time, so it must not
grow with the directory (target: the server under 200 MB).

TEST_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.export [USERS]
"""

import argparse
import os
import sys
import time

import httpx
from sqlalchemy import create_engine, text

from bench.run import AUTH, SERVER_SETTINGS, Row, print_table
from bench.server import postgres_schema, running_server

# One bcrypt hash for every user: the export never reads it (it shows no password).
HASH = "$2b$04$e0MYzXyjpJS7Pd0RVvHwHe1HlCS4bZJ15JNRQVvyJWk7pqEkYEZyG"


def fill(url: str, users: int) -> None:
    """users users written by the database itself (generate_series): quick, and nothing held."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO directory_user (email, email_key, name, password_hash, "
                    "force_change_password, created_at, import_id, updated_by) "
                    "SELECT 'user' || n || '@bench.example.com', 'user' || n || "
                    "'@bench.example.com', 'Bench User ' || n, :hash, n % 2 = 0, now(), NULL, "
                    "NULL FROM generate_series(1, :users) AS n"
                ),
                {"hash": HASH, "users": users},
            )
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("users", nargs="?", type=int, default=1_000_000)
    args = parser.parse_args()
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        sys.exit("bench.export needs PostgreSQL: set TEST_DATABASE_URL")
    with postgres_schema(pg) as url, running_server(url, SERVER_SETTINGS) as server:
        fill(url, args.users)
        idle = server.server_peak_rss_mb()
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=3600)
        started = time.perf_counter()
        size = lines = 0
        with client.stream("GET", "/users", headers={"Accept": "text/csv"}) as answer:
            if answer.status_code != 200:
                raise RuntimeError(f"answered {answer.status_code}")
            for chunk in answer.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        peak = server.server_peak_rss_mb()
    if lines != args.users + 1:
        raise RuntimeError(f"{lines} lines for {args.users} users")
    print(f"{args.users:,} users: {size / 1e6:,.0f} MB of CSV in {elapsed:.1f} s", flush=True)
    print_table(
        [
            Row(
                f"export {args.users:,} users, server peak MB",
                f"{peak:,.0f} MB",
                f"after start {idle:,.0f} MB",
                peak,
                "<=200",
            ),
            Row("  users/s", f"{args.users / elapsed:,.0f}", f"{elapsed:.1f} s", None, ""),
        ]
    )


if __name__ == "__main__":
    main()
