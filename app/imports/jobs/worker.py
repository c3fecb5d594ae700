"""Who runs import jobs, decided once from the settings: with PostgreSQL, procrastinate's
queue (`userimport worker` processes, or a worker inside `serve` when
USERIMPORT_EMBEDDED_WORKER is on); with SQLite, the embedded runner of `serve`, which reads the
tasks owed from the jobs' own state. The same task functions (app/imports/jobs/) run in all.
"""

import gc
import logging
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.sealing import Sealer, StagingKeyError
from app.db.engine import create_db_engine, create_session_factory
from app.imports.jobs.runtime import JobRuntime
from app.imports.jobs.staging.files import check_staging_key
from app.imports.jobs.tasks import IMPORT_TASKS, pending_tasks
from app.imports.reading.limits import FileLimits, Scope
from app.imports.reading.validation import Validation, check_scope
from app.passwords.hashing import PasswordHasherPool
from app.queue.embedded import EmbeddedRunner
from app.queue.tasks import Defer, TaskArgs, make_queue, transactional_defer
from app.queue.worker import InProcessWorker, run_worker

logger = logging.getLogger("userimport.jobs")


class Runner(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def _no_runner(_session: Session, _name: str, _args: list[TaskArgs]) -> None:
    """USERIMPORT_EMBEDDED_WORKER=false on SQLite: jobs wait for a server that runs them."""


def web_jobs(
    settings: Settings,
    sessions: sessionmaker[Session],
    hasher: PasswordHasherPool,
    check: Callable[[bytes, FileLimits, Scope], Validation],
) -> tuple[JobRuntime | None, Runner | None]:
    """What this web process submits jobs with, and the runner it starts (if any); no jobs
    without a staging key (a job-sized upload is then answered 503)."""
    try:
        sealer = Sealer.from_settings(settings)
    except StagingKeyError as exc:
        logger.warning("large imports are off: %s", exc)
        return None, None
    runner: Runner | None = None
    if settings.uses_postgresql:
        queue = make_queue(settings, IMPORT_TASKS)
        defer: Defer = transactional_defer(queue, settings)
        runtime = JobRuntime(sessions, settings, sealer, hasher, check, defer)
        if settings.runs_embedded_worker:
            runner = InProcessWorker(queue, IMPORT_TASKS, runtime, settings)
        return runtime, runner
    if not settings.runs_embedded_worker:
        return JobRuntime(sessions, settings, sealer, hasher, check, _no_runner), None

    def owed() -> list[tuple[str, TaskArgs]]:
        with sessions() as session:
            return pending_tasks(session)

    embedded = EmbeddedRunner(
        IMPORT_TASKS, None, owed, settings.job_workers, settings.job_max_attempts
    )
    embedded.runtime = JobRuntime(sessions, settings, sealer, hasher, check, embedded.defer)
    return embedded.runtime, embedded


STARTUP_ATTEMPTS = 30  # the database may come up after the worker: 2 s apart


def checked_sealer(settings: Settings) -> Sealer:
    """The worker's sealer, once its key is known to be the one the database's jobs are
    sealed with (the first process to use a key stores a check value sealed with it).
    Raises StagingKeyError naming USERIMPORT_STAGING_KEY: missing, malformed or another key."""
    sealer = Sealer.from_settings(settings)
    engine = create_db_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        for attempt in range(1, STARTUP_ATTEMPTS + 1):
            try:
                with create_session_factory(engine).begin() as session:
                    check_staging_key(session, sealer)
                return sealer
            except (OperationalError, ProgrammingError) as exc:
                # Started with the database, or before `userimport migrate` has made its
                # tables (a deployment starts them together): wait, then give up loudly.
                if attempt == STARTUP_ATTEMPTS:
                    raise
                if isinstance(exc, ProgrammingError):
                    logger.warning(
                        "the database has no schema yet (run `userimport migrate`); waiting"
                    )
                else:
                    logger.warning("the database does not answer yet; trying again")
                time.sleep(2)
    finally:
        engine.dispose()
    raise AssertionError("unreachable")


# A part's check makes hundreds of thousands of short-lived objects without cycles (cells,
# rows, addresses): at Python's default (a pass every 700 new objects) the collector cost about
# a second of a 1M-row job's checking on two workers (bench/scale.py). What the worker loaded
# at start is frozen out of its passes, and it runs less often.
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


def run_import_worker(settings: Settings, concurrency: int) -> None:
    """`userimport worker`: the import tasks on procrastinate's queue (PostgreSQL)."""
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    sealer = checked_sealer(settings)
    hasher = PasswordHasherPool.from_settings(settings)

    def runtime(sessions: sessionmaker[Session], defer: Defer) -> JobRuntime:
        return JobRuntime(sessions, settings, sealer, hasher, check_scope, defer)

    try:
        run_worker(settings, concurrency, IMPORT_TASKS, runtime)
    finally:
        hasher.shutdown()
