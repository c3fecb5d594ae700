"""The one planner: a checked file's verdict with the addresses the directory holds, as the plan
of what it writes (new users added; existing ones an error, skipped or updated as on_existing
says) or its refusal; and the refusal of an import whose addresses another took meanwhile."""

from dataclasses import dataclass
from typing import NamedTuple

from app.core.schemas import RowError
from app.db.models.imports import UserImport
from app.imports.options import OnExisting
from app.imports.reading.file_rules import already_exists, password_required
from app.imports.reading.validation import Validation
from app.imports.records import status
from app.imports.records.status import Counts
from app.users.repository import UserRepository


class StagedRow(NamedTuple):
    """A user to write: what a sync import hashes and writes, and what a job stages sealed."""

    row: int  # the spreadsheet row (an address taken meanwhile is reported there)
    email: str
    name: str
    secret: str  # the password, or the imported hash when `imported`
    imported: bool  # secret is a password hash imported as it is: nothing to hash
    force_change_password: bool
    existing: bool  # the directory holds the address: this user is updated


@dataclass(slots=True)
class WritePlan:
    """What a valid file writes: the rows to write (new users first, then the existing ones
    to update), what it plans, counted, and the first row of each address it found in the
    directory (updated or skipped: the write checks they are still there)."""

    rows: list[StagedRow]
    counts: Counts
    known: dict[str, int]


@dataclass(slots=True)
class Refusal:
    errors: list[RowError]  # the first max_errors
    count: int  # all of them


def check_directory(
    validation: Validation, users: UserRepository, on_existing: OnExisting
) -> WritePlan | Refusal:
    """Step: the file's verdict with the addresses the directory holds: refused, or the plan
    (new users added; existing ones an error, skipped or updated as on_existing says)."""
    checker = validation.checker
    errors, count = list(validation.errors), validation.error_count
    if checker is None:
        return Refusal(errors, count)
    existing = users.existing_keys(checker.first_rows.keys())
    if on_existing == OnExisting.ERROR and existing:
        found = checker.already_exists(existing)
        errors, count = errors + found, count + len(found)
    unknown = [row for key, row in checker.keeps.items() if key not in existing]
    if unknown:
        errors, count = errors + password_required(unknown), count + len(unknown)
    if count:
        return Refusal(errors, count)
    update = on_existing == OnExisting.UPDATE
    new: list[StagedRow] = []
    kept: list[StagedRow] = []
    for user in checker.users:
        is_existing = user.email.lower() in existing
        if is_existing and not update:
            continue
        (kept if is_existing else new).append(StagedRow(*user, existing=is_existing))
    rows = len(checker.first_rows)
    counts = Counts(
        added=rows - len(existing),
        updated=len(existing) if update else 0,
        skipped=len(existing) if on_existing == OnExisting.SKIP else 0,
    )
    known = {key: checker.first_rows[key] for key in existing}
    return WritePlan(new + kept, counts, known)


def lost_race(
    record: UserImport, first_rows: dict[str, int], taken: set[str], max_errors: int
) -> bool:
    """The insert failed: refuse the import at the rows whose address another import took
    meanwhile. False when none was (the failure was something else)."""
    raced = already_exists(first_rows, taken)
    if raced:
        status.refused(record, raced, len(raced), max_errors)
    return bool(raced)
