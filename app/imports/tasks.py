"""An import job: the import's own steps (app/imports/service.py) cut into tasks that any worker
runs, each a short transaction or two around work done with no connection held: validate the
file once, hash its rows a chunk at a time (any worker, any order), write every user in one
transaction. Every status change is made under the record's lock and only from the status
the step expects, so a step run twice (a retry, a worker that died after its commit) changes
nothing the second time.
"""

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.metrics import CHUNKS_HASHED, ROWS_HASHED, hashing_time
from app.core.schemas import RowError
from app.core.sealing import Sealer, StagingKeyError
from app.db.models.imports import UserImport
from app.db.models.staging import JobChunk, JobPart
from app.imports import status
from app.imports.options import OnExisting
from app.imports.repository import ImportRepository
from app.imports.rules import already_exists, duplicate_error, password_required
from app.imports.service import (
    Refusal,
    check_directory,
    describe,
    log_attempt,
    passwords_to_hash,
    stored_hashes,
    write_staged_users,
)
from app.imports.staging import (
    StagedRow,
    StagingRepository,
    file_context,
    open_rows,
    part_context,
    seal_rows,
)
from app.imports.status import Counts, ImportStatus
from app.imports.validation import (
    FileLimits,
    Scope,
    Validation,
    cut_parts,
    merge_errors,
    too_many_rows,
)
from app.passwords.hashing import PasswordHasherPool, lower_thread_priority
from app.queue.tasks import Defer, GiveBack, Task, TaskArgs
from app.users.repository import UserRepository

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
# While hashing a chunk, whether the job was cancelled is read every this many hashes.
CANCEL_CHECK_EVERY = 50


@dataclass(frozen=True)
class JobRuntime:
    """What a job's steps need, the same in a worker process and in `userimport serve`."""

    sessions: sessionmaker[Session]
    settings: Settings
    sealer: Sealer
    hasher: PasswordHasherPool
    # Read and check the rows (app/imports/validation.py: validate_file) by the limits the job
    # was accepted under: a whole file, or a part of one, as the scope says.
    check: Callable[[bytes, FileLimits, Scope], Validation]
    defer: Defer  # defers tasks with the session's transaction (or once it commits)


def submit(rt: JobRuntime, session: Session, record: UserImport, data: bytes, rows: int) -> None:
    """Record a queued job, stage its file sealed and defer its validation: one transaction."""
    status.queued(record, rows)
    record.limits = FileLimits.of_import(rt.settings, record.on_existing).to_json()
    ImportRepository(session).add(record)
    StagingRepository(session).add_file(record.id, rt.sealer.seal(data, file_context(record.id)))
    rt.defer(session, VALIDATE, [{"import_id": record.id}])


def _limits(rt: JobRuntime, record: UserImport) -> FileLimits:
    """The limits the job was accepted under; a job queued before they were recorded (an
    upgrade) is judged by this worker's settings."""
    if record.limits is None:
        return FileLimits.of_import(rt.settings, record.on_existing)
    return FileLimits.from_json(record.limits)


