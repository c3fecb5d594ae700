"""The record of every import attempt, what a completed import changed (for its revert), and the
answers kept for Idempotency-Key retries."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import Base, UTCDateTime, utcnow

# An import's statuses (records/status.py changes them); the column takes no other value.
IMPORT_STATUSES = (
    "receiving", "queued", "validating", "hashing", "inserting", "completed", "validated", "failed",
    "cancelled", "reverted",
)  # fmt: skip


class UserImport(Base):
    __tablename__ = "user_import"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in IMPORT_STATUSES) + ")",
            name="status",
        ),
        # An id is never given twice (SQLite would reuse a pruned record's): a kept answer's
        # /imports/{id} and a user's updated_by never name another import.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str | None] = mapped_column(String(255))
    encoding: Mapped[str | None] = mapped_column(String(32))
    delimiter: Mapped[str | None] = mapped_column(String(16))
    columns: Mapped[dict[str, str]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=dict
    )
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    # What the import plans to write (a dry run: would write), once its rows are checked.
    planned_added: Mapped[int] = mapped_column(Integer, default=0)
    planned_updated: Mapped[int] = mapped_column(Integer, default=0)
    planned_skipped: Mapped[int] = mapped_column(Integer, default=0)
    on_existing: Mapped[str] = mapped_column(String(8), default="error")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=list
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))  # the API key's name
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    # A job's file limits as accepted (reading/limits.py: FileLimits); None otherwise.
    limits: Mapped[dict[str, Any] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql")
    )
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverted_by: Mapped[str | None] = mapped_column(String(64))  # the API key's name
    # While its request still receives (or checks) the file, renewed by the web process: an
    # upload whose lease ran out belonged to a process that stopped (the pruning fails it).
    alive_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ImportChange(Base):
    """What a completed import's update replaced, per user (hashes only, never a password):
    kept as long as the import's record, so the import can be reverted."""

    __tablename__ = "import_change"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(255))
    force_change_password: Mapped[bool] = mapped_column(Boolean)
    updated_by: Mapped[int | None] = mapped_column(Integer)  # the user's, before the update
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # The import replaced the user's aliases: the ones it had are kept (ImportChangeAlias).
    aliases_kept: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ImportChangeAlias(Base):
    """An alias a completed import's update took from a user, for its revert."""

    __tablename__ = "import_change_alias"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_key: Mapped[str] = mapped_column(String(254), primary_key=True)
    address: Mapped[str] = mapped_column(String(254))


class IdempotencyRecord(Base):
    """The first answer to a POST /imports sent with an Idempotency-Key, kept for retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        Index("uq_idempotency_record_owner_key", "owner", "key", unique=True),
        Index("ix_idempotency_record_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Whose keys: "key:<API key id>" or "env:<digest>" (app/auth/deps.py Principal.key_scope).
    owner: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file and options
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while the first runs
    body: Mapped[str | None] = mapped_column(Text)  # JSON; never a cell of a refused file
    location: Mapped[str | None] = mapped_column(String(64))
    csv_errors: Mapped[bool] = mapped_column(Boolean, default=False)  # answered as a CSV file
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # While the first request runs, its claim is renewed; a claim not renewed by then (its
    # process died) is taken over by a retry. None once answered.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
