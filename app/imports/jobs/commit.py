"""A job's last step: every staged user moved into the directory in one transaction, set-wise
(the plan checked again as it is written); and a job that ends otherwise (interrupted,
cancelled)."""

import time

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.sealing import StagingKeyError
from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.imports.jobs.runtime import JobRuntime, limits_of, logger
from app.imports.jobs.staging.addresses import StagedAddressRepository
from app.imports.jobs.staging.files import StagingRepository
from app.imports.jobs.staging.users import StagedUserRepository
from app.imports.plan.directory_check import lost_race
from app.imports.plan.sync_import import log_attempt
from app.imports.reading.file_rules import directory_changed
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import Counts, ImportStatus


def write_staged_users(session: Session, record: UserImport, max_errors: int) -> None:
    """Step (a job's): move the job's staged users into the directory set-wise (two
    statements, however many users) in the session's transaction and mark the record
    (inserting) completed; if another import took some of the new addresses meanwhile, write
    nothing and mark it refused."""
    staged = StagedUserRepository(session)
    # What the plan counted: a job that updates or skips no user spares the statements that
    # look for them among its staged users.
    if record.planned_updated or record.planned_skipped:
        # Its known users locked (a revert deleting them waits, or is waited for), still there.
        gone, count = StagedAddressRepository(session).known_gone(record.id, max_errors)
        if count:
            status.refused(record, directory_changed(gone), count, max_errors)
            return
    if record.planned_skipped:
        staged.skip_known(record.id)
    try:
        with session.begin_nested():
            updates = record.planned_updated > 0
            added, updated = staged.move_users(record.id, utcnow(), updates=updates)
    except IntegrityError:
        taken = staged.taken(record.id)
        if not lost_race(record, taken, set(taken), max_errors):
            raise
        return
    status.completed(record, Counts(added, updated, record.planned_skipped))


def commit(rt: JobRuntime, import_id: int) -> None:
    """Step: move every staged user of the job into the directory in one transaction (set-wise:
    no worker holds the job's users), then drop what was staged."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.INSERTING):
            return
        write_staged_users(session, record, limits_of(rt, record).max_errors)
        StagingRepository(session).discard(import_id)
    log_attempt(record, started, job=True)


def interrupt(rt: JobRuntime, import_id: int, cause: Exception | None = None) -> None:
    """The job's tasks kept failing: it fails as interrupted, nothing added, nothing kept;
    its error names the cause when it is known to be the staging key."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_unfinished(record):
            return
        status.interrupted(record, key_mismatch=isinstance(cause, StagingKeyError))
        StagingRepository(session).discard(import_id)
    log_attempt(record, started, job=True)
    logger.warning("import job %s failed: its tasks kept failing (%s)", import_id, cause)


def cancel(session: Session, record: UserImport) -> None:
    """Stop a queued or running job (locked by the caller): nothing is added, nothing kept.
    Its tasks still queued find it cancelled and end at once."""
    status.cancelled(record)
    StagingRepository(session).discard(record.id)
