"""A big job's rows checked in parts, by any workers at once (check_part), then joined set-wise
by the plan: errors, addresses repeated across parts and the addresses the directory holds."""

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from app.core.schemas import RowError
from app.db.engine import for_set_wise_work
from app.db.models.imports import UserImport
from app.db.models.staging import JobPart
from app.imports.jobs.boundaries import head_records
from app.imports.jobs.runtime import (
    COMMIT,
    HASH_CHUNK,
    PLAN,
    JobRuntime,
    chunked,
    limits_of,
    refuse,
    sealed_chunk,
)
from app.imports.jobs.staging.addresses import StagedAddressRepository
from app.imports.jobs.staging.files import StagingRepository, part_context
from app.imports.jobs.staging.users import StagedUserRepository
from app.imports.jobs.validate import validate_whole
from app.imports.options import OnExisting
from app.imports.plan.directory_check import Refusal, StagedRow
from app.imports.plan.sync_import import describe, log_attempt, passwords_to_hash, stored_hashes
from app.imports.reading.file_parts import merge_errors
from app.imports.reading.file_rules import (
    alias_taken,
    already_exists,
    duplicate_error,
    held_as_alias,
    managed_by_provisioning,
    password_required,
)
from app.imports.reading.limits import FileLimits, Scope
from app.imports.reading.validation import Validation, too_many_rows
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import Counts, ImportStatus

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
        limits, dry_run = limits_of(rt, record), record.dry_run
        first_row, head_bytes = found.first_row, found.head_bytes
        sealed = staging.part_sealed(import_id, part)  # held once, not by the session too
    if sealed is None:
        return
    data = rt.sealer.open(sealed, part_context(import_id, part))
    del sealed
    # A part must find the file's header where it was cut (the first part: just before its
    # own lines), and rows that are lines.
    head_rows = head_records(data[:head_bytes]) if head_bytes else None
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
        if (limits_of(rt, record), record.dry_run) != (limits, dry_run):
            return  # checked while the file arrived; its request then changed the options
        staging, staged = StagingRepository(session), StagedUserRepository(session)
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
            # Every row's address and alias, repeats too: the plan finds them across the whole
            # file, from the keys, aliases and users staged here.
            staged.stage_aliases(import_id, checker.alias_list)
            keeps = set(checker.keeps.values())
            if validation.error_count or checker.repeats or dry_run:
                keys = [*checker.first_rows.items(), *checker.repeats]
                staged.stage_keys(import_id, keys, keeps)
            else:  # every row is a user
                rows = [StagedRow(*user, existing=False) for user in checker.users]
                to_hash = []
                for _start, chunk in chunked(rt, rows):
                    if passwords_to_hash(chunk):  # hashed once the plan accepts the file
                        to_hash.append(sealed_chunk(rt, import_id, chunk[0].row, chunk))
                        keys = [(row.email.lower(), row.row) for row in chunk]
                        staged.stage_keys(import_id, keys, keeps)
                    else:  # imported hashes: users ready to write, here and now
                        staged.stage_users(import_id, chunk, stored_hashes(chunk, []))
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
        for_set_wise_work(session)
        staging = StagingRepository(session)
        parts = staging.parts(import_id)
        if not parts or not all(part.checked for part in parts):
            return
        limits = limits_of(rt, record)
        rows = sum(p.rows for p in parts)
        if not any(p.whole for p in parts):
            too_many = too_many_rows(rows, limits.max_rows)
            if too_many is not None:  # the file's one error, as a whole reading finds it
                first = parts[0]
                describe(record, Validation(first.encoding, first.delimiter, first.columns, rows))
                refuse(record, staging, Refusal(too_many, 1), limits, started)
                return
            _plan_parts(rt, record, staging, parts, rows, limits, started)
            return
    validate_whole(rt, import_id)


def _plan_parts(
    rt: JobRuntime, record: UserImport, staging: StagingRepository, parts: Sequence[JobPart],
    rows: int, limits: FileLimits, started: float,
) -> None:  # fmt: skip
    import_id = record.id
    joined, count = merge_errors(
        [([RowError.model_validate(e) for e in p.errors], p.error_count) for p in parts]
    )
    addresses = StagedAddressRepository(staging.session)
    repeated, repeats = addresses.duplicates(import_id, limits.max_errors)
    errors = joined + [duplicate_error(row, first, at) for row, first, at in repeated]
    count += repeats
    on_existing = OnExisting(record.on_existing)
    skip = on_existing == OnExisting.SKIP
    known, known_count = addresses.known(import_id, limits.max_errors)
    as_alias, as_alias_count = addresses.known(import_id, limits.max_errors, alias_only=True)
    if on_existing == OnExisting.ERROR:
        primaries = {key: row for key, row in known.items() if key not in as_alias}
        errors += already_exists(primaries, set(primaries))
        count += known_count - as_alias_count
    if not skip:  # a row's Email is a primary address: another user's alias is taken
        errors += held_as_alias(sorted(as_alias.values()))
        count += as_alias_count
    if on_existing == OnExisting.UPDATE and known_count:
        managed, managed_count = addresses.managed(import_id, limits.max_errors)
        errors += managed_by_provisioning(managed)
        count += managed_count
    taken, taken_count = addresses.aliases_taken(import_id, limits.max_errors, skip=skip)
    errors += alias_taken(taken)
    count += taken_count
    missing, missing_count = addresses.missing_users(import_id, limits.max_errors)
    errors += password_required(missing)
    count += missing_count
    first = parts[0]
    describe(record, Validation(first.encoding, first.delimiter, first.columns, rows))
    if count:
        refuse(record, staging, Refusal(errors, count), limits, started)
        return
    distinct = addresses.key_count(import_id) - repeats  # a file with repeats is refused
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
        addresses.mark_known(import_id)  # hash_chunk updates or skips their rows
    starts = staging.unhashed_starts(import_id)
    # The parts (their sealed lines) stay until the job's end clears what it staged: deleting
    # them here would lengthen the plan's transaction, which holds the record.
    staging.drop_file(import_id)  # its rows are in the chunks and staged users now
    hashed = StagedUserRepository(staging.session).staged_users(import_id)
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
        validate_whole(rt, import_id)
        return
    with ThreadPoolExecutor(min(workers, len(parts))) as pool:
        list(pool.map(lambda part: check_part(rt, import_id, part.part), parts))
    plan(rt, import_id)
