"""idempotency lease: a claim whose request died is taken over once its lease runs out

Revision ID: 6e1b7d3f9a52
Revises: 4d2a9c6e1b37
Create Date: 2026-12-02 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "6e1b7d3f9a52"
down_revision: str | None = "4d2a9c6e1b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_record") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record") as batch:
        batch.drop_column("lease_until")
