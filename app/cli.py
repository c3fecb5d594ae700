"""The `userimport` console script: manage API keys, serve the API.

userimport keys create --name NAME --role admin|reader   prints the new key once
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
import re
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.auth.keys import ApiKeyRepository, Role
from app.core.config import Settings
from app.core.logs import configure_logging
from app.core.sealing import ensure_key_file, write_secret_file
from app.db.engine import create_db_engine, create_session_factory, in_transaction
from app.db.models.base import MAX_KEY_NAME_LENGTH
from app.db.schema import SCHEMA_REVISION, applied_revision
from app.http.server import serve

BOOTSTRAP_KEY_NAME = "first-admin"
MIGRATE_ATTEMPTS = 30  # 2 s apart
# PostgreSQL answered, and no wait will change it: no such database, no such role, a wrong
# password or no right to connect (said by the connection's message: it has no SQLSTATE).
_FINAL = re.compile(
    r'(database|role) "[^"]*" does not exist|password authentication failed|no pg_hba\.conf entry'
)


class _Parser(argparse.ArgumentParser):
    """Input errors as one line (`userimport: error: ...`) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _key_name(value: str) -> str:
    name = value.strip()
    if not 1 <= len(name) <= MAX_KEY_NAME_LENGTH:
        raise argparse.ArgumentTypeError(
            f"a key name is 1 to {MAX_KEY_NAME_LENGTH} characters (got {len(name)})"
        )
    if not name.isprintable():
        raise argparse.ArgumentTypeError("a key name holds no control characters")
    return name


def _days(value: str) -> float:
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if not 0 <= days <= 36500:
        raise argparse.ArgumentTypeError("days must be 0 to 36500")
    return days


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: OperationalError) -> str:
    """The driver's own first line, without its connection preamble."""
    text = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    return text.split("FATAL:", 1)[-1].strip()


def _schema_problem(settings: Settings) -> str | None:
    """Why the database cannot be used by this version (one line, with the fix), or None."""
    url = make_url(settings.database_url)
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).exists():
        return (
            f"there is no database at {file}: run `userimport migrate` first "
            "(`make run` does), or set DATABASE_URL"
        )
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            revision = applied_revision(session)
    except OperationalError as exc:
        reason = _reason(exc)
        if _FINAL.search(reason):
            return f"{reason} ({_shown(settings.database_url)}): fix DATABASE_URL"
        return (
            f"the database at {_shown(settings.database_url)} does not answer ({reason}): "
            "check DATABASE_URL and that the server runs"
        )
    finally:
        engine.dispose()
    if revision != SCHEMA_REVISION:
        state = "was never migrated" if revision is None else f"is at revision {revision}"
        return (
            f"the database at {_shown(settings.database_url)} {state}; this version needs "
            f"{SCHEMA_REVISION}: run `userimport migrate` first"
        )
    return None


def _prune(settings: Settings, older_than: float | None) -> int:
    from app.imports.retention import prune

    days = settings.retention_days if older_than is None else older_than
    engine = create_db_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        pruned = in_transaction(sessions, lambda s: prune(s, settings, timedelta(days=days)))
    finally:
        engine.dispose()
    print(
        f"pruned {pruned.imports} import record(s) older than {days:g} day(s), "
        f"{pruned.idempotency_records} expired idempotency record(s), {pruned.queue_tasks} "
        f"finished queue task(s), {pruned.dead_workers} dead worker(s), "
        f"{pruned.stale_uploads} stale upload(s) failed as interrupted; no user"
    )
    return 0


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535 (got {value!r})")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="userimport", description="Manage the service.")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="command", required=True)
    create = keys.add_parser("create", help="create a key and print it once")
    create.add_argument(
        "--name", required=True, type=_key_name, help="who or what uses the key (1-64 characters)"
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
        type=_port,
        default=None,
        help="serve Prometheus metrics on this port (default USERIMPORT_WORKER_METRICS_PORT; "
        "none when unset)",
    )
    worker.add_argument(
        "--metrics-host", default=None, help="default USERIMPORT_WORKER_METRICS_HOST (127.0.0.1)"
    )
    prune = groups.add_parser(
        "prune", help="delete ended import records older than DAYS, and what has expired"
    )
    prune.add_argument(
        "--older-than",
        type=_days,
        default=None,
        metavar="DAYS",
        help="default USERIMPORT_RETENTION_DAYS (90); 0 removes every ended record (never a user)",
    )
    staging = groups.add_parser("staging-key", help="the key that seals staged jobs")
    staging.add_subparsers(dest="command", required=True).add_parser(
        "ensure", help="write a new key to USERIMPORT_STAGING_KEY_FILE unless a key exists"
    )
    return parser


