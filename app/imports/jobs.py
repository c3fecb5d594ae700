"""Large imports as background jobs: all or nothing, state in the database, restart-safe.

A job validates every row before it hashes any password, and inserts every user in one
transaction at the end. Its state and progress are written as it goes, so any replica can
answer for it; a job whose process stopped is marked failed, never left running.
"""

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.codes import RowCode
from app.config import Settings
from app.imports.repository import ImportRepository
from app.imports.schemas import UNFINISHED, ImportStatus
from app.imports.service import (
    check_directory,
    describe,
    insert_users,
    log_attempt,
    passwords_of,
    refuse,
)
from app.imports.upload import Upload
from app.imports.validation_pool import FileValidator
from app.models import UserImport, utcnow
from app.schemas import RowError
from app.security.passwords import PasswordHasherPool
from app.users.repository import UserRepository

logger = logging.getLogger("userimport.jobs")
HOST = socket.gethostname()
# Progress is written every this many hashes; a few hashes per worker are kept in flight, so
# synchronous imports queue behind a handful of a job's hashes, not all of them.
PROGRESS_EVERY = 256
HASHES_IN_FLIGHT_PER_WORKER = 4
INTERRUPTED = RowError(
    row=None,
    column=None,
    code=RowCode.INTERRUPTED,
    message="The service stopped while this import ran; nothing was added. Upload the file again.",
)


def interrupt(record: UserImport) -> None:
    record.status = ImportStatus.FAILED
    record.added = 0
    record.errors = [INTERRUPTED.model_dump()]
    record.error_count = 1


def is_stale(record: UserImport, now: datetime, stale_after: timedelta) -> bool:
    """An unfinished job whose worker has not reported for stale_after."""
    last = record.heartbeat_at or record.created_at
    return record.status in UNFINISHED and now - last > stale_after


class JobRunner:
    """Runs queued imports in a bounded pool of this process."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        hasher: PasswordHasherPool,
        settings: Settings,
        validator: FileValidator,
    ) -> None:
        self.session_factory = session_factory
        self.hasher = hasher
        self.validator = validator
        self.settings = settings
        self.instance_id = f"{HOST}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self.stale_after = timedelta(seconds=settings.job_stale_seconds)
        self._pool = ThreadPoolExecutor(settings.job_workers, thread_name_prefix="import-job")
        self._stopping = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def queue(self, session: Session, record: UserImport, rows: int) -> UserImport:
        """Store the record as a queued job of this process; submit it once it is committed."""
        record.status = ImportStatus.QUEUED
        record.rows = record.progress_total = rows
        record.worker_id = self.instance_id
        record.heartbeat_at = utcnow()
        return ImportRepository(session).add(record)

    def submit(self, import_id: int, upload: Upload) -> None:
        self._start_heartbeat()
        self._pool.submit(self._run_logged, import_id, upload)

    def _start_heartbeat(self) -> None:
        """Keep this process's jobs (queued ones too) fresh while it lives."""
        if self._heartbeat is None:
            self._heartbeat = threading.Thread(
                target=self._beat, name="import-job-heartbeat", daemon=True
            )
            self._heartbeat.start()

    def _beat(self) -> None:
        interval = self.stale_after.total_seconds() / 3
        while not self._stopping.wait(interval):
            try:
                with self.session_factory.begin() as session:
                    ImportRepository(session).touch_jobs(self.instance_id, utcnow())
            except Exception:
                logger.exception("import job heartbeat failed")

    def recover(self) -> int:
        """At start: fail the jobs an earlier process on this host left, and silent ones."""
        now = utcnow()
        with self.session_factory.begin() as session:
            failed = 0
            for record in ImportRepository(session).unfinished():
                earlier_here = (record.worker_id or "").startswith(f"{HOST}/")
                if (earlier_here and record.worker_id != self.instance_id) or is_stale(
                    record, now, self.stale_after
                ):
                    interrupt(record)
                    failed += 1
        if failed:
            logger.warning("marked %d interrupted import job(s) failed", failed)
        return failed

    def shutdown(self, wait: bool = False) -> None:
        self._stopping.set()  # running jobs stop at their next report; the next start fails them
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _run_logged(self, import_id: int, upload: Upload) -> None:
        try:
            self._run(import_id, upload)
        except Exception:
            logger.exception("import job %s failed", import_id)
            with self.session_factory.begin() as session:
                record = ImportRepository(session).get(import_id)
                if record is not None and record.status in UNFINISHED:
                    interrupt(record)

    def _report(self, import_id: int, status: ImportStatus, done: int) -> bool:
        """Write the job's step and progress; False when it must stop (taken as interrupted)."""
        if self._stopping.is_set():
            return False
        with self.session_factory.begin() as session:
            record = ImportRepository(session).get(import_id)
            if record is None or record.status not in UNFINISHED:
                return False
            if record.worker_id != self.instance_id:
                return False
            record.status = status
            record.progress_done = done
            record.heartbeat_at = utcnow()
        return True

    def _run(self, import_id: int, upload: Upload) -> None:
        started = time.perf_counter()
        settings = self.settings
        if not self._report(import_id, ImportStatus.VALIDATING, 0):
            return
        validation = self.validator.validate_blocking(upload.data)
        with self.session_factory() as session:
            record = ImportRepository(session).get(import_id)
            assert record is not None
            describe(record, validation)
            checker, errors, count = check_directory(validation, UserRepository(session))
            if checker is None:
                refuse(record, errors, count, settings.max_errors)
                session.commit()
                log_attempt(record, started)
                return
            session.commit()
        passwords = passwords_of(checker)
        hashes: list[str] = []
        if not self._report(import_id, ImportStatus.HASHING, 0):
            return
        window = HASHES_IN_FLIGHT_PER_WORKER * self.hasher.workers
        for password_hash in self.hasher.hash_stream(passwords, window):
            hashes.append(password_hash)
            if len(hashes) % PROGRESS_EVERY == 0 and not self._report(
                import_id, ImportStatus.HASHING, len(hashes)
            ):
                return
        if not self._report(import_id, ImportStatus.INSERTING, 0):
            return
        with self.session_factory() as session:
            record = ImportRepository(session).get(import_id, for_update=True)
            if record is None or record.status != ImportStatus.INSERTING:
                return  # taken as interrupted while hashing: nothing is written
            insert_users(session, record, checker, hashes, settings.max_errors)
            session.commit()
            log_attempt(record, started)
