"""An upload too large to hold, received into a job's staged parts (app/imports/jobs/part_cutter.py
cuts them): its record is `receiving` from its first part to its last, then queued (an
import) or checked in parts during the request (a dry run, app/imports/http/dispatch.py). Each part
is sealed with no connection held and written in a transaction of its own; a request that
does not end in an import (a client gone, a refused request) leaves nothing behind.

An import's parts are checked by the workers as they arrive (each part's check deferred with
it), under the options the query gave; the form's fields may change them (on_existing), and
then the parts are checked again once the file is whole.
"""

import contextlib
from dataclasses import dataclass
from datetime import timedelta

import anyio.to_thread
from sqlalchemy.orm import Session

from app.core.leases import Renewal
from app.db.engine import Database
from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.imports.jobs.part_cutter import Part, PartCutter
from app.imports.jobs.runtime import CHECK_PART, VALIDATE, JobRuntime
from app.imports.jobs.staging.files import StagingRepository, part_context
from app.imports.options import ImportOptions
from app.imports.plan.sync_import import new_import
from app.imports.problems import ImportFinishedError
from app.imports.reading.limits import FileLimits
from app.imports.records import status
from app.imports.records.repository import ImportRepository
from app.imports.records.status import ImportStatus

# How long an upload is taken for alive without news from its request (renewed every third).
UPLOAD_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Received:
    """A whole file staged in parts."""

    import_id: int
    rows: int  # counted by line ends
    digest: str  # the file's SHA-256, hex
    apart: bool  # its parts can be checked apart
    encoding: str  # the file's, as a whole reading finds it (a part's may differ: ASCII only)
    checking: bool  # each part's check was deferred as it arrived


def _cancelled(import_id: int) -> ImportFinishedError:
    return ImportFinishedError(
        f"Import {import_id} was cancelled while its file was uploaded; nothing was added."
    )


class Reception:
    """One file arriving: fed its bytes in order, then ended or abandoned."""

    def __init__(self, db: Database, jobs: JobRuntime, record: UserImport, checking: bool) -> None:
        self.db = db
        self.jobs = jobs
        self.import_id = record.id
        self.checking = checking
        self.cutter = PartCutter(jobs.settings.job_part_rows)
        # Renewed until the request ends: the pruning tells a slow upload from a dead one.
        self.alive = Renewal(UPLOAD_LEASE, self._keep_alive)

    async def _keep_alive(self) -> None:
        until = utcnow() + UPLOAD_LEASE
        await self.db.run(lambda s: ImportRepository(s).keep_alive(self.import_id, until))

    @classmethod
    async def start(
        cls,
        db: Database,
        jobs: JobRuntime,
        assumed: ImportOptions | None,
        filename: str | None,
        created_by: str,
    ) -> "Reception":
        """assumed: the options the query gives, under which the parts are checked as they
        arrive; None (a dry run, maybe) when they are checked once the file is whole."""
        options = assumed or ImportOptions(dry_run=True)
        record = new_import(options, filename, created_by=created_by)
        record.limits = FileLimits.of_import(jobs.settings, options.on_existing).to_json()
        status.receiving(record)
        record.alive_until = utcnow() + UPLOAD_LEASE
        await db.run(lambda session: ImportRepository(session).add(record))
        return cls(db, jobs, record, checking=assumed is not None)

    async def feed(self, data: bytes) -> None:
        for part in self.cutter.feed(data):
            await self._write(part)

    async def _write(self, part: Part) -> None:
        context = part_context(self.import_id, part.number)
        sealed = await anyio.to_thread.run_sync(self.jobs.sealer.seal, part.data, context)

        def write(session: Session) -> None:
            # The record's shared lock: a cancel waits for it, parts checked meanwhile do not.
            record = ImportRepository(session).lock_shared(self.import_id)
            if record is None or not status.is_in(record, ImportStatus.RECEIVING):
                raise _cancelled(self.import_id)
            StagingRepository(session).add_part(
                self.import_id,
                part.number,
                part.first_row,
                sealed,
                None,
                head_bytes=part.head_bytes,
            )
            if self.checking:
                self.jobs.defer(
                    session, CHECK_PART, [{"import_id": self.import_id, "part": part.number}]
                )

        await self.db.run(write)

    async def end(self) -> Received:
        for part in self.cutter.finish():
            await self._write(part)
        cutter = self.cutter
        return Received(
            self.import_id,
            cutter.rows,
            cutter.digest.hexdigest(),
            cutter.apart,
            cutter.encoding,
            self.checking,
        )

    async def forget(self) -> None:
        """The request ended: a file it did not turn into an import (refused request,
        replayed answer, client gone) goes, record and parts."""
        await self.alive.stop()
        with contextlib.suppress(Exception):  # the database may be why: pruned later
            await self.db.run(lambda session: forget(session, self.import_id))


def _received(
    jobs: JobRuntime, session: Session, received: Received, options: ImportOptions
) -> tuple[UserImport, bool]:
    """The record with the request's options; whether its parts' checks, deferred as they
    arrived, still hold (else what they staged goes, and they are checked again)."""
    record = ImportRepository(session).lock(received.import_id)
    if record is None or not status.is_in(record, ImportStatus.RECEIVING):
        raise _cancelled(received.import_id)
    limits = FileLimits.of_import(jobs.settings, options.on_existing).to_json()
    staging = StagingRepository(session)
    checking = received.checking and (record.limits, record.dry_run) == (limits, options.dry_run)
    if received.checking and not checking:
        staging.uncheck(received.import_id)
    record.limits = limits
    record.dry_run, record.on_existing = options.dry_run, options.on_existing.value
    staging.set_apart(received.import_id, received.apart, received.encoding)
    return record, checking


def queue_received(
    jobs: JobRuntime, session: Session, received: Received, options: ImportOptions
) -> UserImport:
    """The file is whole: its job is queued, or validating when its parts' checks were deferred
    as they arrived (one transaction)."""
    record, checking = _received(jobs, session, received, options)
    if checking:  # its parts are being checked already
        status.validating(record, received.rows)
    else:
        status.queued(record, received.rows)
    jobs.defer(session, VALIDATE, [{"import_id": record.id, "parts_queued": checking}])
    return record


def check_received(
    jobs: JobRuntime, session: Session, received: Received, options: ImportOptions
) -> UserImport:
    """The file of a dry run is whole: its parts are checked next, during the request."""
    record, _checking = _received(jobs, session, received, options)
    status.validating(record, received.rows)
    return record


def forget(session: Session, import_id: int) -> None:
    """A received file still `receiving` goes with its record, as if it had never come."""
    record = ImportRepository(session).lock(import_id)
    if record is not None and status.is_in(record, ImportStatus.RECEIVING):
        StagingRepository(session).discard(import_id)
        ImportRepository(session).delete(import_id)
