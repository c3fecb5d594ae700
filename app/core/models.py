"""Database models: the directory's users and the record of every import attempt."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


# Limits the columns below impose, shared with the checks that keep inputs within them.
MAX_EMAIL_LENGTH = 254  # RFC 5321's bound on an address
MAX_ID = 2_147_483_647  # ids are 32-bit integers: a larger one cannot exist
MAX_KEY_NAME_LENGTH = 64


def utcnow() -> datetime:
    return datetime.now(UTC)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """For comparing the models with a database: procrastinate's tables are its own (applied
    from its schema file by a migration), not the models'."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# An import's statuses (app/imports/status.py changes them); the column takes no other value.
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
    # A job's file limits as accepted (app/imports/validation.py: FileLimits); None otherwise.
    limits: Mapped[dict[str, Any] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql")
    )
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverted_by: Mapped[str | None] = mapped_column(String(64))  # the API key's name
    # While its request still receives (or checks) the file, renewed by the web process: an
    # upload whose lease ran out belonged to a process that stopped (the pruning fails it).
    alive_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


class ApiKey(Base):
    __tablename__ = "api_key"
    __table_args__ = (
        # One active key per name; a revoked key's name may be used again.
        Index(
            "uq_api_key_active_name",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_KEY_NAME_LENGTH))
    role: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the key, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JobFile(Base):
    """A job's uploaded file, sealed (AES-GCM), until its rows are staged as chunks."""

    __tablename__ = "job_file"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), primary_key=True
    )
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class JobChunk(Base):
    """A share of a job's valid rows (sealed) waiting for a worker to hash its passwords; once
    hashed, its users are staged (StagedUser) and the chunk is deleted."""

    __tablename__ = "job_chunk"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[int] = mapped_column(Integer, primary_key=True)  # index of its first row
    size: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class JobPart(Base):
    """A share of a big job's rows, checked by any worker apart from the others: what its
    check found (the rows' errors; the users go to sealed chunks, their addresses to
    JobKey), until the job's plan joins the parts' verdicts."""

    __tablename__ = "job_part"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_row: Mapped[int] = mapped_column(Integer)  # the spreadsheet row of its first line
    # The file's header and this part's lines (sealed), until the part is checked.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The part could not be read as rows: the plan checks the file whole instead.
    whole: Mapped[bool] = mapped_column(Boolean, default=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=list
    )
    encoding: Mapped[str | None] = mapped_column(String(32))
    delimiter: Mapped[str | None] = mapped_column(String(16))
    columns: Mapped[dict[str, str]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=dict
    )
    # Its rows are its lines, so it can be checked apart; false: a piece of a file that is
    # checked whole (joined again from its parts).
    lines: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # How many bytes of the file's header lines were written before the part's own lines.
    head_bytes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class JobKey(Base):
    """The address of a row of a big job's part that is not staged as a user (a row to hash,
    or every row of a part with errors): with the users its parts staged, duplicates across
    parts and the addresses the directory holds are found set-wise."""

    __tablename__ = "job_key"

    # No foreign key, no index but the key: a million rows are written by COPY in row order
    # (app/imports/staging.py), and deleted with the job's other staged data.
    import_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    email_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    existing: Mapped[bool] = mapped_column(Boolean, default=False)
    # The row keeps its user's password (Password empty, on_existing=update): the user must exist.
    keep: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StagedUser(Base):
    """A job's user ready to be written (its password hashed: nothing secret is kept): the
    job's commit moves them all into the directory set-wise, in one transaction."""

    __tablename__ = "job_user"

    import_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # as JobKey's
    row: Mapped[int] = mapped_column(Integer, primary_key=True)  # the spreadsheet row
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    email_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(255))
    force_change_password: Mapped[bool] = mapped_column(Boolean)
    existing: Mapped[bool] = mapped_column(Boolean)  # the address is in the directory: update


class StagingKeyCheck(Base):
    """A value sealed with the staging key by the first process that used it: a process
    whose key does not open it refuses to start (every process needs the same key)."""

    __tablename__ = "staging_key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # one row: 1
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


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
