"""The tasks of an import job, by name, each a step run by any worker (or the embedded runner);
and the tasks unfinished jobs still owe, read from their state (what the embedded runner
runs)."""

from sqlalchemy.orm import Session

from app.imports.jobs import commit, hashing, part_checks, validate
from app.imports.jobs.runtime import CHECK_PART, COMMIT, HASH_CHUNK, PLAN, VALIDATE, JobRuntime
from app.imports.jobs.staging.files import StagingRepository
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import ImportStatus
from app.queue.tasks import Task, TaskArgs


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
    commit.interrupt(rt, int(args["import_id"]), error)


# Each step looked up in its module when it runs (a test may stand in for one).
IMPORT_TASKS = (
    Task(
        VALIDATE,
        lambda rt, args, _stop: validate.validate(
            rt, args["import_id"], args.get("parts_queued", False)
        ),
        _give_up,
    ),
    Task(
        CHECK_PART,
        lambda rt, args, _stop: part_checks.check_part(rt, args["import_id"], args["part"]),
        _give_up,
    ),
    Task(PLAN, lambda rt, args, _stop: part_checks.plan(rt, args["import_id"]), _give_up),
    Task(
        HASH_CHUNK,
        lambda rt, args, stop: hashing.hash_chunk(rt, args["import_id"], args["start"], stop),
        _give_up,
    ),
    Task(COMMIT, lambda rt, args, _stop: commit.commit(rt, args["import_id"]), _give_up),
)
