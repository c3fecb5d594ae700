"""The import pipeline: checked rows, existing addresses, hashes, one bulk insert, a record."""

import logging
import time

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.imports.repository import ImportRepository
from app.imports.rows import TEMPLATE_COLUMNS, UserRow
from app.imports.rules import FileChecker, already_exists
from app.imports.schemas import ImportStatus
from app.imports.upload import Upload
from app.imports.validation import Validation
from app.models import UserImport, utcnow
from app.schemas import RowError
from app.security.passwords import PasswordHasherPool
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.imports")
_COLUMN_ORDER = {column: index for index, column in enumerate(TEMPLATE_COLUMNS)}


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, _COLUMN_ORDER.get(e.column or "", -1)))


def new_record(upload: Upload, *, dry_run: bool, created_by: str) -> UserImport:
    return UserImport(
        status=ImportStatus.VALIDATED,
        dry_run=dry_run,
        filename=upload.filename,
        rows=0,
        added=0,
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
    record.added = 0
    record.errors = [error.model_dump() for error in _sorted(errors)[:max_errors]]
    record.error_count = count


def check_directory(
    validation: Validation, users: UserRepository
) -> tuple[FileChecker | None, list[RowError], int]:
    """The file's errors with the addresses the directory already holds: checker, first, total."""
    checker = validation.checker
    errors, count = list(validation.errors), validation.error_count
    if checker is not None:
        existing = checker.already_exists(users.existing_keys(checker.first_rows.keys()))
        errors, count = errors + existing, count + len(existing)
    return (None if count else checker), errors, count


def passwords_of(checker: FileChecker) -> list[str]:
    return [user.password.get_secret_value() for user in checker.users]


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


def insert_users(
    session: Session,
    record: UserImport,
    valid: list[UserRow],
    first_rows: dict[str, int],
    hashes: list[str],
    max_errors: int,
) -> None:
    """Add every user in the session's transaction and mark the record completed; if another
    import took some of the addresses meanwhile, add none and mark it refused. first_rows:
    each lower-cased address and its row, to say where a raced address stands."""
    record.status = ImportStatus.COMPLETED
    record.added = record.progress_done = len(valid)
    ImportRepository(session).add(record)  # written first: the savepoint nests in its transaction
    users = UserRepository(session)
    try:
        with session.begin_nested():
            users.add_many(_user_rows(valid, hashes, record.id))
    except IntegrityError:
        raced = already_exists(first_rows, users.existing_keys(first_rows.keys()))
        if not raced:
            raise
        record.progress_done = 0
        refuse(record, raced, len(raced), max_errors)


def log_attempt(record: UserImport, started: float) -> None:
    logger.info(
        "import id=%s outcome=%s dry_run=%s rows=%d added=%d errors=%d duration_ms=%.0f",
        record.id,
        record.status,
        record.dry_run,
        record.rows,
        record.added,
        record.error_count,
        (time.perf_counter() - started) * 1000,
    )


async def import_checked_file(
    db: Database,
    hasher: PasswordHasherPool,
    upload: Upload,
    validation: Validation,
    settings: Settings,
    *,
    dry_run: bool,
    created_by: str,
) -> UserImport:
    """Add every user of a checked file, or none; record the attempt.

    Each database step is a short transaction of its own: the directory is asked, the
    passwords are hashed with no connection held, and the users are inserted in one
    transaction in which the database's unique index settles any race with another import.
    """
    started = time.perf_counter()
    record = new_record(upload, dry_run=dry_run, created_by=created_by)
    describe(record, validation)
    checker, errors, count = await db.run(
        lambda session: check_directory(validation, UserRepository(session))
    )
    if checker is None:
        refuse(record, errors, count, settings.max_errors)
    elif dry_run:
        record.progress_done = record.rows
    else:
        hashes = await hasher.hash_all(passwords_of(checker))
        valid = checker
        await db.run(
            lambda session: insert_users(
                session, record, valid.users, valid.first_rows, hashes, settings.max_errors
            )
        )
        log_attempt(record, started)
        return record
    await db.run(lambda session: ImportRepository(session).add(record))
    log_attempt(record, started)
    return record
