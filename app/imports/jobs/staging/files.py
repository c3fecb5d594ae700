"""What a job stages as it arrives and is checked: its file, parts and chunks, sealed (they hold
passwords) with contexts that bind each to its place; the staging key's check value; and
all SQL about them (StagingRepository)."""

import json
from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from app.core.sealing import Sealer, StagingKeyError
from app.db.models.imports import UserImport
from app.db.models.staging import (
    JobChunk,
    JobFile,
    JobKey,
    JobPart,
    StagedAlias,
    StagedUser,
    StagingKeyCheck,
)
from app.imports.plan.directory_check import StagedRow

CHECK_CONTEXT = "staging-key-check"
CHECK_VALUE = b"user-import-service staging key"


def check_staging_key(session: Session, sealer: Sealer) -> None:
    """Store the check value sealed with this key if none is stored yet; raise
    StagingKeyError when the stored one does not open with it (another key)."""
    stored = session.get(StagingKeyCheck, 1)
    if stored is None:
        try:
            with session.begin_nested():  # a process starting beside this one may store it first
                session.add(StagingKeyCheck(id=1, sealed=sealer.seal(CHECK_VALUE, CHECK_CONTEXT)))
            return
        except IntegrityError:
            stored = session.get(StagingKeyCheck, 1, populate_existing=True)
            assert stored is not None
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


def part_context(import_id: int, part: int) -> str:
    return f"part:{import_id}:{part}"


def chunk_context(import_id: int, start: int) -> str:
    return f"chunk:{import_id}:{start}"


def seal_rows(sealer: Sealer, import_id: int, start: int, rows: Sequence[StagedRow]) -> bytes:
    return sealer.seal(json.dumps(rows).encode(), chunk_context(import_id, start))


def open_rows(sealer: Sealer, import_id: int, start: int, sealed: bytes) -> list[StagedRow]:
    opened = sealer.open(sealed, chunk_context(import_id, start))
    return [StagedRow(*row) for row in json.loads(opened)]


