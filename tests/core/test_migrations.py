"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from app.db.models.base import Base, include_name
from app.db.schema import SCHEMA_REVISION
from tests.conftest import ROOT


def test_the_code_knows_the_newest_migration() -> None:
    """/readyz and the CLI tell a database that was not migrated by this revision."""
    scripts = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))
    assert scripts.get_current_head() == SCHEMA_REVISION


def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"include_name": include_name}),
                Base.metadata,
            )
    finally:
        engine.dispose()

    assert differences == []
