"""Ids never reused, and a lease on an upload still arriving.

SQLite gives a new row the largest id + 1, so after the newest import records were pruned their
ids were given again (a kept Idempotency-Key answer then named another caller's import); its
AUTOINCREMENT never does. PostgreSQL's sequences never did. user_import.alive_until is renewed
by the web process while it receives a file: the pruning fails an upload whose lease ran out,
not one that is merely slow.

Revision ID: 6a1c3e5f7b90
Revises: 4f6a8c0e2b13
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a1c3e5f7b90"
down_revision: str | None = "4f6a8c0e2b13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("user_import", "directory_user")


def upgrade() -> None:
    op.add_column("user_import", sa.Column("alive_until", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:  # rebuilt (foreign keys are off while migrating: migrations/env.py)
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
            ):
                pass
    with op.batch_alter_table("user_import") as batch:
        batch.drop_column("alive_until")
