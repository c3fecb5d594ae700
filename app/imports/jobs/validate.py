"""A job's first step: its rows checked before any hash, in one reading of the whole file, or cut
into parts that any workers check at once (part_checks); then the directory, and its rows
staged as chunks to hash."""

import time
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.db.models.staging import JobPart
from app.directory.address_book import AddressRepository
from app.imports.jobs.runtime import (
    CHECK_PART,
    COMMIT,
    HASH_CHUNK,
    PLAN,
    JobRuntime,
    chunked,
    limits_of,
    part_count,
    refuse,
    sealed_chunk,
)
from app.imports.jobs.staging.files import StagingRepository, file_context, part_context
from app.imports.jobs.staging.users import StagedUserRepository
from app.imports.options import OnExisting
from app.imports.plan.directory_check import Refusal, check_directory, row_aliases
from app.imports.plan.sync_import import describe, log_attempt, passwords_to_hash, stored_hashes
from app.imports.reading.file_parts import cut_parts
from app.imports.reading.limits import Scope
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import ImportStatus


def validate(rt: JobRuntime, import_id: int, parts_queued: bool = False) -> None:
    """Step: check every row and the directory before any hash: here, or in parts by any
    workers at once (check_part, then plan) when the file was received in parts that can be
    checked apart, or is big and its rows are its lines. parts_queued: each received part's
    check was deferred as it arrived (the last to end defers the plan)."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.QUEUED, ImportStatus.VALIDATING):
            return
        status.validating(record)
        staging = StagingRepository(session)
        staged = staging.parts(import_id)
        received = bool(staged) and not staging.has_file(import_id)
        if received and all(part.lines for part in staged):
            if not parts_queued or all(part.checked for part in staged):
                check_parts(rt, session, import_id, staged)
            return
        parts = part_count(rt, record.rows)
        if staged and not received:
            return  # cut by a run before this one
        sealed = staging.file(import_id) if parts > 1 and not received else None
    if sealed is not None:
        data = rt.sealer.open(sealed, file_context(import_id))
        del sealed
        cut = cut_parts(data, parts)
        del data
        if cut is not None:
            _stage_parts(rt, import_id, *cut)
            return
    validate_whole(rt, import_id)


def check_parts(rt: JobRuntime, session: Session, import_id: int, parts: Sequence[JobPart]) -> None:
    """Defer a check of every part not checked yet, or the plan when all are."""
    unchecked = [part.part for part in parts if not part.checked]
    if unchecked:
        rt.defer(session, CHECK_PART, [{"import_id": import_id, "part": n} for n in unchecked])
    else:
        rt.defer(session, PLAN, [{"import_id": import_id}])


def _file_data(rt: JobRuntime, import_id: int) -> bytes | None:
    """The job's file: as it was staged, or joined again from the parts it was received in."""
    with rt.sessions() as session:
        staging = StagingRepository(session)
        sealed = staging.file(import_id)
        if sealed is not None:
            return rt.sealer.open(sealed, file_context(import_id))
        pieces = staging.pieces(import_id)
        if not pieces:
            return None
        joined = bytearray()
        for part, head_bytes in pieces:
            piece = staging.part_sealed(import_id, part)
            if piece is None:
                return None
            joined += memoryview(rt.sealer.open(piece, part_context(import_id, part)))[head_bytes:]
            del piece
        return bytes(joined)


def _stage_parts(
    rt: JobRuntime, import_id: int, encoding: str, cut: list[tuple[int, bytes]]
) -> None:
    """The parts of the file, sealed, each with a task to check it: one transaction."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        staging = StagingRepository(session)
        if staging.parts(import_id):
            return
        for n, (first_row, data) in enumerate(cut):
            sealed = rt.sealer.seal(data, part_context(import_id, n))
            staging.add_part(import_id, n, first_row, sealed, encoding)
        tasks = [{"import_id": import_id, "part": n} for n in range(len(cut))]
        rt.defer(session, CHECK_PART, tasks)


def validate_whole(rt: JobRuntime, import_id: int) -> None:
    """The file's rows checked in one reading, then the directory; the rows staged as
    chunks with a task for each (or, a dry run, its verdict given), or the file refused."""
    started = time.perf_counter()
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        limits, dry_run = limits_of(rt, record), record.dry_run
    data = _file_data(rt, import_id)
    if data is None:
        return
    validation = rt.check(data, limits, Scope(keep_users=not dry_run))
    del data  # a job's file is held once at a time, not twice, while it is checked
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return  # cancelled meanwhile
        describe(record, validation)
        staging = StagingRepository(session)
        on_existing = OnExisting(record.on_existing)
        checked = check_directory(validation, AddressRepository(session), on_existing)
        if isinstance(checked, Refusal):
            refuse(record, staging, checked, limits, started)
            return
        staging.discard(import_id)  # the file, and whatever parts of it staged before
        staged = StagedUserRepository(session)
        if dry_run:
            status.validated(record, checked.counts)
            log_attempt(record, started, job=True)
            return
        if on_existing == OnExisting.SKIP:  # the commit checks they are still there
            staged.stage_keys(import_id, checked.known.items(), existing=True)
        staged.stage_aliases(import_id, row_aliases(checked.rows))
        # A chunk with passwords waits sealed for a worker to hash them; one of imported
        # hashes only is staged at once, as users ready to write.
        to_hash, hashed = [], 0
        for start, chunk in chunked(rt, checked.rows):
            if passwords_to_hash(chunk):
                to_hash.append(sealed_chunk(rt, import_id, start, chunk))
            else:
                staged.stage_users(import_id, chunk, stored_hashes(chunk, []))
                hashed += len(chunk)
        staging.add_chunks(to_hash)
        status.planned(record, checked.counts, len(checked.rows), hashed)
        if to_hash:
            tasks = [{"import_id": import_id, "start": chunk.start} for chunk in to_hash]
            rt.defer(session, HASH_CHUNK, tasks)
        else:  # every row came with its hash
            rt.defer(session, COMMIT, [{"import_id": import_id}])
