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
