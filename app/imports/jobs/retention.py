"""What is kept, and for how long: ended import records (with their errors) and the users'
events for USERIMPORT_RETENTION_DAYS, idempotency records until they expire, finished queue
tasks as long as import records, a worker's row while it reports, nothing that a job which
ended left staged. An upload still arriving,
or a dry run still checked, whose lease ran out (its request renews it while it runs; a
record from before leases: after STALE_UPLOAD) belonged to a web process that stopped: it
fails as interrupted and what it staged goes. A slow upload that is still arriving is left
alone. Users are never pruned."""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.db.engine import Database
from app.db.models.base import utcnow
from app.directory.events import EventRepository
from app.imports.jobs.staging.files import StagingRepository
from app.imports.records import status
from app.imports.records.idempotency_keys import IdempotencyRepository
from app.imports.records.repository import ImportRepository
from app.queue.repository import QueueRepository

logger = logging.getLogger("userimport.retention")
STALE_UPLOAD = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Pruned:
    imports: int
    idempotency_records: int
    queue_tasks: int
    dead_workers: int
    stale_uploads: int = 0
    events: int = 0
    staged_rows: int = 0  # what ended jobs left staged (a crash between commit and clearing)


def prune(session: Session, settings: Settings, older_than: timedelta) -> Pruned:
    """Delete, in the session's transaction, what is older than older_than (0: every ended
    import record) and everything expired; never a user, never an unfinished job's record."""
    now = utcnow()
    stale = ImportRepository(session).stale_uploads(now, now - STALE_UPLOAD)
    for record in stale:
        if status.is_in(record, status.ImportStatus.RECEIVING):
            status.upload_interrupted(record)
        else:
            status.interrupted(record)
        StagingRepository(session).discard(record.id)
    left_behind = StagingRepository(session).discard_left_behind(status.UNFINISHED)
    imports = ImportRepository(session).delete_ended_before(utcnow() - older_than)
    events = EventRepository(session).delete_before(utcnow() - older_than)
    idempotency = IdempotencyRepository(session).delete_expired()
    tasks = workers = 0
    if settings.uses_postgresql:
        queue = QueueRepository(session)
        tasks = queue.delete_finished_before(older_than.total_seconds())
        workers = queue.delete_dead_workers(settings.worker_stalled_seconds)
    return Pruned(imports, idempotency, tasks, workers, len(stale), events, left_behind)


async def prune_periodically(db: Database, settings: Settings) -> None:
    """At start, then every USERIMPORT_PRUNE_INTERVAL_HOURS (each web process; the deletes are
    idempotent, so several processes doing it costs nothing but a query)."""
    older_than = timedelta(days=settings.retention_days)
    while True:
        with contextlib.suppress(Exception):  # the database may be away: next time
            pruned = await db.run(lambda session: prune(session, settings, older_than))
            if pruned != Pruned(0, 0, 0, 0):
                logger.info("pruned %s", pruned)
        await asyncio.sleep(settings.prune_interval_hours * 3600)
