"""Provisioning (SCIM 2.0): each user's opaque SCIM id (random, never another's; filled by the
database for every writer, a job's set-wise commit included), its externalId, the SCIM name
parts and displayName as a provider sent them, and the provisioner key that manages it (a file
then cannot change it).

Revision ID: 8c3e5a7b9d12
Revises: 7b2d4f6a8c01
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c3e5a7b9d12"
down_revision: str | None = "7b2d4f6a8c01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTOINCREMENT = {"sqlite_autoincrement": True}  # kept when SQLite's batch mode rebuilds it
# 32 random hex digits, drawn by the database for each new row.
RANDOM_ID = {
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
    "sqlite": "(lower(hex(randomblob(16))))",
}


def upgrade() -> None:
    random_id = sa.text(RANDOM_ID[op.get_bind().dialect.name])
    with op.batch_alter_table("directory_user", table_kwargs=AUTOINCREMENT) as batch:
        batch.add_column(
            sa.Column("scim_id", sa.String(32), nullable=False, server_default=random_id)
        )
        batch.add_column(sa.Column("external_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("profile", sa.Text(), nullable=True))
        batch.add_column(sa.Column("managed_by", sa.String(64), nullable=True))
    op.create_index("ix_directory_user_scim_id", "directory_user", ["scim_id"], unique=True)
    op.create_index("ix_directory_user_external_id", "directory_user", ["external_id"])


def downgrade() -> None:
    op.drop_index("ix_directory_user_external_id", "directory_user")
    op.drop_index("ix_directory_user_scim_id", "directory_user")
    with op.batch_alter_table("directory_user", table_kwargs=AUTOINCREMENT) as batch:
        batch.drop_column("managed_by")
        batch.drop_column("profile")
        batch.drop_column("external_id")
        batch.drop_column("scim_id")
