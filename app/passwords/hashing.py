"""argon2id hashing in a worker pool: argon2 releases the GIL, so threads use every core."""

import asyncio
import contextlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError

from app.core.config import Settings

# Hashing threads run at a lower OS priority: they still use every idle cycle, but the event
# loop (health checks, listings, uploads) gets a core as soon as it has work.
HASHING_NICENESS = 10


def lower_thread_priority() -> None:
    """Hashing is batch work: the calling thread yields a core to the event loop first."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux: keep the default
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


def argon2id(settings: Settings) -> PasswordHasher:
    """The service's argon2id parameters; one hasher may be used from many threads."""
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
        type=Type.ID,
    )


class PasswordHasherPool:
    def __init__(self, hasher: PasswordHasher, workers: int) -> None:
        self._hasher = hasher
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="argon2", initializer=lower_thread_priority
        )
        self.workers = workers

    @classmethod
    def from_settings(cls, settings: Settings) -> "PasswordHasherPool":
        return cls(argon2id(settings), workers=settings.hash_workers)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hash_all(self, passwords: Sequence[str]) -> list[str]:
        """PHC strings in the order given; the caller awaits without holding a thread."""
        futures = [asyncio.wrap_future(self._pool.submit(self.hash, p)) for p in passwords]
        return await asyncio.gather(*futures)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