def _chunked(rt: JobRuntime, rows: list[StagedRow]) -> list[tuple[int, list[StagedRow]]]:
    """The rows cut into chunks (their first row's index, the rows)."""
    size = min(rt.settings.job_chunk_rows, max(MIN_CHUNK_ROWS, -(-len(rows) // MIN_CHUNKS)))
    return [(start, rows[start : start + size]) for start in range(0, len(rows), size)]


def _part_count(rt: JobRuntime, rows: int) -> int:
    """How many parts a job's rows are checked in: one, unless there are more than twice
    USERIMPORT_JOB_PART_ROWS."""
    part_rows = rt.settings.job_part_rows
    return 1 if rows <= 2 * part_rows else -(-rows // part_rows)


def validate(rt: JobRuntime, import_id: int, parts_queued: bool = False) -> None:
    """Step: check every row and the directory before any hash: here, or in parts by any
    workers at once (check_part, then plan) when the file was received in parts that can be
    checked apart, or is big and its rows are its lines. parts_queued: each received part's
    check was deferred as it arrived (the last to end defers the plan)."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.QUEUED, ImportStatus.VALIDATING):
            return
        status.validating(record)
        staging = StagingRepository(session)
        staged = staging.parts(import_id)
        received = bool(staged) and not staging.has_file(import_id)
        if received and all(part.lines for part in staged):
            if not parts_queued or all(part.checked for part in staged):
                check_parts(rt, session, import_id, staged)
            return
        parts = _part_count(rt, record.rows)
        if staged and not received:
            return  # cut by a run before this one
        sealed = staging.file(import_id) if parts > 1 and not received else None
    if sealed is not None:
        data = rt.sealer.open(sealed, file_context(import_id))
        del sealed
        cut = cut_parts(data, parts)
        del data
        if cut is not None:
            _stage_parts(rt, import_id, *cut)
            return
    _validate_whole(rt, import_id)


def check_parts(rt: JobRuntime, session: Session, import_id: int, parts: Sequence[JobPart]) -> None:
    """Defer a check of every part not checked yet, or the plan when all are."""
    unchecked = [part.part for part in parts if not part.checked]
    if unchecked:
        rt.defer(session, CHECK_PART, [{"import_id": import_id, "part": n} for n in unchecked])
    else:
        rt.defer(session, PLAN, [{"import_id": import_id}])


def _file_data(rt: JobRuntime, import_id: int) -> bytes | None:
    """The job's file: as it was staged, or joined again from the parts it was received in."""
    with rt.sessions() as session:
        staging = StagingRepository(session)
        sealed = staging.file(import_id)
        if sealed is not None:
            return rt.sealer.open(sealed, file_context(import_id))
        pieces = staging.pieces(import_id)
        if not pieces:
            return None
        joined = bytearray()
        for part, head_bytes in pieces:
            piece = staging.part_sealed(import_id, part)
            if piece is None:
                return None
            joined += memoryview(rt.sealer.open(piece, part_context(import_id, part)))[head_bytes:]
            del piece
        return bytes(joined)


def _stage_parts(
    rt: JobRuntime, import_id: int, encoding: str, cut: list[tuple[int, bytes]]
) -> None:
    """The parts of the file, sealed, each with a task to check it: one transaction."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        staging = StagingRepository(session)
        if staging.parts(import_id):
            return
        for n, (first_row, data) in enumerate(cut):
            sealed = rt.sealer.seal(data, part_context(import_id, n))
            staging.add_part(import_id, n, first_row, sealed, encoding)
        tasks = [{"import_id": import_id, "part": n} for n in range(len(cut))]
        rt.defer(session, CHECK_PART, tasks)


def _validate_whole(rt: JobRuntime, import_id: int) -> None:
    """The file's rows checked in one reading, then the directory; the rows staged as
    chunks with a task for each (or, a dry run, its verdict given), or the file refused."""
    started = time.perf_counter()
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        limits, dry_run = _limits(rt, record), record.dry_run
    data = _file_data(rt, import_id)
    if data is None:
        return
    validation = rt.check(data, limits, Scope(keep_users=not dry_run))
    del data  # a job's file is held once at a time, not twice, while it is checked
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return  # cancelled meanwhile
        describe(record, validation)
        staging = StagingRepository(session)
        on_existing = OnExisting(record.on_existing)
        checked = check_directory(validation, UserRepository(session), on_existing)
        if isinstance(checked, Refusal):
            _refuse(record, staging, checked, limits, started)
            return
        staging.discard(import_id)  # the file, and whatever parts of it staged before
        if dry_run:
            status.validated(record, checked.counts)
            log_attempt(record, started, job=True)
            return
        if on_existing == OnExisting.SKIP:  # the commit checks they are still there
            staging.stage_keys(import_id, checked.known.items(), existing=True)
        # A chunk with passwords waits sealed for a worker to hash them; one of imported
        # hashes only is staged at once, as users ready to write.
        to_hash, hashed = [], 0
        for start, chunk in _chunked(rt, checked.rows):
            if passwords_to_hash(chunk):
                to_hash.append(_sealed_chunk(rt, import_id, start, chunk))
            else:
                staging.stage_users(import_id, chunk, stored_hashes(chunk, []))
                hashed += len(chunk)
        staging.add_chunks(to_hash)
        status.planned(record, checked.counts, len(checked.rows), hashed)
        if to_hash:
            tasks = [{"import_id": import_id, "start": chunk.start} for chunk in to_hash]
            rt.defer(session, HASH_CHUNK, tasks)
        else:  # every row came with its hash
            rt.defer(session, COMMIT, [{"import_id": import_id}])


def _sealed_chunk(rt: JobRuntime, import_id: int, start: int, rows: list[StagedRow]) -> JobChunk:
    sealed = seal_rows(rt.sealer, import_id, start, rows)
    return JobChunk(import_id=import_id, start=start, size=len(rows), sealed=sealed)


def _refuse(
    record: UserImport, staging: StagingRepository, refusal: Refusal, limits: FileLimits,
    started: float,
) -> None:  # fmt: skip
    status.refused(record, refusal.errors, refusal.count, limits.max_errors)
    staging.discard(record.id)
    log_attempt(record, started, job=True)


# A part is checked as soon as it is staged: while the file still arrives too.
CHECKABLE = (ImportStatus.RECEIVING, ImportStatus.QUEUED, ImportStatus.VALIDATING)


def check_part(rt: JobRuntime, import_id: int, part: int) -> None:
    """Step (a big job): check one part of the file's rows, apart from the others; its users
    are staged as sealed chunks (hashed once the plan accepts the file), the first row of each
    of its addresses as a key, its errors with the part. The last part checked defers the
    plan."""
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        staging = StagingRepository(session)
        found = staging.part(import_id, part)
        if record is None or not status.is_in(record, *CHECKABLE):
            return
        if found is None or found.checked:
            return  # a run before this one checked it
        limits, dry_run = _limits(rt, record), record.dry_run
        first_row, head_bytes = found.first_row, found.head_bytes
        sealed = staging.part_sealed(import_id, part)  # held once, not by the session too
    if sealed is None:
        return
    data = rt.sealer.open(sealed, part_context(import_id, part))
    del sealed
    # A part must find the file's header where it was cut (the first part: just before its
    # own lines), and rows that are lines.
    head_rows = data[:head_bytes].count(b"\n") if head_bytes else None
    if part == 0:
        head_rows = first_row - 1
    validation = rt.check(data, limits, Scope(first_row, head_rows, keep_users=not dry_run))
    del data
    checker = validation.checker
    # Parts are staged side by side: the record's shared lock (a cancel waits for it), the
    # part's own (one run stages it).
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock_shared(import_id)
        if record is None or not status.is_in(record, *CHECKABLE):
            return
        if (_limits(rt, record), record.dry_run) != (limits, dry_run):
            return  # checked while the file arrived; its request then changed the options
        staging = StagingRepository(session)
        found = staging.part(import_id, part, for_update=True)
        if found is None or found.checked or not found.lines:
            return  # checked by a run before this one, or the file is read whole
        # Its lines stay sealed until the plan: the file may have to be joined and read whole.
        found.checked, found.whole = True, checker is None
        found.rows, found.delimiter, found.columns = (
            validation.rows, validation.delimiter, validation.columns,
        )  # fmt: skip
        found.encoding = found.encoding or validation.encoding  # (a cut part is UTF-8 now)
        found.errors = [error.model_dump() for error in validation.errors]
        found.error_count = validation.error_count
        if checker is not None:
            # Every row's address, repeats too: the plan finds them across the whole file,
            # from the keys staged here and the users staged here.
            keeps = set(checker.keeps.values())
            if validation.error_count or checker.repeats or dry_run:
                keys = [*checker.first_rows.items(), *checker.repeats]
                staging.stage_keys(import_id, keys, keeps)
            else:  # every row is a user
                rows = [StagedRow(*user, existing=False) for user in checker.users]
                to_hash = []
                for _start, chunk in _chunked(rt, rows):
                    if passwords_to_hash(chunk):  # hashed once the plan accepts the file
                        to_hash.append(_sealed_chunk(rt, import_id, chunk[0].row, chunk))
                        keys = [(row.email.lower(), row.row) for row in chunk]
                        staging.stage_keys(import_id, keys, keeps)
                    else:  # imported hashes: users ready to write, here and now
                        staging.stage_users(import_id, chunk, stored_hashes(chunk, []))
                staging.add_chunks(to_hash)
    if not dry_run:  # (a dry run's plan is run by check_now)
        _plan_when_checked(rt, import_id)


def _plan_when_checked(rt: JobRuntime, import_id: int) -> None:
    """Defer the plan once every part is checked: under the record's lock, so of two parts
    checked at once, the later to commit sees both (the plan runs once: it drops the parts)."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        staging = StagingRepository(session)
        if staging.parts(import_id) and staging.unchecked_parts(import_id) == 0:
            rt.defer(session, PLAN, [{"import_id": import_id}])


def plan(rt: JobRuntime, import_id: int) -> None:
    """Step (a big job): join its parts' verdicts: the rows' errors, addresses repeated across
    parts and the addresses the directory holds, found set-wise; refuse the file, or plan it
    and defer a hashing task for every chunk. A file that could not be read as rows (or has
    too many) is checked whole, for its exact errors."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.VALIDATING):
            return
        staging = StagingRepository(session)
        parts = staging.parts(import_id)
        if not parts or not all(part.checked for part in parts):
            return
        limits = _limits(rt, record)
        rows = sum(p.rows for p in parts)
        if not any(p.whole for p in parts):
            too_many = too_many_rows(rows, limits.max_rows)
            if too_many is not None:  # the file's one error, as a whole reading finds it
                first = parts[0]
                describe(record, Validation(first.encoding, first.delimiter, first.columns, rows))
                _refuse(record, staging, Refusal(too_many, 1), limits, started)
                return
            _plan_parts(rt, record, staging, parts, rows, limits, started)
            return
    _validate_whole(rt, import_id)


def _plan_parts(
    rt: JobRuntime, record: UserImport, staging: StagingRepository, parts: Sequence[JobPart],
    rows: int, limits: FileLimits, started: float,
) -> None:  # fmt: skip
    import_id = record.id
    joined, count = merge_errors(
        [([RowError.model_validate(e) for e in p.errors], p.error_count) for p in parts]
    )
    repeated, repeats = staging.duplicates(import_id, limits.max_errors)
    errors = joined + [duplicate_error(row, first) for row, first in repeated]
    count += repeats
    on_existing = OnExisting(record.on_existing)
    known, known_count = staging.known(import_id, limits.max_errors)
    if on_existing == OnExisting.ERROR:
        errors += already_exists(known, set(known))
        count += known_count
    missing, missing_count = staging.missing_users(import_id, limits.max_errors)
    errors += password_required(missing)
    count += missing_count
    first = parts[0]
    describe(record, Validation(first.encoding, first.delimiter, first.columns, rows))
    if count:
        _refuse(record, staging, Refusal(errors, count), limits, started)
        return
    distinct = staging.key_count(import_id) - repeats  # a file with repeats is refused
    counts = Counts(
        added=distinct - known_count,
        updated=known_count if on_existing == OnExisting.UPDATE else 0,
        skipped=known_count if on_existing == OnExisting.SKIP else 0,
    )
    if record.dry_run:  # checked during its request: what it would write, nothing staged
        status.validated(record, counts)
        staging.discard(import_id)
        log_attempt(record, started, job=True)
        return
    if known_count:
        staging.mark_known(import_id)  # hash_chunk updates or skips their rows
    starts = staging.unhashed_starts(import_id)
    staging.drop_parts(import_id)
    staging.drop_file(import_id)  # its rows are in the chunks and staged users now
    hashed = staging.staged_users(import_id)
    status.planned(record, counts, staging.chunk_rows(import_id) + hashed, hashed)
    if starts:
        tasks = [{"import_id": import_id, "start": start} for start in starts]
        rt.defer(staging.session, HASH_CHUNK, tasks)
    else:  # every row came with its hash
        rt.defer(staging.session, COMMIT, [{"import_id": import_id}])


def check_now(rt: JobRuntime, import_id: int, workers: int) -> None:
    """A dry run of a file received in parts, checked during its request: its parts at once
    (each in a checking process of the web server), then the plan; or the file whole."""
    with rt.sessions() as session:
        parts = StagingRepository(session).parts(import_id)
    if not parts or not all(part.lines for part in parts):
        _validate_whole(rt, import_id)
        return
    with ThreadPoolExecutor(min(workers, len(parts))) as pool:
        list(pool.map(lambda part: check_part(rt, import_id, part.part), parts))
    plan(rt, import_id)


def _as_planned(
    rt: JobRuntime, import_id: int, rows: list[StagedRow], on_existing: OnExisting
) -> list[StagedRow]:
    """A chunk of a job checked in parts was made before the directory was asked: its rows
    whose address the plan found there are updated, or (skip) left out."""
    with rt.sessions() as session:
        known = StagingRepository(session).known_rows(import_id, rows[0].row, rows[-1].row)
    if not known:
        return rows
    if on_existing == OnExisting.SKIP:
        return [row for row in rows if row.row not in known]
    return [row._replace(existing=True) if row.row in known else row for row in rows]


def _is_hashing(rt: JobRuntime, import_id: int) -> bool:
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        return record is not None and status.is_in(record, ImportStatus.HASHING)


def hash_chunk(
    rt: JobRuntime, import_id: int, start: int, should_stop: Callable[[], bool] = lambda: False
) -> None:
    """Step: hash one chunk's passwords with no connection held; store them, and when they
    were the job's last, defer the write. A stopping worker gives the chunk back (GiveBack)."""
    lower_thread_priority()
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        chunk = StagingRepository(session).chunk(import_id, start)
        if record is None or not status.is_in(record, ImportStatus.HASHING) or chunk is None:
            return  # ended, or a run before this one staged the chunk's users
        sealed, on_existing = chunk.sealed, OnExisting(record.on_existing)
    every = open_rows(rt.sealer, import_id, start, sealed)
    rows = _as_planned(rt, import_id, every, on_existing)
    made = []
    for n, password in enumerate(passwords_to_hash(rows), 1):
        if should_stop():
            raise GiveBack
        with hashing_time():
            made.append(rt.hasher.hash(password))
        if n % CANCEL_CHECK_EVERY == 0 and not _is_hashing(rt, import_id):
            return
    hashes = stored_hashes(rows, made)
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.HASHING):
            return
        staging = StagingRepository(session)
        if not staging.hashed(import_id, start):
            return  # another run staged them first
        staging.stage_users(import_id, rows, hashes)
        CHUNKS_HASHED.inc()
        ROWS_HASHED.inc(len(made))
        logger.info("import job %s: rows %d-%d hashed", import_id, start + 1, start + len(rows))
        if status.chunk_hashed(record, len(every)):
            rt.defer(session, COMMIT, [{"import_id": import_id}])


def commit(rt: JobRuntime, import_id: int) -> None:
    """Step: move every staged user of the job into the directory in one transaction (set-wise:
    no worker holds the job's users), then drop what was staged."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or not status.is_in(record, ImportStatus.INSERTING):
            return
        write_staged_users(session, record, _limits(rt, record).max_errors)
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


def pending_tasks(session: Session) -> list[tuple[str, TaskArgs]]:
    """The tasks unfinished jobs need to go on, read from their status and staged chunks:
    what the embedded runner (SQLite) runs."""
    found: list[tuple[str, TaskArgs]] = []
    staging = StagingRepository(session)
    for record in ImportRepository(session).unfinished():
        if record.dry_run:
            continue  # checked during its request, not by the job runner
        if status.is_in(record, ImportStatus.QUEUED):
            found.append((VALIDATE, {"import_id": record.id}))
        elif status.is_in(record, ImportStatus.VALIDATING):
            parts = staging.parts(record.id)
            unchecked = [part.part for part in parts if not part.checked]
            if not parts or not all(part.lines for part in parts):  # checked whole
                found.append((VALIDATE, {"import_id": record.id}))
            elif unchecked:
                found += [(CHECK_PART, {"import_id": record.id, "part": n}) for n in unchecked]
            else:
                found.append((PLAN, {"import_id": record.id}))
        elif status.is_in(record, ImportStatus.HASHING):
            for start in staging.unhashed_starts(record.id):
                found.append((HASH_CHUNK, {"import_id": record.id, "start": start}))
        elif status.is_in(record, ImportStatus.INSERTING):
            found.append((COMMIT, {"import_id": record.id}))
    return found


def _give_up(rt: JobRuntime, args: TaskArgs, error: Exception | None) -> None:
    interrupt(rt, int(args["import_id"]), error)


IMPORT_TASKS = (
    Task(
        VALIDATE,
        lambda rt, args, _stop: validate(rt, args["import_id"], args.get("parts_queued", False)),
        _give_up,
    ),
    Task(
        CHECK_PART,
        lambda rt, args, _stop: check_part(rt, args["import_id"], args["part"]),
        _give_up,
    ),
    Task(PLAN, lambda rt, args, _stop: plan(rt, args["import_id"]), _give_up),
    Task(
        HASH_CHUNK,
        lambda rt, args, stop: hash_chunk(rt, args["import_id"], args["start"], stop),
        _give_up,
    ),
    Task(COMMIT, lambda rt, args, _stop: commit(rt, args["import_id"]), _give_up),
)
