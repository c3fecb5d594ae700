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
from app.directory.address_book import AddressRepository, Holder
from app.directory.events import Actor
from app.directory.writes import Edit, NewUser, add_users, edit_users
from app.imports.options import ImportOptions, OnExisting
from app.imports.plan.directory_check import (
    Refusal,
    StagedRow,
    WritePlan,
    check_directory,
    lost_race,
)
from app.imports.reading.file_rules import (
    alias_taken,
    directory_changed,
    managed_by_provisioning,
)
from app.imports.reading.validation import Validation
from app.imports.records import status
from app.imports.records.changes import ChangeRepository
from app.imports.records.repository import ImportRepository
from app.imports.records.status import Counts, ImportStatus
from app.passwords.hashing import PasswordHasherPool

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
    written, under the lock of every user it meets: if another writer deleted a user it updates
    or skips, a provider took over one it updates, or another writer took an address it writes,
    nothing is written and the record is refused. An
    existing user the row leaves as it is is not written (counted skipped). hashes: one per
    row."""
    pairs = list(zip(plan.rows, hashes, strict=True))
    ImportRepository(session).add(record)  # written first: the savepoint nests in its transaction
    holders = AddressRepository(session).holders(_addresses(plan), lock=True)
    gone = sorted(row for key, row in plan.known.items() if key not in holders)
    if gone:
        status.refused(record, directory_changed(gone), len(gone), max_errors)
        return
    managed = [row.row for row in plan.rows if row.existing and holders[row.email.lower()].managed]
    if managed:  # a provider took the user over since the plan
        status.refused(record, managed_by_provisioning(managed), len(managed), max_errors)
        return
    if _refuse_taken(record, plan.rows, holders, max_errors):
        return
    actor, now = Actor(record.created_by, record.id), utcnow()
    new = [_new_user(row, hashed) for row, hashed in pairs if not row.existing]
    edits = [_edit(row, hashed, holders) for row, hashed in pairs if row.existing]
    try:
        with session.begin_nested():
            add_users(session, new, actor, now)
            befores = edit_users(session, edits, actor, now)
            aliases_replaced = any(row.aliases is not None for row in plan.rows)
            ChangeRepository(session).keep(record.id, befores, aliases_replaced)
    except IntegrityError:  # an address taken by a writer that had not committed when looked
        again = AddressRepository(session).holders(_addresses(plan))
        if not _refuse_taken(record, plan.rows, again, max_errors):
            raise
        return
    unchanged = len(edits) - len(befores)
    status.completed(record, Counts(len(new), len(befores), record.planned_skipped + unchanged))


def _addresses(plan: WritePlan) -> set[str]:
    """Every address the plan meets: the known ones, and every one it writes."""
    keys = set(plan.known)
    for row in plan.rows:
        keys.add(row.email.lower())
        keys.update(alias.lower() for alias in row.aliases or ())
    return keys


def _refuse_taken(
    record: UserImport, rows: Sequence[StagedRow], holders: dict[str, Holder], max_errors: int
) -> bool:
    """Refuse the import at the rows whose new address, or alias, another user holds now (a
    race lost with another writer). False when none does."""
    emails = {row.email.lower(): row.row for row in rows if not row.existing}
    found = lost_race(emails, set(holders))
    for row in rows:
        owner = row.email.lower()
        taken = [
            (row.row, position)
            for position, alias in enumerate(row.aliases or (), 1)
            if (holder := holders.get(alias.lower())) is not None and holder.owner_key != owner
        ]
        found += alias_taken(taken)
    if found:
        status.refused(record, found, len(found), max_errors)
    return bool(found)


def _new_user(row: StagedRow, password_hash: str) -> NewUser:
    active = True if row.active is None else row.active
    return NewUser(row.email, row.name, password_hash, row.force_change_password, active,
                   tuple(row.aliases or ()))  # fmt: skip


def _edit(row: StagedRow, password_hash: str, holders: dict[str, Holder]) -> Edit:
    return Edit(
        holders[row.email.lower()].user_id, row.name, password_hash, row.force_change_password,
        row.active, row.aliases,
    )  # fmt: skip


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
        lambda session: check_directory(validation, AddressRepository(session), on_existing)
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
