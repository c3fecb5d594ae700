"""a job's file limits travel with it: user_import.limits

Revision ID: 5b7e1c9a3d20
Revises: 2f8d6b0c4e75
Create Date: 2026-12-03 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "5b7e1c9a3d20"
down_revision: str | None = "2f8d6b0c4e75"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.add_column(
            sa.Column("limits", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.drop_column("limits")
