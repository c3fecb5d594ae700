"""staging key check: a value sealed with the staging key, so no process runs with another

Revision ID: 9a4c2e8f1d63
Revises: 6e1b7d3f9a52
Create Date: 2026-12-02 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4c2e8f1d63"
down_revision: str | None = "6e1b7d3f9a52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staging_key_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staging_key_check")),
    )


def downgrade() -> None:
    op.drop_table("staging_key_check")
