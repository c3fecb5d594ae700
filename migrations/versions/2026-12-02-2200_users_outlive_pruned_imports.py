"""users outlive pruned imports: directory_user.import_id may be NULL

Revision ID: 2f8d6b0c4e75
Revises: 9a4c2e8f1d63
Create Date: 2026-12-02 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2f8d6b0c4e75"
down_revision: str | None = "9a4c2e8f1d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("directory_user") as batch:
        batch.alter_column("import_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    orphans = op.get_bind().execute(
        sa.text("SELECT count(*) FROM directory_user WHERE import_id IS NULL")
    )
    if orphans.scalar_one():
        raise RuntimeError("Users whose import record was pruned cannot go back to NOT NULL.")
    with op.batch_alter_table("directory_user") as batch:
        batch.alter_column("import_id", existing_type=sa.Integer(), nullable=False)
