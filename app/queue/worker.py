"""Running queued tasks: `userimport worker` processes, or a worker inside `serve` on
PostgreSQL (USERIMPORT_EMBEDDED_WORKER). Generic: the tasks and their runtime are given."""

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterable
from typing import Any

from procrastinate import App
from procrastinate.app import WorkerOptions
from procrastinate.jobs import Status
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.db.engine import create_db_engine, create_session_factory
from app.queue.tasks import QUEUE_NAME, RUNTIME, Defer, Task, make_queue, transactional_defer

logger = logging.getLogger("userimport.jobs")
# A worker asked to stop lets its chunks run this long, then gives them back to the queue.
GRACEFUL_SECONDS = 10
RESTART_DELAY_SECONDS = 2
# Builds the tasks' runtime for a worker process: its sessions and how it defers.
RuntimeFactory = Callable[[sessionmaker[Session], Defer], Any]


def _worker_options(settings: Settings, runtime: Any, concurrency: int, name: str) -> WorkerOptions:
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


async def recover_stalled(
    queue: App, tasks: dict[str, Task], runtime: Any, settings: Settings
) -> int:
    """Run again the tasks of workers that stopped reporting (killed, cut off); a task that
    has been run as often as allowed gives up instead. Any worker may do this: procrastinate
    changes a task's state once, and the tasks are idempotent."""
    stalled = await queue.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.worker_stalled_seconds
    )
    recovered = 0
    for job in stalled:
        task = tasks.get(job.task_name)
        if task is None:
            continue
        try:
            if job.attempts + 1 >= settings.job_max_attempts:
                await queue.job_manager.finish_job(job, Status.FAILED, delete_job=False)
                await asyncio.to_thread(task.give_up, runtime, dict(job.task_kwargs), None)
            else:
                await queue.job_manager.retry_job(job)
            recovered += 1
        except Exception:  # another worker took it first, or the database is away
            logger.warning("could not recover stalled task %s", job.id, exc_info=True)
    if recovered:
        logger.warning("ran again %d task(s) of stopped workers", recovered)
    return recovered


async def _recovery_loop(
    queue: App, tasks: dict[str, Task], runtime: Any, settings: Settings
) -> None:
    while True:
        await asyncio.sleep(settings.worker_heartbeat_seconds)
        try:
            await recover_stalled(queue, tasks, runtime, settings)
        except Exception:
            logger.warning("stalled-task check failed; trying again", exc_info=True)


def worker_name() -> str:
    return f"{socket.gethostname()}/{os.getpid()}"


async def _serve_queue(
    settings: Settings,
    concurrency: int,
    tasks: Iterable[Task],
    make_runtime: RuntimeFactory,
    stopping: asyncio.Event,
) -> None:
    engine = create_db_engine(settings.database_url, pool_size=concurrency + 2, max_overflow=2)
    by_name = {task.name: task for task in tasks}
    queue = make_queue(settings, by_name.values())
    runtime = make_runtime(create_session_factory(engine), transactional_defer(queue, settings))
    options = _worker_options(settings, runtime, concurrency, worker_name())
    try:
        while not stopping.is_set():
            try:
                async with queue.open_async():
                    recovery = asyncio.create_task(
                        _recovery_loop(queue, by_name, runtime, settings)
                    )
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


def run_worker(
    settings: Settings, concurrency: int, tasks: Iterable[Task], make_runtime: RuntimeFactory
) -> None:
    """`userimport worker`: run the tasks until SIGTERM or SIGINT (PostgreSQL only)."""

    async def main() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        logger.info("worker %s: %d chunk(s) at once", worker_name(), concurrency)
        await _serve_queue(settings, concurrency, tasks, make_runtime, stopping)

    asyncio.run(main())


class InProcessWorker:
    """A queue worker inside the web process (PostgreSQL with USERIMPORT_EMBEDDED_WORKER)."""

    def __init__(self, queue: App, tasks: Iterable[Task], runtime: Any, settings: Settings) -> None:
        self.queue = queue
        self.tasks = {task.name: task for task in tasks}
        self.runtime = runtime
        self.settings = settings
        self._tasks: list[asyncio.Task[None]] = []
        self._opened = False

    async def start(self) -> None:
        await self.queue.open_async()
        self._opened = True
        recovery = _recovery_loop(self.queue, self.tasks, self.runtime, self.settings)
        self._tasks.append(asyncio.create_task(recovery))
        options = _worker_options(
            self.settings, self.runtime, self.settings.job_workers, f"{worker_name()}/embedded"
        )
        self._tasks.append(asyncio.create_task(self.queue.run_worker_async(**options)))

    async def stop(self) -> None:
        for task in reversed(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self._opened:
            await self.queue.close_async()
            self._opened = False
