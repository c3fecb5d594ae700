"""users and imports

Revision ID: 387829a0789f
Revises:
Create Date: 2026-11-24 17:05:38
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "387829a0789f"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column(
            "errors", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_import")),
    )
    op.create_table(
        "directory_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("force_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["user_import.id"],
            name=op.f("fk_directory_user_import_id_user_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_user")),
        sa.UniqueConstraint("email_key", name=op.f("uq_directory_user_email_key")),
    )
    op.create_index(
        op.f("ix_directory_user_import_id"), "directory_user", ["import_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_directory_user_import_id"), table_name="directory_user")
    op.drop_table("directory_user")
    op.drop_table("user_import")
