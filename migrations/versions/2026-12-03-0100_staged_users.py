"""a job's hashed users staged in a table (job_user) and moved set-wise by its commit;
job_chunk loses its hashes (a chunk is deleted once hashed)

Jobs hashing or inserting when this runs had their hashes in job_chunk.hashes: they fail as
interrupted (nothing was written; the administrator uploads the file again).

Revision ID: 8d2f4a6c1e93
Revises: 5b7e1c9a3d20
Create Date: 2026-12-03 01:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2f4a6c1e93"
down_revision: str | None = "5b7e1c9a3d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERRUPTED = [
    {
        "row": None,
        "column": None,
        "code": "interrupted",
        "message": "The import stopped before it finished (the service was upgraded while it "
        "ran). Nothing was added; upload the file again.",
    }
]


def upgrade() -> None:
    op.create_table(
        "job_user",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("force_change_password", sa.Boolean(), nullable=False),
        sa.Column("existing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"], name=op.f("fk_job_user_import_id_user_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "row", name=op.f("pk_job_user")),
    )
    running = sa.text("SELECT id FROM user_import WHERE status IN ('hashing', 'inserting')")
    ids = [row[0] for row in op.get_bind().execute(running)]
    for import_id in ids:
        op.get_bind().execute(
            sa.text(
                "UPDATE user_import SET status = 'failed', errors = :errors, error_count = 1 "
                "WHERE id = :id"
            ),
            {"errors": json.dumps(INTERRUPTED), "id": import_id},
        )
        op.get_bind().execute(
            sa.text("DELETE FROM job_chunk WHERE import_id = :id"), {"id": import_id}
        )
    with op.batch_alter_table("job_chunk") as batch:
        batch.drop_column("hashes")


def downgrade() -> None:
    with op.batch_alter_table("job_chunk") as batch:
        batch.add_column(sa.Column("hashes", sa.Text(), nullable=True))
    op.drop_table("job_user")
