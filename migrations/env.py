"""Alembic environment: the URL comes from the caller's config or from DATABASE_URL."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text

from app.core.config import Settings
from app.db.engine import create_db_engine
from app.db.models.base import Base, include_name

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
# Held (PostgreSQL advisory lock, per session) while migrating: any number of `userimport
# migrate` started together run one after another; the later ones find nothing left to do.
MIGRATION_LOCK = 0x75736572696D7074  # "userimpt"


def database_url() -> str:
    url = config.attributes.get("database_url")
    return url if isinstance(url, str) else Settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    try:
        with engine.connect() as connection:
            locks = connection.dialect.name == "postgresql"
            if connection.dialect.name == "sqlite":
                # A table rebuilt by batch mode is dropped and renamed: with foreign keys on,
                # dropping it would delete the rows that refer to it (ON DELETE CASCADE).
                # Set before any transaction begins (SQLite ignores it inside one).
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            if locks:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()  # the lock outlives this transaction: it is the session's
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                include_name=include_name,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            try:
                with context.begin_transaction():
                    context.run_migrations()
            finally:
                if locks:
                    connection.rollback()  # a failed migration leaves its transaction aborted
                    unlock = text("SELECT pg_advisory_unlock(:key)")
                    connection.execute(unlock, {"key": MIGRATION_LOCK})
                    connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
