"""What procrastinate's tables (PostgreSQL) say of a queue: for /readyz and /metrics."""

from sqlalchemy import text
from sqlalchemy.orm import Session


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

    def delete_finished_before(self, seconds: float) -> int:
        """Tasks that ended (succeeded, failed, cancelled, aborted) longer ago than seconds,
        with their events."""
        query = text(
            "DELETE FROM procrastinate_jobs WHERE status IN "
            "('succeeded', 'failed', 'cancelled', 'aborted') AND id IN ("
            "SELECT job_id FROM procrastinate_events GROUP BY job_id "
            "HAVING max(at) < now() - make_interval(secs => :seconds))"
        )
        deleted = self.session.execute(query, {"seconds": seconds})
        return int(deleted.rowcount)  # type: ignore[attr-defined]

    def delete_dead_workers(self, stalled_seconds: float) -> int:
        """Workers silent for longer than stalled_seconds (their tasks run elsewhere)."""
        query = text("SELECT count(*) FROM procrastinate_prune_stalled_workers_v1(:seconds)")
        return int(self.session.execute(query, {"seconds": stalled_seconds}).scalar_one())
