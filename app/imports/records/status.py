"""An import's status and every change of it. Nothing else assigns a status or a counter.

    (new) ─┬─► validated                               a dry run of a valid file
           ├─► failed                                  refused (the file, the directory)
           ├─► inserting ─► completed | failed         a synchronous import, in the one
           │                                           transaction that writes its users
           ├─► queued ─► validating ─┬─► hashing ─► inserting ─► completed
           │     │            │      └──────────────────►┘
           │     └────────────┴──► failed | cancelled ◄── (from hashing and inserting too)
           └─► receiving ─┬─► queued                   a file too large to hold, staged in
                          ├─► validating ─► validated  parts as it arrives (a dry run is
                          └─► failed | cancelled       checked during the request)

    completed ─► reverted                              undone by an administrator

`added`, `updated` and `skipped` count what was written: 0 until the commit. What an import
plans to write (or, for a dry run, would write) is `planned_*`, set once the directory has
been asked. Every transition sets all of them; an illegal one raises.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.db.models.imports import UserImport
from app.imports.reading.user_row import TEMPLATE_COLUMNS


class ImportStatus(StrEnum):
    RECEIVING = "receiving"
    QUEUED = "queued"
    VALIDATING = "validating"
    HASHING = "hashing"
    INSERTING = "inserting"
    COMPLETED = "completed"
    VALIDATED = "validated"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REVERTED = "reverted"


UNFINISHED = (
    ImportStatus.RECEIVING,
    ImportStatus.QUEUED,
    ImportStatus.VALIDATING,
    ImportStatus.HASHING,
    ImportStatus.INSERTING,
)

_ENDINGS = {ImportStatus.FAILED, ImportStatus.CANCELLED}
_NEXT: dict[ImportStatus | None, set[ImportStatus]] = {
    None: {
        ImportStatus.VALIDATED,
        ImportStatus.INSERTING,
        ImportStatus.FAILED,
        ImportStatus.QUEUED,
        ImportStatus.RECEIVING,
    },
    ImportStatus.RECEIVING: {ImportStatus.QUEUED, ImportStatus.VALIDATING, *_ENDINGS},
    ImportStatus.QUEUED: {ImportStatus.VALIDATING, *_ENDINGS},
    ImportStatus.VALIDATING: {
        ImportStatus.HASHING,
        ImportStatus.INSERTING,
        ImportStatus.VALIDATED,  # a dry run of a file received in parts
        *_ENDINGS,
    },
    ImportStatus.HASHING: {ImportStatus.INSERTING, *_ENDINGS},
    ImportStatus.INSERTING: {ImportStatus.COMPLETED, *_ENDINGS},
    ImportStatus.COMPLETED: {ImportStatus.REVERTED},
}

INTERRUPTED = RowError(
    row=None,
    column=None,
    code=RowCode.INTERRUPTED,
    message="The import job kept failing (its workers stopped or lost the database); nothing "
    "was added. Upload the file again.",
)


KEY_MISMATCH = RowError(
    row=None,
    column=None,
    code=RowCode.INTERRUPTED,
    message="The import job's staged file could not be opened: a worker runs with another "
    "USERIMPORT_STAGING_KEY than the web process that staged it. Nothing was added; give "
    "every process the same key and upload the file again.",
)


UPLOAD_INTERRUPTED = RowError(
    row=None,
    column=None,
    code=RowCode.INTERRUPTED,
    message="The upload ended before the whole file had arrived (the client went away or the "
    "server stopped); nothing was added. Upload the file again.",
)


class IllegalTransitionError(Exception):
    """A step tried to move an import from a status that does not lead there (a bug)."""


@dataclass(frozen=True, slots=True)
class Counts:
    """Users added, existing users updated, rows skipped (their address exists)."""

    added: int = 0
    updated: int = 0
    skipped: int = 0


NOTHING = Counts()
COUNTERS = (
    "rows", "added", "updated", "skipped", "planned_added", "planned_updated", "planned_skipped",
    "progress_done", "progress_total",
)  # fmt: skip
_COLUMN_ORDER = {column: index for index, column in enumerate(TEMPLATE_COLUMNS)}


def status_of(record: UserImport) -> ImportStatus | None:
    return ImportStatus(record.status) if record.status else None


def is_unfinished(record: UserImport) -> bool:
    return status_of(record) in UNFINISHED


def is_in(record: UserImport, *statuses: ImportStatus) -> bool:
    """Whether the record is in one of these statuses (a step's guard)."""
    return status_of(record) in statuses


def _move(
    record: UserImport, to: ImportStatus, *, written: Counts = NOTHING, planned: Counts
) -> None:
    current = status_of(record)
    if to not in _NEXT.get(current, set()):
        raise IllegalTransitionError(f"import {record.id}: {current} -> {to}")
    record.status = to
    record.added, record.updated, record.skipped = written.added, written.updated, written.skipped
    record.planned_added = planned.added
    record.planned_updated = planned.updated
    record.planned_skipped = planned.skipped


def _planned(record: UserImport) -> Counts:
    return Counts(record.planned_added, record.planned_updated, record.planned_skipped)


def new_record(**fields: Any) -> UserImport:
    """A record with no status yet: its first transition gives it one."""
    counters = dict.fromkeys(COUNTERS, 0)
    return UserImport(status=None, errors=[], error_count=0, columns={}, **counters, **fields)


def validated(record: UserImport, planned: Counts) -> None:
    """A dry run of a valid file: what it would write, nothing written."""
    _move(record, ImportStatus.VALIDATED, planned=planned)
    record.progress_done = record.rows


def refused(record: UserImport, errors: list[RowError], count: int, max_errors: int) -> None:
    """The file (or the directory) refuses it: the first max_errors errors, and the total.
    Errors are listed by row, then by the template's column order."""
    _move(record, ImportStatus.FAILED, planned=NOTHING)
    ordered = sorted(errors, key=lambda e: (e.row or 0, _COLUMN_ORDER.get(e.column or "", -1)))
    record.errors = [error.model_dump() for error in ordered[:max_errors]]
    record.error_count = count
    record.progress_done = 0


def inserting(record: UserImport, plan: Counts) -> None:
    """A synchronous import whose passwords are hashed: its users are being written, in the
    transaction that ends it (completed or refused), so this status is never seen outside."""
    _move(record, ImportStatus.INSERTING, planned=plan)


def completed(record: UserImport, written: Counts) -> None:
    """Every user written in one transaction (the caller's)."""
    _move(record, ImportStatus.COMPLETED, written=written, planned=_planned(record))
    record.progress_done = record.progress_total


def receiving(record: UserImport) -> None:
    """A file too large to hold in memory: staged in parts as it arrives."""
    _move(record, ImportStatus.RECEIVING, planned=NOTHING)


def upload_interrupted(record: UserImport) -> None:
    """The file stopped arriving before its end: nothing written, nothing kept."""
    _move(record, ImportStatus.FAILED, planned=NOTHING)
    record.errors = [UPLOAD_INTERRUPTED.model_dump()]
    record.error_count = 1


def queued(record: UserImport, rows: int) -> None:
    """A job accepted: rows counted, nothing checked yet."""
    _move(record, ImportStatus.QUEUED, planned=NOTHING)
    record.rows = record.progress_total = rows


def validating(record: UserImport, rows: int | None = None) -> None:
    """Its rows being checked; rows: counted as a received file arrived (a dry run)."""
    if not is_in(record, ImportStatus.VALIDATING):  # a retried validation stays where it is
        _move(record, ImportStatus.VALIDATING, planned=NOTHING)
    if rows is not None:
        record.rows = record.progress_total = rows


def planned(record: UserImport, plan: Counts, to_write: int, hashed: int) -> None:
    """A job's file is valid: its rows are staged, hashed already (imported hashes) or to
    hash; it goes on hashing, or straight to its insert when nothing is left to hash."""
    record.progress_total, record.progress_done = to_write, hashed
    done = hashed >= to_write
    _move(record, ImportStatus.INSERTING if done else ImportStatus.HASHING, planned=plan)


def chunk_hashed(record: UserImport, rows: int) -> bool:
    """rows more hashed; True when they were the last and the job moved on to its insert."""
    record.progress_done += rows
    if record.progress_done < record.progress_total:
        return False
    _move(record, ImportStatus.INSERTING, planned=_planned(record))
    return True


def interrupted(record: UserImport, *, key_mismatch: bool = False) -> None:
    """A job whose tasks kept failing: nothing written."""
    _move(record, ImportStatus.FAILED, planned=_planned(record))
    record.errors = [(KEY_MISMATCH if key_mismatch else INTERRUPTED).model_dump()]
    record.error_count = 1


def reverted(record: UserImport, by: str, at: datetime) -> None:
    """Undone by an administrator: its added users deleted, its updated users as they were.
    What it had written stays counted."""
    written = Counts(record.added, record.updated, record.skipped)
    _move(record, ImportStatus.REVERTED, written=written, planned=_planned(record))
    record.reverted_by, record.reverted_at = by, at


def cancelled(record: UserImport) -> None:
    """Stopped by an administrator: nothing written."""
    _move(record, ImportStatus.CANCELLED, planned=_planned(record))
