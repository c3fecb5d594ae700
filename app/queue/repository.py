"""All SQL about a job's staged (sealed) file and chunks."""

from collections.abc import Sequence

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from app.core.models import JobChunk, JobFile


class StagingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_file(self, import_id: int, sealed: bytes) -> None:
        self.session.add(JobFile(import_id=import_id, sealed=sealed))
        self.session.flush()

    def file(self, import_id: int) -> bytes | None:
        query = select(JobFile.sealed).where(JobFile.import_id == import_id)
        return self.session.scalar(query)

    def replace_file_with_chunks(self, import_id: int, chunks: Sequence[JobChunk]) -> None:
        """The file's valid rows as chunks; the file itself is not needed any more."""
        self.session.execute(delete(JobChunk).where(JobChunk.import_id == import_id))
        self.session.add_all(chunks)
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))
        self.session.flush()

    def chunk(self, import_id: int, start: int) -> JobChunk | None:
        return self.session.get(JobChunk, (import_id, start))

    def unhashed_starts(self, import_id: int) -> list[int]:
        query = select(JobChunk.start).where(
            JobChunk.import_id == import_id, JobChunk.hashes.is_(None)
        )
        return list(self.session.scalars(query.order_by(JobChunk.start)))

    def store_hashes(self, import_id: int, start: int, hashes: str) -> bool:
        """The chunk's hashes, unless another run stored them first; True when stored."""
        query = (
            update(JobChunk)
            .where(
                JobChunk.import_id == import_id,
                JobChunk.start == start,
                JobChunk.hashes.is_(None),
            )
            .values(hashes=hashes)
        )
        return bool(self.session.execute(query).rowcount)  # type: ignore[attr-defined]

    def chunks(self, import_id: int) -> Sequence[JobChunk]:
        query = select(JobChunk).where(JobChunk.import_id == import_id)
        return self.session.scalars(query.order_by(JobChunk.start)).all()

    def discard(self, import_id: int) -> None:
        """Everything staged for the job: it ended, whatever the way."""
        self.session.execute(delete(JobChunk).where(JobChunk.import_id == import_id))
        self.session.execute(delete(JobFile).where(JobFile.import_id == import_id))

    def staged_count(self) -> int:
        """Files and chunks staged for any job (for tests and operators)."""
        files = self.session.scalar(select(func.count()).select_from(JobFile)) or 0
        chunks = self.session.scalar(select(func.count()).select_from(JobChunk)) or 0
        return files + chunks


class QueueRepository:
    """What procrastinate's tables (PostgreSQL) say of the import queue, for /readyz."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def live_workers(self, stalled_seconds: float) -> int:
        query = text(
            "SELECT count(*) FROM procrastinate_workers "
            "WHERE last_heartbeat > now() - make_interval(secs => :seconds)"
        )
        return int(self.session.execute(query, {"seconds": stalled_seconds}).scalar_one())

    def waiting_tasks(self, queue_name: str) -> int:
        query = text(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' AND queue_name = :queue"
        )
        return int(self.session.execute(query, {"queue": queue_name}).scalar_one())
