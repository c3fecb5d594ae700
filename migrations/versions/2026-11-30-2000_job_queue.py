"""job queue: procrastinate's schema (PostgreSQL), sealed staging of a job's file and chunks

Revision ID: 7f1c3a9e2b64
Revises: 5d2b9e71c4a8
Create Date: 2026-11-30 20:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "7f1c3a9e2b64"
down_revision: str | None = "5d2b9e71c4a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _procrastinate_objects(kind: str) -> list[str]:
    return re.findall(rf"CREATE {kind} (\w+)", SchemaManager.get_schema())


def upgrade() -> None:
    op.create_table(
        "job_file",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"], name=op.f("fk_job_file_import_id_user_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_job_file")),
    )  # fmt: skip
    op.create_table(
        "job_chunk",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("hashes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"], name=op.f("fk_job_chunk_import_id_user_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "start", name=op.f("pk_job_chunk")),
    )  # fmt: skip
    # The old in-process runner's claim on a job; the queue now owns running tasks.
    with op.batch_alter_table("user_import") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("worker_id")
    if op.get_bind().dialect.name == "postgresql":
        # procrastinate's own schema, run as it ships (no parameter parsing of its text).
        op.get_bind().connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _procrastinate_objects("TABLE"):
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        for function in _procrastinate_objects("FUNCTION"):
            op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        for type_name in _procrastinate_objects("TYPE"):
            op.execute(f"DROP TYPE IF EXISTS {type_name} CASCADE")
    with op.batch_alter_table("user_import") as batch:
        batch.add_column(sa.Column("worker_id", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("job_chunk")
    op.drop_table("job_file")