class StagingRepository:
    """All SQL about what a job stages as it is received and checked: its file, its parts and its
    chunks (sealed: they hold passwords); and everything staged for a job, dropped at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_file(self, import_id: int, sealed: bytes) -> None:
        self.session.add(JobFile(import_id=import_id, sealed=sealed))
        self.session.flush()

    def has_file(self, import_id: int) -> bool:
        query = select(JobFile.import_id).where(JobFile.import_id == import_id)
        return self.session.scalar(query) is not None

    def file(self, import_id: int) -> bytes | None:
        query = select(JobFile.sealed).where(JobFile.import_id == import_id)
        return self.session.scalar(query)

    def add_chunks(self, chunks: Sequence[JobChunk]) -> None:
        self.session.add_all(chunks)
        self.session.flush()

    def chunk_rows(self, import_id: int) -> int:
        query = select(func.sum(JobChunk.size)).where(JobChunk.import_id == import_id)
        return int(self.session.scalar(query) or 0)

    def drop_file(self, import_id: int) -> None:
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))

    def chunk(self, import_id: int, start: int) -> JobChunk | None:
        return self.session.get(JobChunk, (import_id, start))

    def unhashed_starts(self, import_id: int) -> list[int]:
        """The chunks still to hash (a hashed chunk is deleted)."""
        query = select(JobChunk.start).where(JobChunk.import_id == import_id)
        return list(self.session.scalars(query.order_by(JobChunk.start)))

    def hashed(self, import_id: int, start: int) -> bool:
        """The chunk's users are staged and the chunk deleted, unless another run did it
        first: True when this one did."""
        query = delete(JobChunk).where(JobChunk.import_id == import_id, JobChunk.start == start)
        return bool(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def add_part(
        self,
        import_id: int,
        part: int,
        first_row: int,
        sealed: bytes,
        encoding: str | None,
        *,
        head_bytes: int = 0,
    ) -> None:
        self.session.add(
            JobPart(import_id=import_id, part=part, first_row=first_row, sealed=sealed,
                    checked=False, whole=False, rows=0, error_count=0, errors=[],
                    encoding=encoding, columns={}, lines=True, head_bytes=head_bytes)
        )  # fmt: skip
        self.session.flush()

    def set_apart(self, import_id: int, apart: bool, encoding: str) -> None:
        """Whether a received file's parts can be checked apart (else it is checked whole),
        and the file's encoding (a part of ASCII only reads as UTF-8 in a Windows-1252 file)."""
        values = {"lines": apart, "encoding": encoding} if apart else {"lines": False}
        query = update(JobPart).where(JobPart.import_id == import_id).values(**values)
        self.session.execute(query, execution_options={"synchronize_session": False})

    def pieces(self, import_id: int) -> list[tuple[int, int]]:
        """A received file's parts in order, each (part, head bytes): to join it again."""
        query = (
            select(JobPart.part, JobPart.head_bytes)
            .where(JobPart.import_id == import_id)
            .order_by(JobPart.part)
        )
        return [(part, head) for part, head in self.session.execute(query)]

    def part_sealed(self, import_id: int, part: int) -> bytes | None:
        query = select(JobPart.sealed).where(JobPart.import_id == import_id, JobPart.part == part)
        return self.session.scalar(query)

    def part(self, import_id: int, part: int, *, for_update: bool = False) -> JobPart | None:
        """The part without its sealed lines (part_sealed reads them); locked until the
        transaction ends, for_update (one check stages it)."""
        query = (
            select(JobPart)
            .options(defer(JobPart.sealed))
            .where(JobPart.import_id == import_id, JobPart.part == part)
        )
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def parts(self, import_id: int) -> Sequence[JobPart]:
        """The job's parts, without their sealed lines (a part task reads its own)."""
        query = (
            select(JobPart)
            .options(defer(JobPart.sealed))
            .where(JobPart.import_id == import_id)
            .order_by(JobPart.part)
        )
        return self.session.scalars(query).all()

    def unchecked_parts(self, import_id: int) -> int:
        query = select(func.count()).where(
            JobPart.import_id == import_id, JobPart.checked.is_(False)
        )
        return self.session.scalar(query) or 0

    def uncheck(self, import_id: int) -> None:
        """The parts were checked under options the request then changed: what their checks
        staged goes, and they are checked again."""
        for table in (JobChunk, StagedUser, StagedAlias, JobKey):
            self.session.execute(delete(table).where(table.import_id == import_id))
        query = (
            update(JobPart)
            .where(JobPart.import_id == import_id)
            .values(checked=False, whole=False, rows=0, error_count=0, errors=[])
        )
        self.session.execute(query, execution_options={"synchronize_session": False})

    def discard(self, import_id: int) -> None:
        """Everything staged for the job: it ended, whatever the way."""
        for table in (JobChunk, JobFile, StagedUser, StagedAlias, JobPart, JobKey):
            self.session.execute(delete(table).where(table.import_id == import_id))

    def discard_left_behind(self, unfinished: Collection[str]) -> int:
        """What is staged for jobs that ended (a commit clears it just after its own
        transaction: a crash in between leaves it) or whose record is gone; how many rows."""
        running = select(UserImport.id).where(UserImport.status.in_(list(unfinished)))
        left = 0
        for table in (JobChunk, JobFile, StagedUser, StagedAlias, JobPart, JobKey):
            query = delete(table).where(table.import_id.not_in(running))
            left += int(self.session.execute(query).rowcount)  # type: ignore[attr-defined]
        return left

    def staged_count(self) -> int:
        """Files, chunks, users and aliases staged for any job (for tests and operators)."""
        return sum(
            self.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (JobFile, JobChunk, StagedUser, StagedAlias, JobPart, JobKey)
        )
