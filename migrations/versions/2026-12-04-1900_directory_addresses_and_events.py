"""The directory, one user at a time: one address space (directory_address: every primary
address and alias, each held once), users that can be disabled and carry a version, events
(who changed what), and what a job stages and a revert restores of aliases and `active`.

The unique key of an address moves from directory_user.email_key to directory_address, so
primaries and aliases share it; each user's primary address is copied there.

Revision ID: 7b2d4f6a8c01
Revises: 6a1c3e5f7b90
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b2d4f6a8c01"
down_revision: str | None = "6a1c3e5f7b90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMAIL = sa.String(254)
AUTOINCREMENT = {"sqlite_autoincrement": True}  # kept when SQLite's batch mode rebuilds it


def upgrade() -> None:
    op.create_table(
        "directory_address",
        sa.Column("address_key", EMAIL, nullable=False),
        sa.Column("address", EMAIL, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("address_key", name=op.f("pk_directory_address")),
    )
    op.create_index("ix_directory_address_user_id", "directory_address", ["user_id"])
    op.execute(
        "INSERT INTO directory_address (address_key, address, user_id, is_primary) "
        "SELECT email_key, email, id, true FROM directory_user"
    )
    with op.batch_alter_table("directory_user", table_kwargs=AUTOINCREMENT) as batch:
        batch.drop_constraint("uq_directory_user_email_key", type_="unique")
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(64), nullable=True))
    op.execute(
        "UPDATE directory_user SET created_by = "
        "(SELECT created_by FROM user_import WHERE user_import.id = directory_user.import_id)"
    )
    with op.batch_alter_table("import_change") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("aliases_kept", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "import_change_alias",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address_key", EMAIL, nullable=False),
        sa.Column("address", EMAIL, nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["user_import.id"],
            name=op.f("fk_import_change_alias_import_id_user_import"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "import_id", "user_id", "address_key", name=op.f("pk_import_change_alias")
        ),
    )  # fmt: skip
    with op.batch_alter_table("job_user") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=True))
    op.create_table(
        "job_alias",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alias_key", EMAIL, nullable=False),
        sa.Column("alias", EMAIL, nullable=False),
        sa.Column("owner_key", EMAIL, nullable=False),
        sa.PrimaryKeyConstraint("import_id", "row", "position", name=op.f("pk_job_alias")),
    )
    op.create_table(
        "directory_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_event")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_directory_event_user_id_id", "directory_event", ["user_id", "id"])
    op.create_index("ix_directory_event_at", "directory_event", ["at"])


def downgrade() -> None:
    op.drop_table("directory_event")
    op.drop_table("job_alias")
    with op.batch_alter_table("job_user") as batch:
        batch.drop_column("active")
    op.drop_table("import_change_alias")
    with op.batch_alter_table("import_change") as batch:
        batch.drop_column("aliases_kept")
        batch.drop_column("active")
    with op.batch_alter_table("directory_user", table_kwargs=AUTOINCREMENT) as batch:
        batch.drop_column("created_by")
        batch.drop_column("updated_at")
        batch.drop_column("version")
        batch.drop_column("active")
        batch.create_unique_constraint("uq_directory_user_email_key", ["email_key"])
    op.drop_table("directory_address")
