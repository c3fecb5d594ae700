"""The `userimport` console script: its commands and their arguments, each run by its module.

userimport keys create --name NAME --role admin|reader|provisioner prints the new key once
userimport keys list
userimport keys revoke NAME
userimport keys ensure [--url URL]   first start: create an admin key if none exists
userimport migrate   bring the database's schema up to date (any number at once: they queue)
userimport serve [--host HOST] [--port PORT] [--prepare]   uvicorn with the service's limits
userimport healthcheck [--url URL]   exit 0 when the URL answers 200 (the image's HEALTHCHECK)
userimport worker [--concurrency N] [--metrics-port PORT]   run import jobs' tasks (PostgreSQL)
userimport staging-key ensure   write a key for sealing staged jobs to USERIMPORT_STAGING_KEY_FILE
userimport prune [--older-than DAYS]   delete ended import records (never users), expired rows
"""

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from app.auth.keys import Role
from app.cli.database import days, migrate, prune, schema_problem
from app.cli.keys import key_name, run_keys
from app.cli.processes import healthcheck, port, prepare, run_worker, staging_key
from app.core.config import Settings
from app.http.server import serve


class _Parser(argparse.ArgumentParser):
    """Input errors as one line (`userimport: error: ...`) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="userimport", description="Manage the service.")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="command", required=True)
    create = keys.add_parser("create", help="create a key and print it once")
    create.add_argument(
        "--name", required=True, type=key_name, help="who or what uses the key (1-64 characters)"
    )
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    keys.add_parser("list", help="list keys (never the keys themselves)")
    revoke = keys.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("name")
    ensure = keys.add_parser("ensure", help="create an admin key if there is no key at all")
    ensure.add_argument("--url", default="http://127.0.0.1:8000", help="for the curl line")
    groups.add_parser("migrate", help="bring the database's schema up to date (Alembic)")
    serve = groups.add_parser("serve", help="serve the API (run `userimport migrate` first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info", help="uvicorn's own log level")
    serve.add_argument(
        "--prepare",
        action="store_true",
        help="first migrate, write a staging key file if there is no key, and make an admin key "
        "if there is none (written to USERIMPORT_FIRST_KEY_FILE, never printed): a single "
        "container's first start",
    )
    health = groups.add_parser("healthcheck", help="exit 0 when URL answers 200, else 1")
    health.add_argument(
        "--url",
        default=os.environ.get("USERIMPORT_HEALTHCHECK_URL", "http://127.0.0.1:8000/readyz"),
        help="default USERIMPORT_HEALTHCHECK_URL or http://127.0.0.1:8000/readyz",
    )
    worker = groups.add_parser("worker", help="run import jobs' tasks (PostgreSQL only)")
    worker.add_argument(
        "--concurrency",
        type=int,
        default=os.cpu_count() or 1,
        help="chunks hashed at once, a thread each (default: the CPU count)",
    )
    worker.add_argument(
        "--metrics-port",
        type=port,
        default=None,
        help="serve Prometheus metrics on this port (default USERIMPORT_WORKER_METRICS_PORT; "
        "none when unset)",
    )
    worker.add_argument(
        "--metrics-host", default=None, help="default USERIMPORT_WORKER_METRICS_HOST (127.0.0.1)"
    )
    pruning = groups.add_parser(
        "prune", help="delete ended import records older than DAYS, and what has expired"
    )
    pruning.add_argument(
        "--older-than",
        type=days,
        default=None,
        metavar="DAYS",
        help="default USERIMPORT_RETENTION_DAYS (90); 0 removes every ended record (never a user)",
    )
    staging = groups.add_parser("staging-key", help="the key that seals staged jobs")
    staging.add_subparsers(dest="command", required=True).add_parser(
        "ensure", help="write a new key to USERIMPORT_STAGING_KEY_FILE unless a key exists"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    if args.group == "healthcheck":
        return healthcheck(args.url)
    if args.group == "serve":
        if args.prepare:
            prepare(Settings())
        serve(args.host, args.port, args.log_level)
        return 0
    settings = Settings()
    if args.group == "migrate":
        return migrate(settings)
    if args.group == "worker":
        updates = {
            "worker_metrics_port": args.metrics_port,
            "worker_metrics_host": args.metrics_host,
        }
        settings = settings.model_copy(update={k: v for k, v in updates.items() if v is not None})
        return run_worker(settings, args.concurrency)
    if args.group == "staging-key":
        return staging_key(settings)
    if args.group in ("prune", "keys"):
        problem = schema_problem(settings)
        if problem is not None:
            print(f"userimport {args.group}: {problem}", file=sys.stderr)
            return 1
    if args.group == "prune":
        return prune(settings, args.older_than)
    return run_keys(args, settings)


if __name__ == "__main__":
    sys.exit(main())
