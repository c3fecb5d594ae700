"""A job's steps, each a short transaction or two around work done with no connection held:
validate the file once, hash its rows a chunk at a time (any worker, any order), insert every
user in one transaction. Every change of the job's state is made under the record's lock and
only from the state the step expects, so a step run twice (a retry, a worker that died after
its commit) changes nothing the second time.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app.core.codes import RowCode
from app.core.config import Settings
from app.core.metrics import hashing_time
from app.core.models import JobChunk, UserImport
from app.core.schemas import RowError
from app.core.sealing import Sealer
from app.imports.options import OnExisting
from app.imports.repository import ImportRepository
from app.imports.rows import UserRow
from app.imports.schemas import UNFINISHED, ImportStatus
from app.imports.service import (
    WritePlan,
    check_directory,
    describe,
    log_attempt,
    refuse,
    write_users,
)
from app.imports.validation import Validation
from app.passwords.hashing import lower_thread_priority
from app.queue.repository import StagingRepository
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.jobs")

VALIDATE = "import.validate"
HASH_CHUNK = "import.hash_chunk"
COMMIT = "import.commit"
# A job is cut into at least this many chunks (of MIN_CHUNK_ROWS or more, at most
# USERIMPORT_JOB_CHUNK_ROWS), so every core of every worker gets a share and progress moves.
MIN_CHUNKS = 64
MIN_CHUNK_ROWS = 50
# While hashing a chunk, whether the job was cancelled is read every this many hashes.
CANCEL_CHECK_EVERY = 50

INTERRUPTED = RowError(
    row=None,
    column=None,
    code=RowCode.INTERRUPTED,
    message="The import job kept failing (its workers stopped or lost the database); nothing "
    "was added. Upload the file again.",
)

# A staged user: row, address, name, password (or its imported hash), Force Change Password,
# already in the directory, imported hash.
StagedUser = tuple[int, str, str, str, bool, bool, bool]
TaskArgs = dict[str, Any]  # a task's arguments: ids and row positions, never a secret
Defer = Callable[[Session, str, list[TaskArgs]], None]


@dataclass(frozen=True)
class JobRuntime:
    """What a job's steps need, the same in a worker process and in `userimport serve`."""

    sessions: sessionmaker[Session]
    settings: Settings
    sealer: Sealer
    hasher: PasswordHasher
    validate: Callable[[bytes], Validation]
    defer: Defer  # defers tasks with the session's transaction (or once it commits)


def _file_context(import_id: int) -> str:
    return f"file:{import_id}"


def _chunk_context(import_id: int, start: int) -> str:
    return f"chunk:{import_id}:{start}"


def submit(rt: JobRuntime, session: Session, record: UserImport, data: bytes) -> UserImport:
    """Record a queued job, stage its file sealed and defer its validation: one transaction."""
    record.status = ImportStatus.QUEUED
    ImportRepository(session).add(record)
    StagingRepository(session).add_file(record.id, rt.sealer.seal(data, _file_context(record.id)))
    rt.defer(session, VALIDATE, [{"import_id": record.id}])
    return record


def _staged_users(plan: WritePlan) -> list[StagedUser]:
    """The rows whose passwords are hashed (new users; existing ones too when updated)."""
    rows = plan.first_rows
    existing = len(plan.new)
    return [
        (
            rows[user.email.lower()],
            user.email,
            user.name,
            user.password.get_secret_value() if user.password else user.password_hash or "",
            user.force_change_password,
            n >= existing,
            user.password is None,
        )
        for n, user in enumerate(plan.to_hash)
    ]


