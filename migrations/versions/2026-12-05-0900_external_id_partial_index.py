"""The externalId index holds only the users that have one (most have none: every user a file
or a job adds). A job adding a million users no longer writes a million empty entries into it
(a quarter of the time of its users' INSERT). A lookup by externalId (`externalId eq "..."`)
still uses it: an equality implies the value is there.

Revision ID: 9d4f6b8c0e23
Revises: 8c3e5a7b9d12
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4f6b8c0e23"
down_revision: str | None = "8c3e5a7b9d12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_ONE = sa.text("external_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_directory_user_external_id", "directory_user")
    op.create_index(
        "ix_directory_user_external_id",
        "directory_user",
        ["external_id"],
        postgresql_where=HAS_ONE,
        sqlite_where=HAS_ONE,
    )


def downgrade() -> None:
    op.drop_index("ix_directory_user_external_id", "directory_user")
    op.create_index("ix_directory_user_external_id", "directory_user", ["external_id"])
