"""an import can be reverted: directory_user.updated_by (the import that last wrote the user),
import_change (what a completed import's updates replaced: name, flag, hash), user_import
reverted_at / reverted_by, and the status `reverted`

Revision ID: 9b3d5f7a1c42
Revises: 7e2a4c6b8d31
Create Date: 2026-12-03 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b3d5f7a1c42"
down_revision: str | None = "7e2a4c6b8d31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = (
    "receiving", "queued", "validating", "hashing", "inserting", "completed", "validated",
    "failed", "cancelled",
)  # fmt: skip


def _statuses(*statuses: str) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("directory_user") as batch:
        batch.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
    op.execute("UPDATE directory_user SET updated_by = import_id")
    op.create_table(
        "import_change",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("force_change_password", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"],
            name=op.f("fk_import_change_import_id_user_import"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("import_id", "user_id", name=op.f("pk_import_change")),
    )
    with op.batch_alter_table("user_import") as batch:
        batch.add_column(sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reverted_by", sa.String(64), nullable=True))
        batch.drop_constraint(op.f("ck_user_import_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_user_import_status"), _statuses(*STATUSES, "reverted")
        )


def downgrade() -> None:
    op.execute("UPDATE user_import SET status = 'completed' WHERE status = 'reverted'")
    with op.batch_alter_table("user_import") as batch:
        batch.drop_constraint(op.f("ck_user_import_status"), type_="check")
        batch.create_check_constraint(op.f("ck_user_import_status"), _statuses(*STATUSES))
        batch.drop_column("reverted_by")
        batch.drop_column("reverted_at")
    op.drop_table("import_change")
    with op.batch_alter_table("directory_user") as batch:
        batch.drop_column("updated_by")
