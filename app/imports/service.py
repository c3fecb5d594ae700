"""The import pipeline: checked rows, existing addresses, hashes, one bulk insert, a record."""

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import Database
from app.core.metrics import IMPORTS, ROWS_CHECKED, USERS_ADDED, USERS_UPDATED, hashing_time
from app.core.models import UserImport, utcnow
from app.core.schemas import RowError
from app.imports.options import ImportOptions, OnExisting
from app.imports.repository import ImportRepository
from app.imports.rows import TEMPLATE_COLUMNS, UserRow
from app.imports.rules import already_exists
from app.imports.schemas import ImportStatus
from app.imports.upload import Upload
from app.imports.validation import Validation
from app.passwords.hashing import PasswordHasherPool
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.imports")
_COLUMN_ORDER = {column: index for index, column in enumerate(TEMPLATE_COLUMNS)}


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, _COLUMN_ORDER.get(e.column or "", -1)))


def new_record(upload: Upload, options: ImportOptions, *, created_by: str) -> UserImport:
    return UserImport(
        status=ImportStatus.VALIDATED,
        dry_run=options.dry_run,
        on_existing=options.on_existing.value,
        filename=upload.filename,
        rows=0,
        added=0,
        updated=0,
        skipped=0,
        errors=[],
        error_count=0,
        columns={},
        created_by=created_by,
        progress_done=0,
        progress_total=0,
    )


def describe(record: UserImport, validation: Validation) -> None:
    """What the file turned out to be: encoding, delimiter, columns, rows."""
    record.encoding = validation.encoding
    record.delimiter = validation.delimiter
    record.columns = validation.columns
    record.rows = record.progress_total = validation.rows


def refuse(record: UserImport, errors: list[RowError], count: int, max_errors: int) -> None:
    """Mark the attempt failed with the first max_errors errors by row, and the total."""
    record.status = ImportStatus.FAILED
    record.added = record.updated = record.skipped = 0
    record.errors = [error.model_dump() for error in _sorted(errors)[:max_errors]]
    record.error_count = count


@dataclass(slots=True)
class WritePlan:
    """What a valid file will write: new users, and the existing ones (updated or skipped)."""

    on_existing: OnExisting
    first_rows: dict[str, int]  # the addresses (lower-cased) and their rows
    rows: int  # users in the file
    existing_count: int  # of them already in the directory
    new: list[UserRow] = field(default_factory=list)  # both empty for a dry run
    existing: list[UserRow] = field(default_factory=list)

    @property
    def to_hash(self) -> list[UserRow]:
        """The rows whose passwords are stored: new users, and existing ones to update."""
        return self.new + self.existing if self.on_existing == OnExisting.UPDATE else self.new

    def count(self, record: UserImport) -> None:
        """The record's added / updated / skipped, as this plan would write them."""
        record.added = self.rows - self.existing_count
        record.updated = self.existing_count if self.on_existing == OnExisting.UPDATE else 0
        record.skipped = self.existing_count if self.on_existing == OnExisting.SKIP else 0


def check_directory(
    validation: Validation, users: UserRepository, on_existing: OnExisting
) -> tuple[WritePlan | None, list[RowError], int]:
    """The file's errors, with its addresses the directory already holds unless on_existing
    says what to do with them: the plan (None when refused), the first errors, their total."""
    checker = validation.checker
    errors, count = list(validation.errors), validation.error_count
    if checker is None:
        return None, errors, count
    existing_keys = users.existing_keys(checker.first_rows.keys())
    if on_existing == OnExisting.ERROR and existing_keys:
        existing = checker.already_exists(existing_keys)
        errors, count = errors + existing, count + len(existing)
    if count:
        return None, errors, count
    plan = WritePlan(on_existing, checker.first_rows, len(checker.first_rows), len(existing_keys))
    for user in checker.users:
        (plan.existing if user.email.lower() in existing_keys else plan.new).append(user)
    return plan, errors, count


async def stored_hashes(hasher: PasswordHasherPool, users: list[UserRow]) -> list[str]:
    """What is stored for each user, in order: an imported hash as it is, else the argon2id
    hash of the password (only those are hashed)."""
    to_hash = [user.password.get_secret_value() for user in users if user.password is not None]
    with hashing_time():
        made = iter(await hasher.hash_all(to_hash))
    return [user.password_hash or next(made) for user in users]


def _user_rows(users: list[UserRow], hashes: list[str], import_id: int) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "email": user.email,
            "email_key": user.email.lower(),
            "name": user.name,
            "password_hash": password_hash,
            "force_change_password": user.force_change_password,
            "created_at": now,
            "import_id": import_id,
        }
        for user, password_hash in zip(users, hashes, strict=True)
    ]


def _changes(users: list[UserRow], hashes: list[str]) -> list[dict[str, object]]:
    return [
        {
            "key": user.email.lower(),
            "name": user.name,
            "password_hash": password_hash,
            "force_change_password": user.force_change_password,
        }
        for user, password_hash in zip(users, hashes, strict=True)
    ]


def write_users(
    session: Session, record: UserImport, plan: WritePlan, hashes: list[str], max_errors: int
) -> None:
    """Add the plan's new users (and update its existing ones) in the session's transaction
    and mark the record completed; if another import took some of the new addresses
    meanwhile, write nothing and mark it refused. hashes: of plan.to_hash, in order."""
    record.status = ImportStatus.COMPLETED
    plan.count(record)
    record.progress_done = len(hashes)
    ImportRepository(session).add(record)  # written first: the savepoint nests in its transaction
    users = UserRepository(session)
    new_hashes = hashes[: len(plan.new)]
    try:
        with session.begin_nested():
            users.add_many(_user_rows(plan.new, new_hashes, record.id))
            if plan.on_existing == OnExisting.UPDATE:
                users.update_many(_changes(plan.existing, hashes[len(plan.new) :]))
    except IntegrityError:
        new_keys = {user.email.lower(): plan.first_rows[user.email.lower()] for user in plan.new}
        raced = already_exists(new_keys, users.existing_keys(new_keys.keys()))
        if not raced:
            raise
        record.progress_done = 0
        refuse(record, raced, len(raced), max_errors)


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


async def import_checked_file(
    db: Database,
    hasher: PasswordHasherPool,
    upload: Upload,
    validation: Validation,
    settings: Settings,
    options: ImportOptions,
    *,
    created_by: str,
) -> UserImport:
    """Add every user of a checked file, or none; record the attempt.

    Each database step is a short transaction of its own: the directory is asked, the
    passwords are hashed with no connection held, and the users are written in one
    transaction in which the database's unique index settles any race with another import.
    """
    started = time.perf_counter()
    record = new_record(upload, options, created_by=created_by)
    describe(record, validation)
    plan, errors, count = await db.run(
        lambda session: check_directory(validation, UserRepository(session), options.on_existing)
    )
    if plan is None:
        refuse(record, errors, count, settings.max_errors)
    elif options.dry_run:
        plan.count(record)
        record.progress_done = record.rows
    else:
        hashes = await stored_hashes(hasher, plan.to_hash)
        valid = plan
        await db.run(
            lambda session: write_users(session, record, valid, hashes, settings.max_errors)
        )
        log_attempt(record, started)
        return record
    await db.run(lambda session: ImportRepository(session).add(record))
    log_attempt(record, started)
    return record
