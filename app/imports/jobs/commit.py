"""A job's last step: every staged user moved into the directory in one transaction, set-wise
(the plan checked again as it is written); and a job that ends otherwise (interrupted,
cancelled)."""

import time

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.sealing import StagingKeyError
from app.db.engine import for_set_wise_work
from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.directory.events import Actor
from app.imports.jobs.runtime import JobRuntime, limits_of, logger
from app.imports.jobs.staging.addresses import StagedAddressRepository
from app.imports.jobs.staging.commit_updates import JobUpdateRepository
from app.imports.jobs.staging.files import StagingRepository
from app.imports.jobs.staging.users import StagedUserRepository
from app.imports.plan.sync_import import log_attempt
from app.imports.reading.file_rules import (
    directory_changed,
    managed_by_provisioning,
    taken_meanwhile,
)
from app.imports.reading.user_row import ALIASES
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import Counts, ImportStatus


def write_staged_users(session: Session, record: UserImport, max_errors: int) -> None:
    """Step (a job's): move the job's staged users into the directory set-wise (a few
    statements, however many users) in the session's transaction and mark the record
    (inserting) completed; if another writer deleted a user it updates or skips, a provider
    took over one it updates, or another writer took an address it writes meanwhile, write
    nothing and mark it refused. An existing user a row leaves as it is is not written
    (counted skipped)."""
    staged, addresses = StagedUserRepository(session), StagedAddressRepository(session)
    # What the plan counted: a job that updates or skips no user spares the statements that
    # look for them among its staged users.
    if record.planned_updated or record.planned_skipped:
        # Its known users locked (a revert deleting them waits, or is waited for), still there.
        gone, count = addresses.known_gone(record.id, max_errors)
        if count:
            status.refused(record, directory_changed(gone), count, max_errors)
            return
    if record.planned_updated:  # a provider took over a user it updates since the plan
        managed, count = addresses.managed(record.id, max_errors)
        if count:
            status.refused(record, managed_by_provisioning(managed), count, max_errors)
            return
    if record.planned_skipped:
        staged.skip_known(record.id)
    actor = Actor(record.created_by, record.id)
    moves = JobUpdateRepository(session, record.id, actor, utcnow())
    try:
        with session.begin_nested():
            added = moves.add_new()
            updated = 0
            if record.planned_updated:
                updated = moves.update_existing(aliases_given=ALIASES in record.columns.values())
    except IntegrityError:
        taken = moves.taken()
        if not taken:
            raise
        found = [taken_meanwhile(row, position) for row, position in taken]
        status.refused(record, found, len(found), max_errors)
        return
    skipped = record.planned_skipped + record.planned_updated - updated  # unchanged: skipped
    status.completed(record, Counts(added, updated, skipped))


def commit(rt: JobRuntime, import_id: int) -> None:
    """Step: move every staged user of the job into the directory in one transaction (set-wise:
    no worker holds the job's users), then drop what was staged, in a transaction of its own
    (the commit's is as short as can be; what a crash leaves in between, the next prune
    takes: the job has ended)."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.INSERTING):
            return
        for_set_wise_work(session)
        write_staged_users(session, record, limits_of(rt, record).max_errors)
    with rt.sessions.begin() as session:
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
