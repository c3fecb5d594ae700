"""import delimiter and columns

Revision ID: 5c1d0e7a9b42
Revises: 387829a0789f
Create Date: 2026-11-24 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5c1d0e7a9b42"
down_revision: str | None = "387829a0789f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.add_column(sa.Column("delimiter", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column(
                "columns",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.drop_column("columns")
        batch.drop_column("delimiter")
