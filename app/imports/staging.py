"""A job's staged rows (a named type) and all SQL about what a job stages: its file and chunks
(sealed: they hold passwords), and its hashed users, which its commit moves into the directory
set-wise."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.core.models import DirectoryUser, JobChunk, JobFile, StagedUser, StagingKeyCheck
from app.core.sealing import Sealer, StagingKeyError


class StagedRow(NamedTuple):
    """A user to write: what a sync import hashes and writes, and what a job stages sealed."""

    row: int  # the spreadsheet row (an address taken meanwhile is reported there)
    email: str
    name: str
    secret: str  # the password, or the imported hash when `imported`
    imported: bool  # secret is a password hash imported as it is: nothing to hash
    force_change_password: bool
    existing: bool  # the directory holds the address: this user is updated


CHECK_CONTEXT = "staging-key-check"
CHECK_VALUE = b"user-import-service staging key"


def check_staging_key(session: Session, sealer: Sealer) -> None:
    """Store the check value sealed with this key if none is stored yet; raise
    StagingKeyError when the stored one does not open with it (another key)."""
    stored = session.get(StagingKeyCheck, 1)
    if stored is None:
        session.add(StagingKeyCheck(id=1, sealed=sealer.seal(CHECK_VALUE, CHECK_CONTEXT)))
        session.flush()
        return
    try:
        opened = sealer.open(stored.sealed, CHECK_CONTEXT)
    except StagingKeyError:
        opened = None
    if opened != CHECK_VALUE:
        raise StagingKeyError(
            "USERIMPORT_STAGING_KEY is not the key this database's jobs are sealed with: "
            "every web process and worker needs the same key."
        )


def file_context(import_id: int) -> str:
    return f"file:{import_id}"


def chunk_context(import_id: int, start: int) -> str:
    return f"chunk:{import_id}:{start}"


def seal_rows(sealer: Sealer, import_id: int, start: int, rows: Sequence[StagedRow]) -> bytes:
    return sealer.seal(json.dumps(rows).encode(), chunk_context(import_id, start))


def open_rows(sealer: Sealer, import_id: int, start: int, sealed: bytes) -> list[StagedRow]:
    opened = sealer.open(sealed, chunk_context(import_id, start))
    return [StagedRow(*row) for row in json.loads(opened)]


_STAGED_USER_COLUMNS = ("import_id", "row", "email", "email_key", "name", "password_hash",
                        "force_change_password", "existing")  # fmt: skip
_COPY_STAGED_USERS = f"COPY job_user ({', '.join(_STAGED_USER_COLUMNS)}) FROM STDIN"


class StagingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_file(self, import_id: int, sealed: bytes) -> None:
        self.session.add(JobFile(import_id=import_id, sealed=sealed))
        self.session.flush()

    def file(self, import_id: int) -> bytes | None:
        query = select(JobFile.sealed).where(JobFile.import_id == import_id)
        return self.session.scalar(query)

    def replace_file_with_chunks(self, import_id: int, chunks: Sequence[JobChunk]) -> None:
        """The file's valid rows as chunks; the file itself is not needed any more."""
        self.session.execute(delete(JobChunk).where(JobChunk.import_id == import_id))
        self.session.add_all(chunks)
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))
        self.session.flush()

    def chunk(self, import_id: int, start: int) -> JobChunk | None:
        return self.session.get(JobChunk, (import_id, start))

    def unhashed_starts(self, import_id: int) -> list[int]:
        """The chunks still to hash (a hashed chunk is deleted)."""
        query = select(JobChunk.start).where(JobChunk.import_id == import_id)
        return list(self.session.scalars(query.order_by(JobChunk.start)))

    def stage_users(self, import_id: int, rows: Sequence[StagedRow], hashes: Sequence[str]) -> None:
        """Users ready to write: the rows with their hashes (one per row), never a password.
        PostgreSQL takes them with COPY (a job stages up to millions)."""
        staged = (
            (import_id, row.row, row.email, row.email.lower(), row.name, password_hash,
             row.force_change_password, row.existing)
            for row, password_hash in zip(rows, hashes, strict=True)
        )  # fmt: skip
        if self.session.get_bind().dialect.name == "postgresql":
            raw = self.session.connection().connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor, cursor.copy(_COPY_STAGED_USERS) as copy:
                for values in staged:
                    copy.write_row(values)
            return
        parameters = [dict(zip(_STAGED_USER_COLUMNS, values, strict=True)) for values in staged]
        if parameters:
            self.session.execute(insert(StagedUser), parameters)

    def hashed(self, import_id: int, start: int) -> bool:
        """The chunk's users are staged and the chunk deleted, unless another run did it
        first: True when this one did."""
        query = delete(JobChunk).where(JobChunk.import_id == import_id, JobChunk.start == start)
        return bool(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def move_users(self, import_id: int, now: datetime) -> tuple[int, int]:
        """Every staged user of the job into the directory, in two statements: the new ones
        added in their rows' order, the existing ones updated (name, hash, flag). Raises
        IntegrityError when another import took one of the new addresses meanwhile.
        Answers (added, updated)."""
        staged = StagedUser.__table__.c
        new = (
            select(
                staged.email,
                staged.email_key,
                staged.name,
                staged.password_hash,
                staged.force_change_password,
                literal(now, DirectoryUser.__table__.c.created_at.type),
                literal(import_id),
            )
            .where(staged.import_id == import_id, staged.existing.is_(False))
            .order_by(staged.row)
        )
        columns = ["email", "email_key", "name", "password_hash", "force_change_password",
                   "created_at", "import_id"]  # fmt: skip
        adding = insert(DirectoryUser).from_select(columns, new)
        # SQLAlchemy reports an INSERT's row count only when asked to keep it.
        added = self.session.execute(adding, execution_options={"preserve_rowcount": True}).rowcount  # type: ignore[attr-defined]
        changes = (
            update(DirectoryUser)
            .where(
                DirectoryUser.email_key == staged.email_key,
                staged.import_id == import_id,
                staged.existing.is_(True),
            )
            .values(
                name=staged.name,
                password_hash=staged.password_hash,
                force_change_password=staged.force_change_password,
            )
        )
        # No session objects to keep in step: without this the ORM asks for every updated id.
        updated = self.session.execute(
            changes, execution_options={"synchronize_session": False}
        ).rowcount  # type: ignore[attr-defined]
        return int(added), int(updated)

    def taken(self, import_id: int) -> dict[str, int]:
        """The staged new users whose address the directory holds now (a race lost with
        another import): their rows, by lower-cased address."""
        query = (
            select(StagedUser.email_key, StagedUser.row)
            .join(DirectoryUser, DirectoryUser.email_key == StagedUser.email_key)
            .where(StagedUser.import_id == import_id, StagedUser.existing.is_(False))
        )
        return {key: row for key, row in self.session.execute(query.order_by(StagedUser.row))}

    def discard(self, import_id: int) -> None:
        """Everything staged for the job: it ended, whatever the way."""
        self.session.execute(delete(JobChunk).where(JobChunk.import_id == import_id))
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))
        self.session.execute(delete(StagedUser).where(StagedUser.import_id == import_id))

    def staged_count(self) -> int:
        """Files, chunks and users staged for any job (for tests and operators)."""
        return sum(
            self.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (JobFile, JobChunk, StagedUser)
        )
