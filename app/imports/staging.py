"""A job's staged rows (a named type) and all SQL about its staged (sealed) file and chunks."""

import json
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core.models import JobChunk, JobFile, StagingKeyCheck
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
        query = select(JobChunk.start).where(
            JobChunk.import_id == import_id, JobChunk.hashes.is_(None)
        )
        return list(self.session.scalars(query.order_by(JobChunk.start)))

    def store_hashes(self, import_id: int, start: int, hashes: str) -> bool:
        """The chunk's hashes, unless another run stored them first; True when stored."""
        query = (
            update(JobChunk)
            .where(
                JobChunk.import_id == import_id,
                JobChunk.start == start,
                JobChunk.hashes.is_(None),
            )
            .values(hashes=hashes)
        )
        return bool(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def chunks(self, import_id: int) -> Sequence[JobChunk]:
        query = select(JobChunk).where(JobChunk.import_id == import_id)
        return self.session.scalars(query.order_by(JobChunk.start)).all()

    def discard(self, import_id: int) -> None:
        """Everything staged for the job: it ended, whatever the way."""
        self.session.execute(delete(JobChunk).where(JobChunk.import_id == import_id))
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))

    def staged_count(self) -> int:
        """Files and chunks staged for any job (for tests and operators)."""
        files = self.session.scalar(select(func.count()).select_from(JobFile)) or 0
        chunks = self.session.scalar(select(func.count()).select_from(JobChunk)) or 0
        return files + chunks
