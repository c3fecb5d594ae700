"""import status: the column takes only the known statuses; planned counts apart from written

added / updated / skipped now count users written (0 until the commit); what an import plans
to write (a dry run: would write) moves to planned_*.

Revision ID: 4d2a9c6e1b37
Revises: 8c3f5a7d1e20
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d2a9c6e1b37"
down_revision: str | None = "8c3f5a7d1e20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = (
    "queued", "validating", "hashing", "inserting", "completed", "validated", "failed",
    "cancelled",
)  # fmt: skip
PLANNED = ("planned_added", "planned_updated", "planned_skipped")


def upgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        for column in PLANNED:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
        batch.create_check_constraint(
            op.f("ck_user_import_status"), "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"
        )
    op.execute(
        "UPDATE user_import SET planned_added = added, planned_updated = updated, "
        "planned_skipped = skipped WHERE status <> 'failed'"
    )
    op.execute(
        "UPDATE user_import SET added = 0, updated = 0, skipped = 0 WHERE status <> 'completed'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE user_import SET added = planned_added, updated = planned_updated, "
        "skipped = planned_skipped WHERE status <> 'completed'"
    )
    with op.batch_alter_table("user_import") as batch:
        batch.drop_constraint(op.f("ck_user_import_status"), type_="check")
        for column in reversed(PLANNED):
            batch.drop_column(column)
