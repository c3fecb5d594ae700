"""A job's staged rows (a named type) and all SQL about what a job stages: its file and chunks
(sealed: they hold passwords), and its hashed users, which its commit moves into the directory
set-wise."""

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session, defer

from app.core.sealing import Sealer, StagingKeyError
from app.db.models.base import Base
from app.db.models.directory import DirectoryUser
from app.db.models.staging import JobChunk, JobFile, JobKey, JobPart, StagedUser, StagingKeyCheck
from app.imports.changes import ChangeRepository
from app.imports.rules import KEEP as KEEP_HASH


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


def part_context(import_id: int, part: int) -> str:
    return f"part:{import_id}:{part}"


def chunk_context(import_id: int, start: int) -> str:
    return f"chunk:{import_id}:{start}"


def seal_rows(sealer: Sealer, import_id: int, start: int, rows: Sequence[StagedRow]) -> bytes:
    return sealer.seal(json.dumps(rows).encode(), chunk_context(import_id, start))


def open_rows(sealer: Sealer, import_id: int, start: int, sealed: bytes) -> list[StagedRow]:
    opened = sealer.open(sealed, chunk_context(import_id, start))
    return [StagedRow(*row) for row in json.loads(opened)]


_STAGED_USER_COLUMNS = ("import_id", "row", "email", "email_key", "name", "password_hash",
                        "force_change_password", "existing")  # fmt: skip


