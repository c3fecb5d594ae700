"""A job's chunk of rows hashed with no connection held, by any worker in any order; the last
chunk defers the commit."""

from collections.abc import Callable

from app.core.metrics import CHUNKS_HASHED, ROWS_HASHED, hashing_time
from app.imports.jobs.runtime import COMMIT, JobRuntime, logger
from app.imports.jobs.staging.addresses import StagedAddressRepository
from app.imports.jobs.staging.files import StagingRepository, open_rows
from app.imports.jobs.staging.users import StagedUserRepository
from app.imports.options import OnExisting
from app.imports.plan.directory_check import StagedRow
from app.imports.plan.sync_import import passwords_to_hash, stored_hashes
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import ImportStatus
from app.passwords.hashing import lower_thread_priority
from app.queue.tasks import GiveBack

# While hashing a chunk, whether the job was cancelled is read every this many hashes.
CANCEL_CHECK_EVERY = 50


def _as_planned(
    rt: JobRuntime, import_id: int, rows: list[StagedRow], on_existing: OnExisting
) -> list[StagedRow]:
    """A chunk of a job checked in parts was made before the directory was asked: its rows
    whose address the plan found there are updated, or (skip) left out."""
    with rt.sessions() as session:
        known = StagedAddressRepository(session).known_rows(import_id, rows[0].row, rows[-1].row)
    if not known:
        return rows
    if on_existing == OnExisting.SKIP:
        return [row for row in rows if row.row not in known]
    return [row._replace(existing=True) if row.row in known else row for row in rows]


def _is_hashing(rt: JobRuntime, import_id: int) -> bool:
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        return record is not None and status.is_in(record, ImportStatus.HASHING)


def hash_chunk(
    rt: JobRuntime, import_id: int, start: int, should_stop: Callable[[], bool] = lambda: False
) -> None:
    """Step: hash one chunk's passwords with no connection held; store them, and when they
    were the job's last, defer the write. A stopping worker gives the chunk back (GiveBack)."""
    lower_thread_priority()
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        chunk = StagingRepository(session).chunk(import_id, start)
        if record is None or not status.is_in(record, ImportStatus.HASHING) or chunk is None:
            return  # ended, or a run before this one staged the chunk's users
        sealed, on_existing = chunk.sealed, OnExisting(record.on_existing)
    every = open_rows(rt.sealer, import_id, start, sealed)
    rows = _as_planned(rt, import_id, every, on_existing)
    made = []
    for n, password in enumerate(passwords_to_hash(rows), 1):
        if should_stop():
            raise GiveBack
        with hashing_time():
            made.append(rt.hasher.hash(password))
        if n % CANCEL_CHECK_EVERY == 0 and not _is_hashing(rt, import_id):
            return
    hashes = stored_hashes(rows, made)
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.HASHING):
            return
        staging = StagingRepository(session)
        if not staging.hashed(import_id, start):
            return  # another run staged them first
        StagedUserRepository(session).stage_users(import_id, rows, hashes)
        CHUNKS_HASHED.inc()
        ROWS_HASHED.inc(len(made))
        logger.info("import job %s: rows %d-%d hashed", import_id, start + 1, start + len(rows))
        if status.chunk_hashed(record, len(every)):
            rt.defer(session, COMMIT, [{"import_id": import_id}])
