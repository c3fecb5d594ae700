"""Which schema this code needs, and which one a database has: the newest migration's revision
(a test keeps SCHEMA_REVISION equal to migrations/versions' head)."""

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

SCHEMA_REVISION = "9d4f6b8c0e23"


def applied_revision(session: Session) -> str | None:
    """The revision the database was migrated to; None when it was never migrated."""
    try:
        with session.begin_nested():
            found = session.execute(text("SELECT version_num FROM alembic_version"))
            return found.scalar()
    except DBAPIError as error:
        if is_missing_table(error):  # no alembic_version table: never migrated
            return None
        raise


def is_missing_table(error: DBAPIError) -> bool:
    """The statement names a table the database does not have (it was not migrated)."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate == "42P01" or "no such table" in str(error.orig)


def is_current(session: Session) -> bool:
    return applied_revision(session) == SCHEMA_REVISION
