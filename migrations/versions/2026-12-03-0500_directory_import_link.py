"""directory_user.import_id without a foreign key: a job's commit writes a million users in one
INSERT ... SELECT, and PostgreSQL checked the link once per row (a third of the statement's
time). The link is written only with the import's record locked in the same transaction, and the
pruning unlinks users before it deletes a record: as directory_user.updated_by, the code keeps
it.

Revision ID: 4f6a8c0e2b13
Revises: 9b3d5f7a1c42
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4f6a8c0e2b13"
down_revision: str | None = "9b3d5f7a1c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_directory_user_import_id_user_import"


def upgrade() -> None:
    with op.batch_alter_table("directory_user") as batch:
        batch.drop_constraint(op.f(FOREIGN_KEY), type_="foreignkey")


def downgrade() -> None:
    op.execute(
        "UPDATE directory_user SET import_id = NULL WHERE import_id IS NOT NULL"
        " AND import_id NOT IN (SELECT id FROM user_import)"
    )
    with op.batch_alter_table("directory_user") as batch:
        batch.create_foreign_key(op.f(FOREIGN_KEY), "user_import", ["import_id"], ["id"])
