"""argon2id hashing in a worker pool: argon2 releases the GIL, so threads use every core."""

import asyncio
import contextlib
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError

from app.config import Settings

# Hashing threads run at a lower OS priority: they still use every idle cycle, but the event
# loop (health checks, listings, uploads) gets a core as soon as it has work.
HASHING_NICENESS = 10


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux: keep the default
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


class PasswordHasherPool:
    def __init__(self, time_cost: int, memory_cost: int, parallelism: int, workers: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="argon2", initializer=_lower_priority
        )
        self.workers = workers

    @classmethod
    def from_settings(cls, settings: Settings) -> "PasswordHasherPool":
        return cls(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost,
            parallelism=settings.argon2_parallelism,
            workers=settings.hash_workers,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hash_all(self, passwords: Sequence[str]) -> list[str]:
        """PHC strings in the order given; the caller awaits without holding a thread."""
        futures = [asyncio.wrap_future(self._pool.submit(self.hash, p)) for p in passwords]
        return await asyncio.gather(*futures)

    def hash_stream(self, passwords: Sequence[str], window: int) -> Iterator[str]:
        """Hashes in order with at most `window` in flight: no pause between batches, and
        other imports' hashes are served in between."""
        pending: deque[Future[str]] = deque()
        upcoming = iter(passwords)
        for password in upcoming:
            pending.append(self._pool.submit(self.hash, password))
            if len(pending) >= window:
                break
        while pending:
            done = pending.popleft().result()
            for password in upcoming:
                pending.append(self._pool.submit(self.hash, password))
                break
            yield done

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
