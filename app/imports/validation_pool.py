"""Where a file is checked: a small one in a thread, a large one in a worker process.

The row checks are pure Python: a 100,000-row file holds a GIL for about half a second. In the
server process that would stall every other request, so files with more lines than the
synchronous limit (dry runs included) are read and checked in a process pool of their own.
"""

import asyncio
import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import anyio.to_thread

from app.core.config import Settings
from app.imports.validation import Validation, count_user_rows, merge_parts, validate_file

CHECKING_NICENESS = 10  # as the hashing threads (app/passwords/hashing.py)


@dataclass(frozen=True, slots=True)
class JobPlan:
    """The file is too long to import during the request: run it as a job of this many rows."""

    rows: int


def plan_file(data: bytes, settings: Settings, dry_run: bool) -> Validation | JobPlan:
    """A job for an import above the synchronous limit; the file's verdict otherwise."""
    if not dry_run:
        rows = count_user_rows(data)
        if rows is not None and settings.sync_max_rows < rows <= settings.max_rows:
            return JobPlan(rows)
    return validate_file(data, settings, keep_users=not dry_run)


def _check_share(part: int, parts: int, data: bytes, settings: Settings) -> Validation:
    return validate_file(data, settings, keep_users=False, part=part, parts=parts)


_processes: ProcessPoolExecutor | None = None


def _lower_priority() -> None:
    """Checking files is batch work: the server's event loop gets a core first."""
    with contextlib.suppress(AttributeError, OSError):  # not Unix: keep the default
        os.nice(CHECKING_NICENESS)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per server process, started on first use. Its workers fork from a clean
    server process that has imported the checks already (forkserver): quick to start, and
    never a fork of this process's threads."""
    global _processes
    if _processes is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["app.imports.validation_pool"])
        _processes = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_lower_priority
        )
    return _processes


def shutdown_processes() -> None:
    global _processes
    if _processes is not None:
        _processes.shutdown(wait=True, cancel_futures=True)
        _processes = None


class FileValidator:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def is_large(self, data: bytes) -> bool:
        # Line ends, counted in C (the header's too): UTF-16's are found as well, quoted line
        # breaks overcount.
        return data.count(b"\n") > self.settings.sync_max_rows + 1

    async def plan(self, data: bytes, dry_run: bool) -> Validation | JobPlan:
        if not self.is_large(data):
            return await anyio.to_thread.run_sync(plan_file, data, self.settings, dry_run)
        workers = self.settings.max_concurrent_imports
        pool = _process_pool(workers)
        loop = asyncio.get_running_loop()
        if not dry_run or workers == 1:
            return await loop.run_in_executor(pool, plan_file, data, self.settings, dry_run)
        # A dry run keeps no users: its rows are checked by every worker, a share each.
        checks = [
            loop.run_in_executor(
                pool,
                partial(validate_file, keep_users=False, part=n, parts=workers),
                data,
                self.settings,
            )
            for n in range(workers)
        ]
        parts = list(await asyncio.gather(*checks))
        merged = await anyio.to_thread.run_sync(merge_parts, parts, self.settings.max_rows)
        if merged is None:  # a broken or over-long file: its verdict needs one reading
            return await loop.run_in_executor(pool, plan_file, data, self.settings, dry_run)
        return merged

    def validate_blocking(self, data: bytes) -> Validation:
        """A job's check, from the job's own thread: the users are kept for hashing."""
        if not self.is_large(data):
            return validate_file(data, self.settings)
        pool = _process_pool(self.settings.max_concurrent_imports)
        return pool.submit(validate_file, data, self.settings).result()
