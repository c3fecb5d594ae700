"""argon2id hashing in a worker pool: argon2 releases the GIL, so threads use every core."""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import VerificationError

from app.config import Settings


class PasswordHasherPool:
    def __init__(self, time_cost: int, memory_cost: int, parallelism: int, workers: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
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

    def hash_many(self, passwords: Sequence[str]) -> list[str]:
        """PHC strings in the order given; blocks the calling thread, never the event loop."""
        return list(self._pool.map(self.hash, passwords))

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
