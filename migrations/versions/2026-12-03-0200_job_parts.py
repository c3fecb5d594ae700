"""a big job's rows checked in parts by any worker: job_part (each part's verdict) and
job_key (each part's first row of an address)

Revision ID: 3c9e5b7d2f14
Revises: 8d2f4a6c1e93
Create Date: 2026-12-03 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "3c9e5b7d2f14"
down_revision: str | None = "8d2f4a6c1e93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table(
        "job_part",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("whole", sa.Boolean(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("errors", json, nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("delimiter", sa.String(16), nullable=True),
        sa.Column("columns", json, nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"], name=op.f("fk_job_part_import_id_user_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "part", name=op.f("pk_job_part")),
    )
    op.create_table(
        "job_key",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("existing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"], name=op.f("fk_job_key_import_id_user_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "row", name=op.f("pk_job_key")),
    )
    op.create_index(
        "ix_job_key_import_id_email_key", "job_key", ["import_id", "email_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_job_key_import_id_email_key", table_name="job_key")
    op.drop_table("job_key")
    op.drop_table("job_part")