def _chunks(rt: JobRuntime, import_id: int, users: list[StagedUser]) -> list[JobChunk]:
    """The rows in sealed chunks; a chunk of imported hashes only needs no hashing task: its
    hashes are stored with it at once."""
    size = min(rt.settings.job_chunk_rows, max(MIN_CHUNK_ROWS, -(-len(users) // MIN_CHUNKS)))
    chunks = []
    for start in range(0, len(users), size):
        share = users[start : start + size]
        sealed = rt.sealer.seal(json.dumps(share).encode(), _chunk_context(import_id, start))
        imported = all(user[6] for user in share)
        hashes = "\n".join(user[3] for user in share) if imported else None
        chunks.append(
            JobChunk(import_id=import_id, start=start, size=len(share), sealed=sealed,
                     hashes=hashes)
        )  # fmt: skip
    return chunks


def validate(rt: JobRuntime, import_id: int) -> None:
    """Check every row and the directory before any hash; stage the rows as chunks and defer
    a task for each, or refuse the file."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or record.status not in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
            return
        record.status = ImportStatus.VALIDATING
        sealed = StagingRepository(session).file(import_id)
    if sealed is None:
        return
    validation = rt.validate(rt.sealer.open(sealed, _file_context(import_id)))
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or record.status != ImportStatus.VALIDATING:
            return  # cancelled meanwhile
        describe(record, validation)
        staging = StagingRepository(session)
        on_existing = OnExisting(record.on_existing)
        plan, errors, count = check_directory(validation, UserRepository(session), on_existing)
        if plan is None:
            refuse(record, errors, count, rt.settings.max_errors)
            staging.discard(import_id)
            log_attempt(record, started, job=True)
            return
        plan.count(record)
        users = _staged_users(plan)
        chunks = _chunks(rt, import_id, users)
        staging.replace_file_with_chunks(import_id, chunks)
        to_hash = [chunk for chunk in chunks if chunk.hashes is None]
        record.progress_total = len(users)
        record.progress_done = len(users) - sum(chunk.size for chunk in to_hash)
        if to_hash:
            record.status = ImportStatus.HASHING
            tasks = [{"import_id": import_id, "start": chunk.start} for chunk in to_hash]
            rt.defer(session, HASH_CHUNK, tasks)
        else:  # every row came with its hash
            record.status = ImportStatus.INSERTING
            rt.defer(session, COMMIT, [{"import_id": import_id}])


def _is_hashing(rt: JobRuntime, import_id: int) -> bool:
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        return record is not None and record.status == ImportStatus.HASHING


class GiveBack(Exception):
    """The worker is stopping: the chunk is given back to the queue unfinished."""


def hash_chunk(
    rt: JobRuntime, import_id: int, start: int, should_stop: Callable[[], bool] = lambda: False
) -> None:
    """Hash one chunk's passwords with no connection held; store them, and when they were the
    job's last, defer the final insert. A stopping worker gives the chunk back (GiveBack)."""
    lower_thread_priority()
    with rt.sessions() as session:
        record = ImportRepository(session).get(import_id)
        chunk = StagingRepository(session).chunk(import_id, start)
        if record is None or record.status != ImportStatus.HASHING or chunk is None:
            return
        if chunk.hashes is not None:
            return  # a run before this one stored them (and, being last, deferred the insert)
        sealed = chunk.sealed
    users: list[StagedUser] = json.loads(rt.sealer.open(sealed, _chunk_context(import_id, start)))
    hashes = []
    for n, user in enumerate(users, 1):
        if user[6]:  # imported as a hash: kept as it is
            hashes.append(user[3])
            continue
        if should_stop():
            raise GiveBack
        with hashing_time():
            hashes.append(rt.hasher.hash(user[3]))
        if n % CANCEL_CHECK_EVERY == 0 and not _is_hashing(rt, import_id):
            return
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or record.status != ImportStatus.HASHING:
            return
        if StagingRepository(session).store_hashes(import_id, start, "\n".join(hashes)):
            record.progress_done += len(users)
            logger.info(
                "import job %s: rows %d-%d hashed", import_id, start + 1, start + len(users)
            )
        if record.progress_done >= record.progress_total:
            record.status = ImportStatus.INSERTING
            rt.defer(session, COMMIT, [{"import_id": import_id}])


def commit(rt: JobRuntime, import_id: int) -> None:
    """Insert every user of the job in one transaction, then drop what was staged."""
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or record.status != ImportStatus.INSERTING:
            return
        staging = StagingRepository(session)
        existing_count = record.updated + record.skipped
        plan = WritePlan(OnExisting(record.on_existing), {}, record.rows, existing_count)
        hashes: list[str] = []
        for chunk in staging.chunks(import_id):
            assert chunk.hashes is not None
            opened = rt.sealer.open(chunk.sealed, _chunk_context(import_id, chunk.start))
            for row, email, name, _secret, force, existing, _imported in json.loads(opened):
                user = UserRow.model_construct(
                    email=email, name=name, password=SecretStr(""), force_change_password=force
                )
                (plan.existing if existing else plan.new).append(user)
                plan.first_rows[email.lower()] = row
            hashes.extend(chunk.hashes.split("\n"))
        # Staged in order (chunks by start): the new users first, then those to update.
        write_users(session, record, plan, hashes, rt.settings.max_errors)
        staging.discard(import_id)
    log_attempt(record, started, job=True)


def interrupt(rt: JobRuntime, import_id: int) -> None:
    """The job's tasks kept failing: it fails as interrupted, nothing added, nothing kept."""
    with rt.sessions.begin() as session:
        record = ImportRepository(session).lock(import_id)
        if record is None or record.status not in UNFINISHED:
            return
        record.status = ImportStatus.FAILED
        record.added = 0
        record.errors = [INTERRUPTED.model_dump()]
        record.error_count = 1
        StagingRepository(session).discard(import_id)
    logger.warning("import job %s failed: its tasks kept failing", import_id)


def cancel(session: Session, record: UserImport) -> None:
    """Stop a queued or running job (locked by the caller): nothing is added, nothing kept.
    Its tasks still queued find it cancelled and end at once."""
    record.status = ImportStatus.CANCELLED
    record.added = 0
    StagingRepository(session).discard(record.id)


def pending_tasks(session: Session, record: UserImport) -> list[tuple[str, list[TaskArgs]]]:
    """The tasks an unfinished job needs to go on from its state (after a restart of an
    embedded worker, whose queue lived in memory)."""
    if record.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING):
        return [(VALIDATE, [{"import_id": record.id}])]
    if record.status == ImportStatus.HASHING:
        starts = StagingRepository(session).unhashed_starts(record.id)
        return [(HASH_CHUNK, [{"import_id": record.id, "start": start} for start in starts])]
    if record.status == ImportStatus.INSERTING:
        return [(COMMIT, [{"import_id": record.id}])]
    return []
