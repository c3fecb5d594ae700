"""`userimport migrate` and `userimport prune`, and what every command that needs the database
says, in one line with the fix, when it cannot use it."""

import argparse
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.core.config import Settings
from app.core.logs import configure_logging
from app.db.engine import create_db_engine, create_session_factory, in_transaction
from app.db.schema import SCHEMA_REVISION, applied_revision

MIGRATE_ATTEMPTS = 30  # 2 s apart


# PostgreSQL answered, and no wait will change it: no such database, no such role, a wrong
# password or no right to connect (said by the connection's message: it has no SQLSTATE).
_FINAL = re.compile(
    r'(database|role) "[^"]*" does not exist|password authentication failed|no pg_hba\.conf entry'
)


def days(value: str) -> float:
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if not 0 <= days <= 36500:
        raise argparse.ArgumentTypeError("days must be 0 to 36500")
    return days


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def driver_reason(exc: OperationalError) -> str:
    """The driver's own first line, without its connection preamble."""
    text = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    return text.split("FATAL:", 1)[-1].strip()


def schema_problem(settings: Settings) -> str | None:
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
        reason = driver_reason(exc)
        if _FINAL.search(reason):
            return f"{reason} ({shown(settings.database_url)}): fix DATABASE_URL"
        return (
            f"the database at {shown(settings.database_url)} does not answer ({reason}): "
            "check DATABASE_URL and that the server runs"
        )
    finally:
        engine.dispose()
    if revision != SCHEMA_REVISION:
        state = "was never migrated" if revision is None else f"is at revision {revision}"
        return (
            f"the database at {shown(settings.database_url)} {state}; this version needs "
            f"{SCHEMA_REVISION}: run `userimport migrate` first"
        )
    return None


def prune(settings: Settings, older_than: float | None) -> int:
    from app.imports.jobs.retention import prune

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
        f"{pruned.stale_uploads} stale upload(s) failed as interrupted, {pruned.events} user "
        f"event(s), {pruned.staged_rows} staged row(s) of ended jobs; no user"
    )
    return 0


def alembic_ini() -> Path:
    """The project's alembic.ini: in the working directory (the image's /srv), else beside the
    app package (a checkout)."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[1]):
        if (folder / "alembic.ini").is_file():
            return folder / "alembic.ini"
    raise FileNotFoundError("alembic.ini: run `userimport migrate` from the project's folder")


def migrate(settings: Settings) -> int:
    """alembic upgrade head, holding an advisory lock on PostgreSQL (migrations/env.py)."""
    from alembic import command
    from alembic.config import Config

    configure_logging(settings.log_level, settings.log_format)
    config = Config(str(alembic_ini()))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False  # the service's own format (JSON)
    for attempt in range(1, MIGRATE_ATTEMPTS + 1):  # the database may be starting with us
        try:
            command.upgrade(config, "head")
            break
        except OperationalError as exc:
            reason = driver_reason(exc)
            if _FINAL.search(reason) or attempt == MIGRATE_ATTEMPTS:
                # It answered: no database of that name, a wrong password (waiting cannot help).
                print(f"userimport migrate: {reason} ({shown(settings.database_url)})",
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
