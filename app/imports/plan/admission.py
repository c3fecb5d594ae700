"""How many uploads are parsed and hashed at once, and how many may wait for their turn."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.imports.problems import TooManyImportsError


class ImportGate:
    """At most `running` imports at work; at most `waiting` queued behind them, the rest 429."""

    def __init__(self, running: int, waiting: int) -> None:
        self.running = running
        self.max_waiting = waiting
        self.waiting = 0
        self._slots = asyncio.Semaphore(running)

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        if self._slots.locked() and self.waiting >= self.max_waiting:
            raise TooManyImportsError(
                f"{self.running} imports are running and {self.waiting} are waiting; "
                "try again in a few seconds."
            )
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
