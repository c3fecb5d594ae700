"""A request run once under an Idempotency-Key (app/imports/idempotency.py: the key, the
fingerprint, the answer kept): the key is claimed, the request runs while the claim's lease is
renewed, and its answer is kept; a retry gets the kept answer instead. POST /imports and
POST /imports/{id}/revert both run this way."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import IdempotencyInProgressError, IdempotencyKeyReusedError
from app.imports.idempotency import Answer
from app.imports.repository import IdempotencyRepository


@contextlib.asynccontextmanager
async def _renewed(db: Database, owner: str, key: str, lease: timedelta) -> AsyncIterator[None]:
    """The claim is renewed every third of its lease while the request runs, so it outlives a
    process that died only by one lease."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            with contextlib.suppress(Exception):  # a missed renewal: the next one may work
                await db.run(lambda s: IdempotencyRepository(s).renew(owner, key, lease))

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def run_once(
    db: Database,
    settings: Settings,
    owner: str,
    key: str,
    request: str,
    work: Callable[[], Awaitable[Answer]],
    reused: str,
) -> tuple[Answer, bool]:
    """The answer of work() run under the key, or (a retry of the same request) the answer
    kept of its first run; True when it is the kept one. reused: what a key used for another
    request is told (422)."""
    ttl = timedelta(hours=settings.idempotency_ttl_hours)
    lease = timedelta(seconds=settings.idempotency_lease_seconds)
    kept = await db.run(lambda s: IdempotencyRepository(s).claim(owner, key, request, ttl, lease))
    if kept is not None:
        if kept.fingerprint != request:
            raise IdempotencyKeyReusedError(reused)
        if kept.status_code is None or kept.body is None:
            raise IdempotencyInProgressError(
                "The first request with this Idempotency-Key is still running; retry shortly."
            )
        return Answer(kept.status_code, kept.body, kept.location, kept.csv_errors), True
    try:
        async with _renewed(db, owner, key, lease):
            answer = await work()
    except BaseException:  # no answer worth keeping (busy, database away): a retry runs it
        with contextlib.suppress(Exception):  # the database may be the reason
            await db.run(lambda s: IdempotencyRepository(s).release(owner, key))
        raise
    await db.run(lambda s: IdempotencyRepository(s).complete(owner, key, answer))
    return answer, False
