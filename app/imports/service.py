"""The import pipeline: bytes, rows, checks, existing addresses, hashes, one bulk insert."""

import logging
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.imports.csv_reader import (
    DELIMITERS,
    TEMPLATE_COLUMNS,
    FileRefusedError,
    Record,
    decode,
    detect_delimiter,
    file_error,
    read_header,
    read_records,
)
from app.imports.repository import ImportRepository
from app.imports.rules import FileChecker, NewUser, RowPolicy
from app.imports.schemas import ImportStatus
from app.imports.upload import Upload
from app.models import UserImport, utcnow
from app.schemas import RowError
from app.security.passwords import PasswordHasherPool
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.imports")
_COLUMN_ORDER = {column: index for index, column in enumerate(TEMPLATE_COLUMNS)}


@dataclass(slots=True)
class Validation:
    """What the file says, before the directory is asked."""

    encoding: str | None = None
    delimiter: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    checker: FileChecker | None = None  # None when the file could not be read as rows
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0


def _extra_cells(row: int, cells: list[str], width: int) -> RowError | None:
    if any(cell.strip() for cell in cells[width:]):
        message = f"Row {row} has more cells than the header has columns; check its quoting."
        return RowError(row=row, column=None, code="malformed_csv", message=message)
    return None


def _too_many_rows(result: Validation, rest: Iterator[Record], max_rows: int) -> Validation:
    """Count the rest without keeping it; nothing else is checked in a file this long."""
    with suppress(FileRefusedError):  # a broken tail: report the rows counted so far
        result.rows += sum(1 for _ in rest)
    message = (
        f"The file has {result.rows} addresses; at most {max_rows} can be imported at once. "
        f"Split it and import it in batches of {max_rows} or fewer."
    )
    result.errors = file_error("too_many_rows", message).errors
    result.error_count = 1
    return result


def row_policy(settings: Settings) -> RowPolicy:
    return RowPolicy(settings.min_password_length, tuple(settings.allowed_domains))


def validate_file(data: bytes, settings: Settings) -> Validation:
    """Every row error of the file (the first max_errors), or the valid users; no database."""
    max_rows = settings.max_rows
    result = Validation()
    checker = FileChecker(settings.max_errors, row_policy(settings))
    try:
        decoded = decode(data)
        result.encoding = decoded.encoding
        delimiter = detect_delimiter(decoded.text)
        result.delimiter = DELIMITERS[delimiter]
        records = read_records(decoded.text, delimiter)
        first = next(records, None)
        if first is None:
            raise file_error("empty_file", "The file is empty; fill in the template and upload it.")
        header = read_header(first)
        result.columns = header.names
        for record in records:
            result.rows += 1
            if result.rows > max_rows:
                return _too_many_rows(result, records, max_rows)
            extra = _extra_cells(record.row, record.cells, header.width)
            if extra is not None:
                checker.report([extra])
            else:
                checker.check(record.row, header.cells_of(record))
        if not result.rows:
            raise file_error("empty_file", "The file has a header but no user rows.")
    except FileRefusedError as exc:
        checker.report(exc.errors)
        result.errors, result.error_count = checker.errors, checker.error_count
        return result
    result.checker = checker
    result.errors, result.error_count = checker.errors, checker.error_count
    return result


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, _COLUMN_ORDER.get(e.column or "", -1)))


def _user_rows(users: list[NewUser], hashes: list[str], import_id: int) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "email": user.email,
            "email_key": user.email_key,
            "name": user.name,
            "password_hash": password_hash,
            "force_change_password": user.force_change_password,
            "created_at": now,
            "import_id": import_id,
        }
        for user, password_hash in zip(users, hashes, strict=True)
    ]


def _refuse(record: UserImport, errors: list[RowError], count: int, max_errors: int) -> None:
    """Mark the attempt failed with the first max_errors errors by row, and the total."""
    record.status = ImportStatus.FAILED
    record.added = 0
    record.errors = [error.model_dump() for error in _sorted(errors)[:max_errors]]
    record.error_count = count


def run_import(
    session: Session,
    hasher: PasswordHasherPool,
    upload: Upload,
    settings: Settings,
    *,
    dry_run: bool,
    created_by: str,
) -> UserImport:
    """Add every user of the file in the session's transaction, or none; record the attempt."""
    started = time.perf_counter()
    users = UserRepository(session)
    imports = ImportRepository(session)
    validation = validate_file(upload.data, settings)
    record = UserImport(
        status=ImportStatus.VALIDATED,
        dry_run=dry_run,
        filename=upload.filename,
        encoding=validation.encoding,
        delimiter=validation.delimiter,
        columns=validation.columns,
        rows=validation.rows,
        added=0,
        errors=[],
        error_count=0,
        created_by=created_by,
    )
    checker = validation.checker
    errors, count = list(validation.errors), validation.error_count
    if checker is not None:
        existing = checker.already_exists(users.existing_keys(checker.first_rows.keys()))
        errors, count = errors + existing, count + len(existing)
    if count or checker is None:
        _refuse(record, errors, count, settings.max_errors)
    elif not dry_run:
        hashes = hasher.hash_many([user.password for user in checker.users])
        record.status = ImportStatus.COMPLETED
        record.added = len(checker.users)
        imports.add(record)
        try:
            with session.begin_nested():
                users.add_many(_user_rows(checker.users, hashes, record.id))
        except IntegrityError:
            # Another import added some of these addresses since they were looked up.
            raced = checker.already_exists(users.existing_keys(checker.first_rows.keys()))
            if not raced:
                raise
            _refuse(record, raced, len(raced), settings.max_errors)
    imports.add(record)
    logger.info(
        "import id=%s outcome=%s dry_run=%s rows=%d added=%d errors=%d duration_ms=%.0f",
        record.id,
        record.status,
        dry_run,
        record.rows,
        record.added,
        record.error_count,
        (time.perf_counter() - started) * 1000,
    )
    return record
