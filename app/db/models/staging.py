"""What a job stages between its steps: its file and chunks (sealed), its parts, its keys and its
hashed users; and the staging key's check value."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    false,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import MAX_EMAIL_LENGTH, Base, UTCDateTime, utcnow


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
    # (app/imports/jobs/staging/), and deleted with the job's other staged data.
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
    active: Mapped[bool | None] = mapped_column(Boolean)  # None: the file has no Active cell


class StagedAlias(Base):
    """An alias a big job's row gives its user (the file has an Aliases column): checked
    set-wise by the plan (repeats, addresses held by other users), written by the commit."""

    __tablename__ = "job_alias"

    # No foreign key, no index but the key: written by COPY, deleted with the job's staging.
    import_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # in the cell, from 1
    alias_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    alias: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    owner_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))  # the row's Email, lowered


class StagingKeyCheck(Base):
    """A value sealed with the staging key by the first process that used it: a process
    whose key does not open it refuses to start (every process needs the same key)."""

    __tablename__ = "staging_key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # one row: 1
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