def _alembic_ini() -> Path:
    """The project's alembic.ini: in the working directory (the image's /srv), else beside the
    app package (a checkout)."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[1]):
        if (folder / "alembic.ini").is_file():
            return folder / "alembic.ini"
    raise FileNotFoundError("alembic.ini: run `userimport migrate` from the project's folder")


def _migrate(settings: Settings) -> int:
    """alembic upgrade head, holding an advisory lock on PostgreSQL (migrations/env.py)."""
    from alembic import command
    from alembic.config import Config

    configure_logging(settings.log_level, settings.log_format)
    config = Config(str(_alembic_ini()))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False  # the service's own format (JSON)
    for attempt in range(1, MIGRATE_ATTEMPTS + 1):  # the database may be starting with us
        try:
            command.upgrade(config, "head")
            break
        except OperationalError as exc:
            reason = _reason(exc)
            if _FINAL.search(reason) or attempt == MIGRATE_ATTEMPTS:
                # It answered: no database of that name, a wrong password (waiting cannot help).
                print(f"userimport migrate: {reason} ({_shown(settings.database_url)})",
                      file=sys.stderr)  # fmt: skip
                return 1
            print("the database does not answer yet; trying again in 2 s", file=sys.stderr)
            time.sleep(2)
    print("The database is up to date.")
    if settings.app_database_url is not None and settings.uses_postgresql:
        from app.db.app_role import ensure_app_role

        engine = create_db_engine(settings.database_url)
        try:
            with engine.connect() as owner:
                role = ensure_app_role(owner, settings.app_database_url.get_secret_value())
        finally:
            engine.dispose()
        print(f"The service's role {role!r} may read and write its rows, and nothing more.")
    return 0


def _worker(settings: Settings, concurrency: int) -> int:
    if not settings.uses_postgresql:
        print(
            "userimport worker needs PostgreSQL (DATABASE_URL); with SQLite, "
            "`userimport serve` runs the jobs itself.",
            file=sys.stderr,
        )
        return 2
    if concurrency < 1:
        print("--concurrency must be at least 1", file=sys.stderr)
        return 2
    from app.core.sealing import StagingKeyError
    from app.imports.jobs import run_import_worker  # the queue only where it is used

    configure_logging(settings.log_level, settings.log_format)
    if settings.worker_metrics_port is not None:
        from app.core.metrics import WorkerMetricsExposedError, serve_worker_metrics

        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        try:
            host, port = settings.worker_metrics_host, settings.worker_metrics_port
            serve_worker_metrics(host, port, token)
        except WorkerMetricsExposedError as exc:
            print(f"userimport worker: {exc}", file=sys.stderr)
            return 2
    try:
        run_import_worker(settings, concurrency)
    except StagingKeyError as exc:
        print(f"userimport worker: {exc}", file=sys.stderr)
        return 2
    return 0


def _staging_key(settings: Settings) -> int:
    if settings.staging_key is not None:
        print("USERIMPORT_STAGING_KEY is set; no key file is needed.")
        return 0
    path = Path(settings.staging_key_file)
    if ensure_key_file(path):
        print(f"Wrote a new staging key to {path} (keep it secret; every web process and "
              "worker needs the same key).")  # fmt: skip
    else:
        print(f"A staging key exists at {path}.")
    return 0


def _healthcheck(url: str) -> int:
    import urllib.error
    import urllib.request

    if not url.startswith(("http://", "https://")):
        print(f"not an http(s) URL: {url!r}", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - checked above
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


def _prepare(settings: Settings) -> None:
    """A single container's first start: the schema, a staging key, an admin key. The key is
    written to USERIMPORT_FIRST_KEY_FILE (0600), not printed: a container's output is its log,
    kept and shipped where anyone may read it."""
    if _migrate(settings) != 0:
        raise SystemExit(1)
    _staging_key(settings)
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine).begin() as session:
            keys = ApiKeyRepository(session)
            if settings.api_key is not None or keys.count_active() > 0:
                return
            _, key = keys.create(BOOTSTRAP_KEY_NAME, Role.ADMIN)
            path = Path(settings.first_key_file)
            path.unlink(missing_ok=True)  # a key of an earlier database: no longer valid
            write_secret_file(path, key)
    finally:
        engine.dispose()
    print(
        f"No API key existed, so an admin key {BOOTSTRAP_KEY_NAME!r} was made and written to "
        f"{path} (readable by this user only): read it once (`cat {path}` in the container), "
        "store it, and delete the file."
    )


def _show_new_key(key: str, url: str) -> None:
    print(f"  {key}")
    print("Store it now: only its digest is kept, it cannot be shown again. Try it:")
    print(f"  curl -H 'Authorization: Bearer {key}' {url}/users")


def _create(keys: ApiKeyRepository, name: str, role: str) -> int:
    if keys.active_by_name(name) is not None:
        print(f"an active key named {name!r} exists already", file=sys.stderr)
        return 1
    _, key = keys.create(name, Role(role))
    print(f"New {role} key {name!r}:")
    _show_new_key(key, "http://127.0.0.1:8000")
    return 0


def _list(keys: ApiKeyRepository) -> int:
    print(f"{'name':<24} {'role':<7} {'created':<20} {'last used':<20} revoked")
    for record in keys.all():
        created = f"{record.created_at:%Y-%m-%d %H:%M:%S}"
        used = f"{record.last_used_at:%Y-%m-%d %H:%M:%S}" if record.last_used_at else "-"
        revoked = f"{record.revoked_at:%Y-%m-%d %H:%M:%S}" if record.revoked_at else "-"
        print(f"{record.name:<24} {record.role:<7} {created:<20} {used:<20} {revoked}")
    return 0


def _revoke(keys: ApiKeyRepository, name: str) -> int:
    record = keys.active_by_name(name)
    if record is None:
        print(f"no active key named {name!r}", file=sys.stderr)
        return 1
    keys.revoke(record)
    print(f"revoked {name!r}; it is refused from now on")
    return 0


def _ensure(keys: ApiKeyRepository, settings: Settings, url: str) -> int:
    if settings.api_key is not None or keys.count_active() > 0:
        print("API keys exist; `userimport keys create` makes another.")
        return 0
    _, key = keys.create(BOOTSTRAP_KEY_NAME, Role.ADMIN)
    print(f"No API key existed, so an admin key {BOOTSTRAP_KEY_NAME!r} was made:")
    _show_new_key(key, url)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    if args.group == "healthcheck":
        return _healthcheck(args.url)
    if args.group == "serve":
        if args.prepare:
            _prepare(Settings())
        serve(args.host, args.port, args.log_level)
        return 0
    settings = Settings()
    if args.group == "migrate":
        return _migrate(settings)
    if args.group == "worker":
        updates = {
            "worker_metrics_port": args.metrics_port,
            "worker_metrics_host": args.metrics_host,
        }
        settings = settings.model_copy(update={k: v for k, v in updates.items() if v is not None})
        return _worker(settings, args.concurrency)
    if args.group == "staging-key":
        return _staging_key(settings)
    if args.group in ("prune", "keys"):
        problem = _schema_problem(settings)
        if problem is not None:
            print(f"userimport {args.group}: {problem}", file=sys.stderr)
            return 1
    if args.group == "prune":
        return _prune(settings, args.older_than)
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            keys = ApiKeyRepository(session)
            if args.command == "create":
                status = _create(keys, args.name, args.role)
            elif args.command == "list":
                status = _list(keys)
            elif args.command == "revoke":
                status = _revoke(keys, args.name)
            else:
                status = _ensure(keys, settings, args.url)
            session.commit()
            return status
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
