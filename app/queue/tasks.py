"""The task queue, knowing no domain: tasks are named functions of a runtime (whatever the
domain's steps need) and JSON arguments (ids and positions, never a secret).

With PostgreSQL the queue is procrastinate's, in the database (its tables come from our
migrations): a task is deferred with the same transaction that records its cause, so both are
written or neither. With SQLite there is no queue of its own: the domain's state is the queue
(app/queue/embedded.py reads the tasks still owed from it), and deferring only wakes the runner
once the transaction commits.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy, SyncPsycopgConnector
from procrastinate.exceptions import JobAborted
from procrastinate.jobs import JobDeferrer
from procrastinate.manager import JobManager
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.metrics import TASKS

logger = logging.getLogger("userimport.jobs")
QUEUE_NAME = "imports"
RUNTIME = "runtime"  # the key of the runtime in a worker's additional context

TaskArgs = dict[str, Any]
Defer = Callable[[Session, str, list[TaskArgs]], None]


class GiveBack(Exception):
    """The worker is stopping: the task goes back to the queue unfinished."""


@dataclass(frozen=True)
class Task:
    """A task: run(runtime, args, should_stop); give_up(runtime, args, error) once its last
    attempt failed (the domain marks its work failed; error: why, when known)."""

    name: str
    run: Callable[[Any, TaskArgs, Callable[[], bool]], None]
    give_up: Callable[[Any, TaskArgs, Exception | None], None]

    def attempt(self, runtime: Any, args: TaskArgs, stop: Callable[[], bool], last: bool) -> None:
        """One run; when it fails and it was the last attempt, give up first, then raise."""
        try:
            self.run(runtime, args, stop)
        except GiveBack:
            TASKS.labels(self.name, "given_back").inc()
            raise
        except Exception as error:
            TASKS.labels(self.name, "gave_up" if last else "failed").inc()
            if last:
                try:
                    self.give_up(runtime, args, error)
                except Exception:
                    logger.exception("task %s %s could not give up", self.name, args)
            raise
        TASKS.labels(self.name, "done").inc()


def conninfo(database_url: str) -> str:
    """libpq's form of a SQLAlchemy PostgreSQL URL (its options, e.g. search_path, kept)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _procrastinate_task(task: Task, max_attempts: int) -> Callable[..., None]:
    def run(context: JobContext, **args: Any) -> None:
        runtime = context.additional_context[RUNTIME]
        last = context.job.attempts + 1 >= max_attempts
        try:
            task.attempt(runtime, args, context.should_abort, last)
        except GiveBack:
            raise JobAborted("the worker is stopping: the task goes back to the queue") from None

    return run


def make_queue(settings: Settings, tasks: Iterable[Task]) -> App:
    """procrastinate's app on the PostgreSQL database, with these tasks; not opened yet."""
    connector = PsycopgConnector(conninfo=conninfo(settings.database_url), min_size=1, max_size=4)
    queue = App(connector=connector)
    # A failed run is tried again after 1, 3, 5 ... s: a short database outage is ridden out.
    retry = RetryStrategy(max_attempts=settings.job_max_attempts - 1, wait=1, linear_wait=2)
    for task in tasks:
        function = _procrastinate_task(task, settings.job_max_attempts)
        queue.task(name=task.name, queue=QUEUE_NAME, pass_context=True, retry=retry)(function)
    return queue


def transactional_defer(queue: App, settings: Settings) -> Defer:
    """How a step defers tasks from inside one of its transactions: procrastinate's own
    insert, on the session's connection, so it commits or rolls back with the step."""
    manager = JobManager(SyncPsycopgConnector(conninfo=conninfo(settings.database_url)))

    def defer_in_transaction(session: Session, name: str, args: list[TaskArgs]) -> None:
        if not args:
            return
        connection = session.connection().connection.driver_connection
        template = queue.configure_task(name, allow_unknown=False).job
        JobDeferrer(manager, template, connection).batch_defer(*args)

    return defer_in_transaction
