"""What an upload becomes, decided once from one reading of it: refused, imported during the
request (sync), or a job (app/imports/http/dispatch.py acts on it); and where it is read: a small
file in a thread, a large one in a worker process. Light on purpose: the worker processes'
fork server preloads this module.

The row checks are pure Python: a 100,000-row file holds a GIL for about half a second. In the
server process that would stall every other request, so files with more lines than the
synchronous limit (dry runs included) are read and checked in a process pool of their own.
"""

import asyncio
import contextlib
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import anyio.to_thread

from app.core.config import Settings
from app.core.processes import end_with
from app.imports.reading.file_parts import merge_parts
from app.imports.reading.limits import FileLimits, Scope
from app.imports.reading.validation import Validation, check_scope, validate_file

CHECKING_NICENESS = 10  # as the hashing threads (app/passwords/hashing.py)
COUNTED_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class JobPlan:
    """The file is too long to import during the request: run it as a job of this many rows."""

    rows: int


def plan_file(
    data: bytes,
    settings: Settings,
    dry_run: bool,
    keep_cells: bool = False,
    keep_passwords: bool = False,
) -> Validation | JobPlan:
    """One reading: a job for an import of more rows than the synchronous limit (and at most
    max_rows); the file's verdict otherwise (refused when it has errors or too many rows).
    A dry run is always answered at once."""
    job_above = None if dry_run else settings.sync_max_rows
    validation = validate_file(
        data,
        FileLimits.from_settings(settings, keep_passwords=keep_passwords),
        keep_users=not dry_run,
        job_above=job_above,
        keep_cells=keep_cells,
    )
    return JobPlan(validation.rows) if validation.job_sized else validation


_processes: ProcessPoolExecutor | None = None


def _start_worker(server: int) -> None:
    """Checking files is batch work: the server's event loop gets a core first. And a worker
    ends with its server, however the server ends (SIGKILL too): the worker holds both ends of
    its own queue's pipes, so it would never see them close, and it keeps the fork server and
    the resource tracker alive in turn; they end once the workers have. Ctrl+C in a terminal
    reaches the whole process group: the server stops its workers itself, so they ignore it
    (no traceback from each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # not Unix: keep the default
        os.nice(CHECKING_NICENESS)
    end_with(server)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per server process, started on first use. Its workers fork from a clean
    server process that has imported the checks already (forkserver): quick to start, and
    never a fork of this process's threads."""
    global _processes
    if _processes is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["app.imports.plan.file_check"])
        _processes = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
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

    def in_process(self, data: bytes) -> bool:
        """Where a file is read: the one decision. Line ends are counted in C (the header's
        too): UTF-16's are found as well, quoted line breaks overcount."""
        limit, lines = self.settings.sync_max_rows + 1, 0
        for start in range(0, len(data), COUNTED_BYTES):  # a slice at a time: a big file is
            lines += data.count(b"\n", start, start + COUNTED_BYTES)  # known at its first
            if lines > limit:  # slice, and the event loop is not held for the whole of it
                return True
        return False

    async def plan(
        self, data: bytes, dry_run: bool, keep_cells: bool = False, keep_passwords: bool = False
    ) -> Validation | JobPlan:
        """What the upload becomes (plan_file), read in a thread or a worker process.
        keep_passwords: on_existing=update (an empty Password keeps the user's own)."""
        settings = self.settings
        plan = partial(plan_file, keep_cells=keep_cells, keep_passwords=keep_passwords)
        if not self.in_process(data):
            return await anyio.to_thread.run_sync(plan, data, settings, dry_run)
        workers = settings.max_concurrent_imports
        pool = _process_pool(workers)
        loop = asyncio.get_running_loop()
        if not dry_run or workers == 1 or keep_cells:
            return await loop.run_in_executor(pool, plan, data, settings, dry_run)
        # A dry run keeps no users: its rows are checked by every worker, a share each.
        checks = [
            loop.run_in_executor(
                pool,
                partial(validate_file, keep_users=False, part=n, parts=workers),
                data,
                FileLimits.from_settings(settings, keep_passwords=keep_passwords),
            )
            for n in range(workers)
        ]
        parts = list(await asyncio.gather(*checks))
        merged = await anyio.to_thread.run_sync(merge_parts, parts, self.settings.max_rows)
        if merged is None:  # a broken or over-long file: its verdict needs one reading
            return await loop.run_in_executor(pool, plan, data, settings, dry_run)
        return merged

    def validate_blocking(self, data: bytes, limits: FileLimits, scope: Scope) -> Validation:
        """A job's check (of a whole file or a part, as scope says), from the job's own
        thread, in a worker process when the data is large."""
        if not self.in_process(data):
            return check_scope(data, limits, scope)
        pool = _process_pool(self.settings.max_concurrent_imports)
        return pool.submit(check_scope, data, limits, scope).result()
