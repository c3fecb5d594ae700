"""a job's upload staged in parts as it arrives: status `receiving`, job_part.lines (its rows
are its lines: checked apart) and job_part.head_bytes (the file's header lines before its own); job_key and
job_user written by COPY without a foreign key check per row nor a random-order index (their
rows are deleted with the job's other staged data, whatever way it ends); job_key.keep (a row
that keeps its user's password: on_existing=update with an empty Password)

Revision ID: 7e2a4c6b8d31
Revises: 3c9e5b7d2f14
Create Date: 2026-12-03 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e2a4c6b8d31"
down_revision: str | None = "3c9e5b7d2f14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STATUSES = (
    "queued", "validating", "hashing", "inserting", "completed", "validated", "failed",
    "cancelled",
)  # fmt: skip


def _statuses(*statuses: str) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("user_import") as batch:
        batch.drop_constraint(op.f("ck_user_import_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_user_import_status"), _statuses("receiving", *STATUSES)
        )
    op.drop_index("ix_job_key_import_id_email_key", table_name="job_key")
    with op.batch_alter_table("job_key") as batch:
        batch.drop_constraint(op.f("fk_job_key_import_id_user_import"), type_="foreignkey")
        batch.add_column(
            sa.Column("keep", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("job_user") as batch:
        batch.drop_constraint(op.f("fk_job_user_import_id_user_import"), type_="foreignkey")
    with op.batch_alter_table("job_part") as batch:
        batch.add_column(
            sa.Column("lines", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("head_bytes", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("job_part") as batch:
        batch.drop_column("head_bytes")
        batch.drop_column("lines")
    op.execute("DELETE FROM user_import WHERE status = 'receiving'")
    with op.batch_alter_table("user_import") as batch:
        batch.drop_constraint(op.f("ck_user_import_status"), type_="check")
        batch.create_check_constraint(op.f("ck_user_import_status"), _statuses(*STATUSES))
    with op.batch_alter_table("job_key") as batch:
        batch.drop_column("keep")
    for table in ("job_user", "job_key"):
        op.execute(f"DELETE FROM {table} WHERE import_id NOT IN (SELECT id FROM user_import)")
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                op.f(f"fk_{table}_import_id_user_import"), "user_import", ["import_id"], ["id"],
                ondelete="CASCADE",
            )
    op.create_index(
        "ix_job_key_import_id_email_key", "job_key", ["import_id", "email_key"], unique=False
    )
