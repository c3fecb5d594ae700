"""The procrastinate app: its connector, the import tasks, and deferring them in a transaction.

With PostgreSQL the queue lives in the database (procrastinate's tables, from our migrations):
a task is deferred with the same transaction that records the job's new state, so a state and
its next task are written together or not at all. With SQLite (the embedded default) the queue
lives in the memory of `userimport serve`, which runs the same tasks; a task is deferred once
the transaction commits, and unfinished jobs are deferred again when the server starts.
"""

import logging
from collections.abc import Callable
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy, SyncPsycopgConnector
from procrastinate.exceptions import JobAborted
from procrastinate.jobs import JobDeferrer
from procrastinate.manager import JobManager
from procrastinate.testing import InMemoryConnector
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.imports import tasks as pipeline
from app.imports.tasks import COMMIT, HASH_CHUNK, VALIDATE, Defer, GiveBack, JobRuntime, TaskArgs

logger = logging.getLogger("userimport.jobs")
QUEUE_NAME = "imports"
RUNTIME = "runtime"  # the key of the JobRuntime in a worker's additional context
TASK_NAMES = (VALIDATE, HASH_CHUNK, COMMIT)


def conninfo(database_url: str) -> str:
    """libpq's form of a SQLAlchemy PostgreSQL URL (its options, e.g. search_path, kept)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _runtime(context: JobContext) -> JobRuntime:
    runtime: JobRuntime = context.additional_context[RUNTIME]
    return runtime


def _final_attempt(context: JobContext, runtime: JobRuntime) -> bool:
    return context.job.attempts + 1 >= runtime.settings.job_max_attempts


def _guarded(
    context: JobContext, runtime: JobRuntime, import_id: int, run: Callable[[], None]
) -> None:
    """Run a step; when it fails for the last time, the job fails as interrupted."""
    try:
        run()
    except GiveBack:
        raise JobAborted("the worker is stopping: the chunk goes back to the queue") from None
    except Exception:
        if _final_attempt(context, runtime):
            try:
                pipeline.interrupt(runtime, import_id)
            except Exception:
                logger.exception("import job %s could not be marked interrupted", import_id)
        raise


def validate_task(context: JobContext, import_id: int) -> None:
    runtime = _runtime(context)
    _guarded(context, runtime, import_id, lambda: pipeline.validate(runtime, import_id))


def hash_chunk_task(context: JobContext, import_id: int, start: int) -> None:
    runtime = _runtime(context)
    _guarded(
        context,
        runtime,
        import_id,
        lambda: pipeline.hash_chunk(runtime, import_id, start, context.should_abort),
    )


def commit_task(context: JobContext, import_id: int) -> None:
    runtime = _runtime(context)
    _guarded(context, runtime, import_id, lambda: pipeline.commit(runtime, import_id))


def make_queue(settings: Settings) -> App:
    """The queue app with the import tasks; not opened yet."""
    connector: Any
    if settings.uses_postgresql:
        connector = PsycopgConnector(
            conninfo=conninfo(settings.database_url), min_size=1, max_size=4
        )
    else:
        connector = InMemoryConnector()
    queue = App(connector=connector)
    # A failed run is tried again after 1, 3, 5 ... s: a short database outage is ridden out.
    retry = RetryStrategy(max_attempts=settings.job_max_attempts - 1, wait=1, linear_wait=2)
    for name, function in (
        (VALIDATE, validate_task),
        (HASH_CHUNK, hash_chunk_task),
        (COMMIT, commit_task),
    ):
        queue.task(name=name, queue=QUEUE_NAME, pass_context=True, retry=retry)(function)
    return queue


def transactional_defer(queue: App, settings: Settings) -> Defer:
    """How the pipeline defers a task from inside one of its transactions."""
    if settings.uses_postgresql:
        # procrastinate's own insert, on the session's connection: it commits or rolls back
        # with the job's state.
        manager = JobManager(SyncPsycopgConnector(conninfo=conninfo(settings.database_url)))

        def defer_in_transaction(session: Session, name: str, args: list[TaskArgs]) -> None:
            if not args:
                return
            connection = session.connection().connection.driver_connection
            template = queue.configure_task(name, allow_unknown=False).job
            JobDeferrer(manager, template, connection).batch_defer(*args)

        return defer_in_transaction

    def defer_after_commit(session: Session, name: str, args: list[TaskArgs]) -> None:
        def defer(_session: Session) -> None:
            if args:
                queue.configure_task(name, allow_unknown=False, connection=session).batch_defer(
                    *args
                )

        event.listen(session, "after_commit", defer, once=True)

    return defer_after_commit