class StagingRepository:
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

    def stage_users(self, import_id: int, rows: Sequence[StagedRow], hashes: Sequence[str]) -> None:
        """Users ready to write: the rows with their hashes (one per row), never a password."""
        staged = (
            (import_id, row.row, row.email, row.email.lower(), row.name, password_hash,
             row.force_change_password, row.existing)
            for row, password_hash in zip(rows, hashes, strict=True)
        )  # fmt: skip
        self._bulk_insert(StagedUser, _STAGED_USER_COLUMNS, staged)

    def _bulk_insert(
        self, model: type[Base], columns: Sequence[str], rows: Iterable[tuple[object, ...]]
    ) -> None:
        """Many rows into a staging table: with COPY on PostgreSQL (a job stages millions),
        one executemany elsewhere."""
        if self.session.get_bind().dialect.name == "postgresql":
            raw = self.session.connection().connection.driver_connection
            assert raw is not None
            copying = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(copying) as copy:
                for values in rows:
                    copy.write_row(values)
            return
        parameters = [dict(zip(columns, values, strict=True)) for values in rows]
        if parameters:
            self.session.execute(insert(model), parameters)

    def hashed(self, import_id: int, start: int) -> bool:
        """The chunk's users are staged and the chunk deleted, unless another run did it
        first: True when this one did."""
        query = delete(JobChunk).where(JobChunk.import_id == import_id, JobChunk.start == start)
        return bool(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def move_users(self, import_id: int, now: datetime, *, updates: bool = True) -> tuple[int, int]:
        """Every staged user of the job into the directory, in two statements: the new ones
        added in their rows' order, the existing ones updated (name, hash, flag; none looked
        for unless `updates`). Raises IntegrityError when another import took one of the new
        addresses meanwhile. Answers (added, updated)."""
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
                literal(import_id),
            )
            .where(staged.import_id == import_id, staged.existing.is_(False))
            .order_by(staged.row)
        )
        columns = ["email", "email_key", "name", "password_hash", "force_change_password",
                   "created_at", "import_id", "updated_by"]  # fmt: skip
        adding = insert(DirectoryUser).from_select(columns, new)
        # SQLAlchemy reports an INSERT's row count only when asked to keep it.
        added = self.session.execute(adding, execution_options={"preserve_rowcount": True}).rowcount  # type: ignore[attr-defined]
        if not updates:
            return int(added), 0
        ChangeRepository(self.session).keep_staged_before(import_id)  # for a revert
        changes = (
            update(DirectoryUser)
            .where(
                DirectoryUser.email_key == staged.email_key,
                staged.import_id == import_id,
                staged.existing.is_(True),
            )
            .values(
                name=staged.name,
                # KEEP (an empty hash): the user's own password stays.
                password_hash=func.coalesce(
                    func.nullif(staged.password_hash, ""), DirectoryUser.password_hash
                ),
                force_change_password=staged.force_change_password,
                updated_by=import_id,
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

    # A big job's parts, checked apart (app/imports/tasks.py: check_part, plan).

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

    def set_apart(self, import_id: int, apart: bool) -> None:
        """Whether a received file's parts can be checked apart (else it is checked whole)."""
        query = update(JobPart).where(JobPart.import_id == import_id).values(lines=apart)
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

    def stage_keys(
        self,
        import_id: int,
        keys_rows: Iterable[tuple[str, int]],
        keeps: Collection[int] = (),
        *,
        existing: bool = False,
    ) -> None:
        """The address of rows of a part not staged as users (a staged user's is its own):
        every row that has a valid one (its repeats too) of a part with errors or repeats, or
        the rows of its chunks to hash; or (existing) the rows a job checked whole skips.
        keeps: the rows that keep their user's password (Password empty, on_existing=update)."""
        keys = ((import_id, row, key, existing, row in keeps) for key, row in keys_rows)
        self._bulk_insert(JobKey, ("import_id", "row", "email_key", "existing", "keep"), keys)

    def _keys(self, import_id: int) -> Any:
        """Every row of a big job that has a valid address, as (row, email_key, keep): its
        keys, and the users its parts staged (before the plan, a staged user is a row whose
        hash came with it; an empty one keeps the user's own)."""
        staged = select(
            StagedUser.row,
            StagedUser.email_key,
            (StagedUser.password_hash == KEEP_HASH).label("keep"),
        ).where(StagedUser.import_id == import_id)
        keys = select(JobKey.row, JobKey.email_key, JobKey.keep).where(
            JobKey.import_id == import_id
        )
        return keys.union_all(staged).subquery()

    def missing_users(self, import_id: int, limit: int) -> tuple[list[int], int]:
        """The rows that keep their user's password although the directory has no user with
        their address: the first `limit` by row, and how many there are."""
        keys = self._keys(import_id)
        absent = (
            ~select(DirectoryUser.id).where(DirectoryUser.email_key == keys.c.email_key).exists()
        )
        rows = select(keys.c.row).where(keys.c.keep.is_(True), absent)
        count = self.session.scalar(select(func.count()).select_from(rows.subquery())) or 0
        if not count:
            return [], 0
        return list(self.session.scalars(rows.order_by(keys.c.row).limit(limit))), count

    def duplicates(self, import_id: int, limit: int) -> tuple[list[tuple[int, int]], int]:
        """Addresses on more than one row of the file: (row, first row) of each later row,
        the first `limit` by row, and how many there are."""
        # Counted by grouping first (a file with none, the usual case, costs one aggregate),
        # then found row by row.
        keys = self._keys(import_id)
        repeated = (
            select((func.count() - 1).label("later"))
            .select_from(keys)
            .group_by(keys.c.email_key)
            .having(func.count() > 1)
            .subquery()
        )
        count = int(self.session.scalar(select(func.sum(repeated.c.later))) or 0)
        if not count:
            return [], 0
        first = func.min(keys.c.row).over(partition_by=keys.c.email_key)
        seen = select(keys.c.row, first.label("first")).subquery()
        later = select(seen.c.row, seen.c.first).where(seen.c.row != seen.c.first)
        found = self.session.execute(later.order_by(seen.c.row).limit(limit))
        return [(row, first_row) for row, first_row in found], count

    def _in_directory(self, import_id: int) -> Any:
        keys = self._keys(import_id)
        return (
            select(keys.c.email_key, func.min(keys.c.row).label("row"))
            .join(DirectoryUser, DirectoryUser.email_key == keys.c.email_key)
            .group_by(keys.c.email_key)
        )

    def known(self, import_id: int, limit: int) -> tuple[dict[str, int], int]:
        """The addresses the directory holds: the first `limit` by row (address -> its first
        row), and how many there are."""
        found = self._in_directory(import_id).subquery()
        count = self.session.scalar(select(func.count()).select_from(found)) or 0
        first = self.session.execute(select(found).order_by(found.c.row).limit(limit))
        return {key: row for key, row in first}, count

    def key_count(self, import_id: int) -> int:
        """The job's rows with an address (repeats too)."""
        return self.session.scalar(select(func.count()).select_from(self._keys(import_id))) or 0

    def mark_known(self, import_id: int) -> None:
        """Flag the addresses the directory holds (updated or skipped at the commit): the
        keys of rows still to hash, and the users staged already."""
        for table in (JobKey, StagedUser):
            query = (
                update(table)
                .where(table.import_id == import_id, table.email_key == DirectoryUser.email_key)
                .values(existing=True)
            )
            self.session.execute(query, execution_options={"synchronize_session": False})

    def known_gone(self, import_id: int, limit: int) -> tuple[list[int], int]:
        """The rows the plan found in the directory (to update or skip) whose user is gone
        since: the first `limit` by row, and how many. The users still there are locked until
        the transaction ends (PostgreSQL: after any writer of them still in flight has ended;
        SQLite's writer holds the whole database)."""
        known = (
            select(JobKey.row, JobKey.email_key)
            .where(JobKey.import_id == import_id, JobKey.existing.is_(True))
            .union_all(
                select(StagedUser.row, StagedUser.email_key).where(
                    StagedUser.import_id == import_id, StagedUser.existing.is_(True)
                )
            )
            .subquery()
        )
        if self.session.get_bind().dialect.name == "postgresql":
            locking = (
                select(DirectoryUser.id)
                .where(DirectoryUser.email_key.in_(select(known.c.email_key)))
                .with_for_update()
                .subquery()
            )
            self.session.execute(select(func.count()).select_from(locking))
        absent = ~(
            select(DirectoryUser.id).where(DirectoryUser.email_key == known.c.email_key).exists()
        )
        gone = (
            select(func.min(known.c.row).label("row"))
            .where(absent)
            .group_by(known.c.email_key)
            .subquery()
        )
        count = self.session.scalar(select(func.count()).select_from(gone)) or 0
        if not count:
            return [], 0
        first = self.session.scalars(select(gone.c.row).order_by(gone.c.row).limit(limit))
        return list(first), count

    def known_rows(self, import_id: int, first: int, last: int) -> set[int]:
        """The rows first..last whose address the directory held at the plan (a job checked
        in parts: its chunks were made before the directory was asked)."""
        query = select(JobKey.row).where(
            JobKey.import_id == import_id,
            JobKey.existing.is_(True),
            JobKey.row.between(first, last),
        )
        return set(self.session.scalars(query))

    def staged_users(self, import_id: int) -> int:
        query = select(func.count()).where(StagedUser.import_id == import_id)
        return self.session.scalar(query) or 0

    def skip_known(self, import_id: int) -> None:
        """Before the commit of a job that skips existing users: the staged users the plan
        found in the directory (mark_known; rows hashed after it left them out already)."""
        query = delete(StagedUser).where(
            StagedUser.import_id == import_id, StagedUser.existing.is_(True)
        )
        self.session.execute(query, execution_options={"synchronize_session": False})

    def uncheck(self, import_id: int) -> None:
        """The parts were checked under options the request then changed: what their checks
        staged goes, and they are checked again."""
        for table in (JobChunk, StagedUser, JobKey):
            self.session.execute(delete(table).where(table.import_id == import_id))
        query = (
            update(JobPart)
            .where(JobPart.import_id == import_id)
            .values(checked=False, whole=False, rows=0, error_count=0, errors=[])
        )
        self.session.execute(query, execution_options={"synchronize_session": False})

    def drop_parts(self, import_id: int) -> None:
        """The parts' verdicts, once joined (their keys stay until the commit)."""
        self.session.execute(delete(JobPart).where(JobPart.import_id == import_id))

    def discard(self, import_id: int) -> None:
        """Everything staged for the job: it ended, whatever the way."""
        for table in (JobChunk, JobFile, StagedUser, JobPart, JobKey):
            self.session.execute(delete(table).where(table.import_id == import_id))

    def staged_count(self) -> int:
        """Files, chunks and users staged for any job (for tests and operators)."""
        return sum(
            self.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (JobFile, JobChunk, StagedUser, JobPart, JobKey)
        )
