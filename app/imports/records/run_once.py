"""A request run once under an Idempotency-Key (idempotency_keys.py: the key, the fingerprint,
the answer kept): the key is claimed, the request runs while the claim's lease is
renewed, and its answer is kept; a retry gets the kept answer instead. POST /imports and
POST /imports/{id}/revert both run this way."""

import contextlib
import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from app.core.config import Settings
from app.core.leases import renewed
from app.db.engine import Database
from app.db.models.base import utcnow
from app.imports.problems import IdempotencyInProgressError, IdempotencyKeyReusedError
from app.imports.records.idempotency_keys import Answer, IdempotencyRepository


def _seconds_left(until: datetime | None) -> int:
    """Whole seconds until a claim's lease ends (when a retry may take it over)."""
    if until is None:
        return 1
    return math.ceil((until - utcnow()).total_seconds())


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
                "The first request with this Idempotency-Key is still running (or its process "
                "stopped, and its claim ends with its lease); retry after Retry-After seconds.",
                _seconds_left(kept.lease_until),
            )
        return Answer(kept.status_code, kept.body, kept.location, kept.csv_errors), True
    try:
        # Renewed while it runs: a claim outlives a process that died by one lease only, and
        # its key is kept a TTL past the last renewal.
        renew = partial(db.run, lambda s: IdempotencyRepository(s).renew(owner, key, lease, ttl))
        async with renewed(lease, renew):
            answer = await work()
    except BaseException:  # no answer worth keeping (busy, database away): a retry runs it
        with contextlib.suppress(Exception):  # the database may be the reason
            await db.run(lambda s: IdempotencyRepository(s).release(owner, key))
        raise
    await db.run(lambda s: IdempotencyRepository(s).complete(owner, key, answer))
    return answer, False
