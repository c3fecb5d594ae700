"""What a job's steps share: the runtime (the same in a worker process and in `userimport serve`),
the tasks' names, a job's submission, the limits it was accepted under, how its rows are cut
into chunks and its file into parts.

Every status change of a job is made under the record's lock and only from the status the step
expects, so a step run twice (a retry, a worker that died after its commit) changes nothing
the second time."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.sealing import Sealer
from app.db.models.imports import UserImport
from app.db.models.staging import JobChunk
from app.imports.jobs.staging.files import (
    StagingRepository,
    file_context,
    seal_rows,
)
from app.imports.plan.directory_check import Refusal, StagedRow
from app.imports.plan.sync_import import log_attempt
from app.imports.reading.limits import FileLimits, Scope
from app.imports.reading.validation import Validation
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.passwords.hashing import PasswordHasherPool
from app.queue.tasks import Defer

logger = logging.getLogger("userimport.jobs")

VALIDATE = "import.validate"
CHECK_PART = "import.check_part"
PLAN = "import.plan"
HASH_CHUNK = "import.hash_chunk"
COMMIT = "import.commit"
# A job is cut into at least this many chunks (of MIN_CHUNK_ROWS or more, at most
# USERIMPORT_JOB_CHUNK_ROWS), so every core of every worker gets a share and progress moves.
MIN_CHUNKS = 64
MIN_CHUNK_ROWS = 50


@dataclass(frozen=True)
class JobRuntime:
    """What a job's steps need, the same in a worker process and in `userimport serve`."""

    sessions: sessionmaker[Session]
    settings: Settings
    sealer: Sealer
    hasher: PasswordHasherPool
    # Read and check the rows (reading/validation.py: validate_file) by the limits the job was
    # accepted under: a whole file, or a part of one, as the scope says.
    check: Callable[[bytes, FileLimits, Scope], Validation]
    defer: Defer  # defers tasks with the session's transaction (or once it commits)


def submit(rt: JobRuntime, session: Session, record: UserImport, data: bytes, rows: int) -> None:
    """Record a queued job, stage its file sealed and defer its validation: one transaction."""
    status.queued(record, rows)
    record.limits = FileLimits.of_import(rt.settings, record.on_existing).to_json()
    ImportRepository(session).add(record)
    StagingRepository(session).add_file(record.id, rt.sealer.seal(data, file_context(record.id)))
    rt.defer(session, VALIDATE, [{"import_id": record.id}])


def limits_of(rt: JobRuntime, record: UserImport) -> FileLimits:
    """The limits the job was accepted under; a job queued before they were recorded (an
    upgrade) is judged by this worker's settings."""
    if record.limits is None:
        return FileLimits.of_import(rt.settings, record.on_existing)
    return FileLimits.from_json(record.limits)


def chunked(rt: JobRuntime, rows: list[StagedRow]) -> list[tuple[int, list[StagedRow]]]:
    """The rows cut into chunks (their first row's index, the rows)."""
    size = min(rt.settings.job_chunk_rows, max(MIN_CHUNK_ROWS, -(-len(rows) // MIN_CHUNKS)))
    return [(start, rows[start : start + size]) for start in range(0, len(rows), size)]


def part_count(rt: JobRuntime, rows: int) -> int:
    """How many parts a job's rows are checked in: one, unless there are more than twice
    USERIMPORT_JOB_PART_ROWS."""
    part_rows = rt.settings.job_part_rows
    return 1 if rows <= 2 * part_rows else -(-rows // part_rows)


def sealed_chunk(rt: JobRuntime, import_id: int, start: int, rows: list[StagedRow]) -> JobChunk:
    sealed = seal_rows(rt.sealer, import_id, start, rows)
    return JobChunk(import_id=import_id, start=start, size=len(rows), sealed=sealed)


def refuse(
    record: UserImport, staging: StagingRepository, refusal: Refusal, limits: FileLimits,
    started: float,
) -> None:  # fmt: skip
    status.refused(record, refusal.errors, refusal.count, limits.max_errors)
    staging.discard(record.id)
    log_attempt(record, started, job=True)
