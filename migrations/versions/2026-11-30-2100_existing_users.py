"""existing users: on_existing of an import, and how many users it updated or skipped

Revision ID: 2b6e0d4f8a91
Revises: 7f1c3a9e2b64
Create Date: 2026-11-30 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2b6e0d4f8a91"
down_revision: str | None = "7f1c3a9e2b64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.add_column(sa.Column("updated", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("on_existing", sa.String(length=8), nullable=False, server_default="error")
        )


def downgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.drop_column("on_existing")
        batch.drop_column("skipped")
        batch.drop_column("updated")
