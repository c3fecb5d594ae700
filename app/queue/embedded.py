"""The embedded runner (SQLite): no queue of its own. The domain's state is the queue: `owed`
reads from the database the tasks still owed (a job's status and its staged chunks say which),
and they run here on threads of their own. Deferring a task only wakes the runner once its
transaction commits, so a task never runs before its cause is written, and a restart resumes
every unfinished job by the same reading. Retries and giving up follow the queue's rules.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.queue.tasks import GiveBack, Task, TaskArgs

logger = logging.getLogger("userimport.jobs")
IDLE_POLL_SECONDS = 2.0  # how often the state is read when nothing woke the runner
GRACEFUL_SECONDS = 10  # a stopping runner lets running tasks end (or give back) this long

Owed = Callable[[], list[tuple[str, TaskArgs]]]


class EmbeddedRunner:
    def __init__(
        self,
        tasks: Iterable[Task],
        runtime: Any,
        owed: Owed,
        concurrency: int,
        max_attempts: int,
    ) -> None:
        self.tasks = {task.name: task for task in tasks}
        self.runtime = runtime
        self.owed = owed
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self._threads = ThreadPoolExecutor(concurrency, thread_name_prefix="job")
        self._running: dict[tuple[str, str], asyncio.Future[None]] = {}
        self._attempts: dict[tuple[str, str], int] = {}
        self._not_before: dict[tuple[str, str], float] = {}
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None

    def defer(self, session: Session, _name: str, args: list[TaskArgs]) -> None:
        """The tasks are owed once the transaction commits: wake the runner then."""
        if args:
            event.listen(session, "after_commit", lambda _session: self.wake(), once=True)

    def wake(self) -> None:
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._main = asyncio.create_task(self._run_owed())

    async def stop(self) -> None:
        # A flag, not a cancellation: asyncio.wait_for (3.11) swallows a cancellation that
        # arrives as the event it waits for is set, and the loop would then run on forever.
        self._stopping = True
        if self._main is not None:
            self.wake()
            await self._main
        if self._running:
            await asyncio.wait(list(self._running.values()), timeout=GRACEFUL_SECONDS)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _read_owed(self) -> list[tuple[str, TaskArgs]]:
        try:
            return self.owed()
        except Exception:  # the database is away: read again later
            logger.warning("could not read the jobs' state; trying again", exc_info=True)
            return []

    async def _run_owed(self) -> None:
        assert self._loop is not None and self._wake is not None
        while not self._stopping:
            self._wake.clear()
            owed = await self._loop.run_in_executor(None, self._read_owed)
            keys = set()
            for name, args in owed:
                key = (name, json.dumps(args, sort_keys=True))
                keys.add(key)
                ready = self._not_before.get(key, 0.0) <= time.monotonic()
                if key in self._running or not ready or name not in self.tasks:
                    continue
                if len(self._running) >= self.concurrency or self._stopping:
                    break
                future = self._loop.run_in_executor(
                    self._threads, self._attempt, key, self.tasks[name], args
                )
                self._running[key] = future
                future.add_done_callback(partial(self._finished, key))
            for gone in set(self._attempts) - keys - set(self._running):  # done with
                self._attempts.pop(gone, None)
                self._not_before.pop(gone, None)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)

    def _attempt(self, key: tuple[str, str], task: Task, args: TaskArgs) -> None:
        attempts = self._attempts[key] = self._attempts.get(key, 0) + 1
        last = attempts >= self.max_attempts
        try:
            task.attempt(self.runtime, args, lambda: self._stopping, last)
        except GiveBack:
            pass
        except Exception:
            # Tried again after 1, 3, 5 ... s, as the queue's retry strategy does.
            self._not_before[key] = time.monotonic() + 1 + 2 * (attempts - 1)
            logger.warning("task %s %s failed (attempt %d)", *key, attempts, exc_info=True)

    def _finished(self, key: tuple[str, str], _future: "asyncio.Future[None]") -> None:
        self._running.pop(key, None)
        if self._wake is not None:
            self._wake.set()
