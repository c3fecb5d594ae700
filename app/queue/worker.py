"""Running the import tasks: `userimport worker` processes, or the worker inside `serve`."""

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable

from procrastinate import App
from procrastinate.app import WorkerOptions
from procrastinate.jobs import Status
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import create_db_engine, create_session_factory
from app.core.sealing import Sealer
from app.imports import tasks as pipeline
from app.imports.repository import ImportRepository
from app.imports.tasks import JobRuntime
from app.imports.validation import Validation, validate_file
from app.passwords.hashing import argon2id
from app.queue.tasks import (
    QUEUE_NAME,
    RUNTIME,
    TASK_NAMES,
    make_queue,
    transactional_defer,
)

logger = logging.getLogger("userimport.jobs")
# A worker asked to stop lets its chunks run this long, then gives them back to the queue.
GRACEFUL_SECONDS = 10
RESTART_DELAY_SECONDS = 2


def build_runtime(
    settings: Settings,
    sessions: sessionmaker[Session],
    queue: App,
    validate: Callable[[bytes], Validation],
    sealer: Sealer,
) -> JobRuntime:
    return JobRuntime(
        sessions=sessions,
        settings=settings,
        sealer=sealer,
        hasher=argon2id(settings),
        validate=validate,
        defer=transactional_defer(queue, settings),
    )


def _worker_options(
    settings: Settings, runtime: JobRuntime, concurrency: int, name: str
) -> WorkerOptions:
    return {
        "name": name,
        "queues": [QUEUE_NAME],
        "concurrency": concurrency,
        "additional_context": {RUNTIME: runtime},
        "install_signal_handlers": False,
        "delete_jobs": "successful",
        "update_heartbeat_interval": settings.worker_heartbeat_seconds,
        "stalled_worker_timeout": settings.worker_stalled_seconds,
        "fetch_job_polling_interval": 2.0,
        "abort_job_polling_interval": 2.0,
        "shutdown_graceful_timeout": GRACEFUL_SECONDS,
    }


async def recover_stalled(queue: App, runtime: JobRuntime) -> int:
    """Run again the tasks of workers that stopped reporting (killed, cut off); a task that
    has been run as often as allowed fails its job as interrupted instead. Any worker may do
    this: procrastinate changes a task's state once, and the job's steps are idempotent."""
    settings = runtime.settings
    stalled = await queue.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.worker_stalled_seconds
    )
    recovered = 0
    for job in stalled:
        if job.task_name not in TASK_NAMES:
            continue
        try:
            if job.attempts + 1 >= settings.job_max_attempts:
                await queue.job_manager.finish_job(job, Status.FAILED, delete_job=False)
                import_id = int(job.task_kwargs["import_id"])  # type: ignore[arg-type]
                await asyncio.to_thread(pipeline.interrupt, runtime, import_id)
            else:
                await queue.job_manager.retry_job(job)
            recovered += 1
        except Exception:  # another worker took it first, or the database is away
            logger.warning("could not recover stalled task %s", job.id, exc_info=True)
    if recovered:
        logger.warning("ran again %d task(s) of stopped workers", recovered)
    return recovered


async def _recovery_loop(queue: App, runtime: JobRuntime) -> None:
    while True:
        await asyncio.sleep(runtime.settings.worker_heartbeat_seconds)
        try:
            await recover_stalled(queue, runtime)
        except Exception:
            logger.warning("stalled-task check failed; trying again", exc_info=True)


def worker_name() -> str:
    return f"{socket.gethostname()}/{os.getpid()}"


async def _serve_queue(settings: Settings, concurrency: int, stopping: asyncio.Event) -> None:
    engine = create_db_engine(settings.database_url, pool_size=concurrency + 2, max_overflow=2)
    queue = make_queue(settings)
    runtime = build_runtime(
        settings,
        create_session_factory(engine),
        queue,
        lambda data: validate_file(data, settings),
        Sealer.from_settings(settings),
    )
    options = _worker_options(settings, runtime, concurrency, worker_name())
    try:
        while not stopping.is_set():
            try:
                async with queue.open_async():
                    recovery = asyncio.create_task(_recovery_loop(queue, runtime))
                    work = asyncio.create_task(queue.run_worker_async(**options))
                    stop = asyncio.create_task(stopping.wait())
                    await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
                    recovery.cancel()
                    if not work.done():
                        work.cancel()  # graceful: running chunks finish or are given back
                    with contextlib.suppress(asyncio.CancelledError):
                        await work
                    stop.cancel()
            except Exception:
                logger.exception("the worker lost the queue; starting again")
            if not stopping.is_set():
                await asyncio.sleep(RESTART_DELAY_SECONDS)
    finally:
        engine.dispose()


def run_worker(settings: Settings, concurrency: int) -> None:
    """`userimport worker`: run import tasks until SIGTERM or SIGINT (PostgreSQL only)."""

    async def main() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        logger.info("worker %s: %d chunk(s) at once", worker_name(), concurrency)
        await _serve_queue(settings, concurrency, stopping)

    asyncio.run(main())


class EmbeddedWorker:
    """The worker inside the web process: the embedded SQLite setup (its queue lives in this
    process's memory), or any database when USERIMPORT_EMBEDDED_WORKER is on."""

    def __init__(self, queue: App, runtime: JobRuntime) -> None:
        self.queue = queue
        self.runtime = runtime
        self._tasks: list[asyncio.Task[None]] = []
        self._opened = False

    async def start(self) -> None:
        settings = self.runtime.settings
        await self.queue.open_async()
        self._opened = True
        if settings.uses_postgresql:
            self._tasks.append(asyncio.create_task(_recovery_loop(self.queue, self.runtime)))
        else:
            await asyncio.to_thread(self._resume)
        options = _worker_options(
            settings, self.runtime, settings.job_workers, f"{worker_name()}/embedded"
        )
        self._tasks.append(asyncio.create_task(self.queue.run_worker_async(**options)))

    def _resume(self) -> None:
        """The queue lived in memory: defer again what this database's unfinished jobs need."""
        resumed = 0
        with self.runtime.sessions.begin() as session:
            for record in ImportRepository(session).unfinished():
                for name, args in pipeline.pending_tasks(session, record):
                    self.runtime.defer(session, name, args)
                resumed += 1
        if resumed:
            logger.warning("resumed %d unfinished import job(s)", resumed)

    async def stop(self) -> None:
        for task in reversed(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self._opened:
            await self.queue.close_async()
            self._opened = False
