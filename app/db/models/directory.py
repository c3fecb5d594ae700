"""The directory's users."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import MAX_EMAIL_LENGTH, Base, UTCDateTime, utcnow


class DirectoryUser(Base):
    __tablename__ = "directory_user"
    __table_args__ = (
        # A page of one import's users: filtered by import, ordered by id.
        Index("ix_directory_user_import_id_id", "import_id", "id"),
        {"sqlite_autoincrement": True},  # a deleted user's id is never another's
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    # The address lower-cased: the database refuses a second user with the same one.
    email_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(255))
    force_change_password: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The import that added the user; None once that import's record was pruned. Not a foreign
    # key: a job's commit adds a million users in one statement, and the database checked the
    # link per row (migrations/versions/2026-12-03-0500_directory_import_link.py).
    import_id: Mapped[int | None] = mapped_column(Integer)
    # The import that wrote the user last (added or updated it): a revert undoes only what
    # no later import has changed.
    updated_by: Mapped[int | None] = mapped_column(Integer)
