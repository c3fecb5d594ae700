"""users by import: an (import_id, id) index for GET /users?import_id= in pages

Revision ID: 5d2b9e71c4a8
Revises: c4e8a1f05b73
Create Date: 2026-11-25 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d2b9e71c4a8"
down_revision: str | None = "c4e8a1f05b73"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The pair serves both the filter and the keyset order; the single-column index is then
    # redundant (the foreign key's lookups use the pair's leading column).
    op.create_index("ix_directory_user_import_id_id", "directory_user", ["import_id", "id"])
    op.drop_index("ix_directory_user_import_id", table_name="directory_user")


def downgrade() -> None:
    op.create_index("ix_directory_user_import_id", "directory_user", ["import_id"])
    op.drop_index("ix_directory_user_import_id_id", table_name="directory_user")
