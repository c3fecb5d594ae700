"""A lease kept alive while work runs: renewed in the background every third of its length,
so a process that dies stops renewing it and the lease ends one length later."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta


class Renewal:
    """renew() called every third of the lease until stop(); a failed call (the database
    away) is left to the next one."""

    def __init__(self, lease: timedelta, renew: Callable[[], Awaitable[None]]) -> None:
        self._every = lease.total_seconds() / 3
        self._renew = renew
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            with contextlib.suppress(Exception):
                await self._renew()

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@contextlib.asynccontextmanager
async def renewed(lease: timedelta, renew: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """The lease renewed while the block runs."""
    renewal = Renewal(lease, renew)
    try:
        yield
    finally:
        await renewal.stop()
