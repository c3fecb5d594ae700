"""An import's steps, each written once, and the synchronous import as their straight line:
check the directory (directory_check), hash, write in one transaction, summarise. A job runs
the same steps cut into tasks (app/imports/jobs/)."""

import logging
import time
from collections.abc import Iterable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.metrics import IMPORTS, ROWS_CHECKED, USERS_ADDED, USERS_UPDATED, hashing_time
from app.db.engine import Database
from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.imports.options import ImportOptions, OnExisting
from app.imports.plan.directory_check import (
    Refusal,
    StagedRow,
    WritePlan,
    check_directory,
    lost_race,
)
from app.imports.reading.file_rules import directory_changed
from app.imports.reading.validation import Validation
from app.imports.records import status
from app.imports.records.changes import ChangeRepository
from app.imports.records.repository import ImportRepository
from app.imports.records.status import Counts, ImportStatus
from app.passwords.hashing import PasswordHasherPool
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.imports")


def new_import(options: ImportOptions, filename: str | None, *, created_by: str) -> UserImport:
    return status.new_record(
        dry_run=options.dry_run,
        on_existing=options.on_existing.value,
        filename=filename,
        created_by=created_by,
    )


def describe(record: UserImport, validation: Validation) -> None:
    """What the file turned out to be: encoding, delimiter, columns, rows."""
    record.encoding = validation.encoding
    record.delimiter = validation.delimiter
    record.columns = validation.columns
    record.rows = record.progress_total = validation.rows


def passwords_to_hash(rows: Iterable[StagedRow]) -> list[str]:
    """The passwords that need a hash: an imported hash is kept as it is."""
    return [row.secret for row in rows if not row.imported]


def stored_hashes(rows: Iterable[StagedRow], made: Iterable[str]) -> list[str]:
    """Step: what is stored for each row, in order: its imported hash, else the next hash
    made of passwords_to_hash(rows)."""
    hashes = iter(made)
    return [row.secret if row.imported else next(hashes) for row in rows]


async def hash_passwords(hasher: PasswordHasherPool, rows: Sequence[StagedRow]) -> list[str]:
    """Step (sync import): every row's stored hash, made on the hashing threads."""
    with hashing_time():
        made = await hasher.hash_all(passwords_to_hash(rows))
    return stored_hashes(rows, made)


def write_users(
    session: Session, record: UserImport, plan: WritePlan, hashes: Sequence[str], max_errors: int
) -> None:
    """Step (a sync import): add the new users and update the existing ones in the session's
    transaction and mark the record (inserting) completed. The plan is checked again as it is
    written: if another writer took some of the new addresses meanwhile, or deleted a user it
    updates or skips, nothing is written and the record is refused. hashes: one per row."""
    rows = plan.rows
    new = [(row, hashed) for row, hashed in zip(rows, hashes, strict=True) if not row.existing]
    changed = [(row, hashed) for row, hashed in zip(rows, hashes, strict=True) if row.existing]
    ImportRepository(session).add(record)  # written first: the savepoint nests in its transaction
    users = UserRepository(session)
    # Its known users locked (a revert deleting them waits, or is waited for) and still there.
    present = users.existing_keys(plan.known.keys(), lock=True) if plan.known else set()
    gone = sorted(row for key, row in plan.known.items() if key not in present)
    if gone:
        status.refused(record, directory_changed(gone), len(gone), max_errors)
        return
    now = utcnow()
    try:
        with session.begin_nested():
            users.add_many([_user(row, hashed, record.id, now) for row, hashed in new])
            ChangeRepository(session).keep_before(record.id, [r.email.lower() for r, _h in changed])
            users.update_many([_change(row, hashed, record.id) for row, hashed in changed])
    except IntegrityError:
        first_rows = {row.email.lower(): row.row for row, _hashed in new}
        if not lost_race(record, first_rows, users.existing_keys(first_rows.keys()), max_errors):
            raise
        return
    status.completed(record, Counts(len(new), len(changed), record.planned_skipped))


def _user(row: StagedRow, password_hash: str, import_id: int, now: object) -> dict[str, object]:
    return {
        "email": row.email,
        "email_key": row.email.lower(),
        "name": row.name,
        "password_hash": password_hash,
        "force_change_password": row.force_change_password,
        "created_at": now,
        "import_id": import_id,
        "updated_by": import_id,
    }


def _change(row: StagedRow, password_hash: str, import_id: int) -> dict[str, object]:
    return {
        "key": row.email.lower(),
        "name": row.name,
        "password_hash": password_hash,
        "force_change_password": row.force_change_password,
        "updated_by": import_id,
    }


def log_attempt(record: UserImport, started: float, *, job: bool = False) -> None:
    """One log line and the metrics of an attempt that ended (never a cell value)."""
    IMPORTS.labels(record.status, str(job).lower()).inc()
    ROWS_CHECKED.inc(record.rows)
    if record.status == ImportStatus.COMPLETED:
        USERS_ADDED.inc(record.added)
        USERS_UPDATED.inc(record.updated)
    logger.info(
        "import id=%s outcome=%s dry_run=%s rows=%d added=%d updated=%d skipped=%d errors=%d "
        "duration_ms=%.0f",
        record.id,
        record.status,
        record.dry_run,
        record.rows,
        record.added,
        record.updated,
        record.skipped,
        record.error_count,
        (time.perf_counter() - started) * 1000,
    )


async def import_file(
    db: Database,
    hasher: PasswordHasherPool,
    record: UserImport,
    validation: Validation,
    settings: Settings,
) -> UserImport:
    """A synchronous import of a checked file, as one line of steps: check the directory,
    hash, write (or refuse, or, for a dry run, say what it would write); the attempt is
    recorded. Each database step is a short transaction of its own: the passwords are hashed
    with no connection held, and the users are written in one transaction in which the
    database's unique index settles any race with another import."""
    started = time.perf_counter()
    describe(record, validation)
    on_existing = OnExisting(record.on_existing)
    checked = await db.run(
        lambda session: check_directory(validation, UserRepository(session), on_existing)
    )
    if isinstance(checked, Refusal) or record.dry_run:
        if isinstance(checked, Refusal):
            status.refused(record, checked.errors, checked.count, settings.max_errors)
        else:
            status.validated(record, checked.counts)
        await db.run(lambda session: ImportRepository(session).add(record))
    else:
        plan = checked
        hashes = await hash_passwords(hasher, plan.rows)
        status.inserting(record, plan.counts)
        await db.run(lambda s: write_users(s, record, plan, hashes, settings.max_errors))
    log_attempt(record, started)
    return record
