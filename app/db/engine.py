"""Engine, sessions, and the one way a request reaches the database: a short transaction in a
worker thread of a bounded pool, never held while the request waits on anything else."""

import logging
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import uses_postgresql

SQLITE_BUSY_TIMEOUT_SECONDS = 30
# A thread that waits this long for a pooled connection gives up (answered as a 503).
POOL_TIMEOUT_SECONDS = 10
T = TypeVar("T")
logger = logging.getLogger("userimport.db")
# PostgreSQL's deadlock_detected and serialization_failure: two writers crossed; the one the
# database chose to stop is run again (its transaction was rolled back whole).
CONFLICT_STATES = frozenset({"40P01", "40001"})
CONFLICT_ATTEMPTS = 5


def is_conflict(error: BaseException) -> bool:
    """A deadlock or serialization failure: the transaction may simply be run again."""
    return isinstance(error, DBAPIError) and (
        getattr(error.orig, "sqlstate", None) in CONFLICT_STATES
    )


def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """work(session) in one transaction, run again (a few times, after a short random pause)
    when the database stopped it to break a deadlock with another writer. work must be safe
    to run twice: its transaction was rolled back whole."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            with sessions.begin() as session:
                return work(session)
        except DBAPIError as error:
            if not is_conflict(error) or attempt == CONFLICT_ATTEMPTS:
                raise
            logger.warning("transaction crossed another writer (attempt %d): run again", attempt)
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 (not a secret)
    raise AssertionError("unreachable")


def create_db_engine(
    url: str, *, pool_size: int = 5, max_overflow: int = 10, pool_timeout: float = 30
) -> Engine:
    """An engine whose error messages never carry row values (hide_parameters)."""
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if uses_postgresql(url):
        return create_engine(
            url,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args={"connect_timeout": 5},
            **pool,
        )
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # pysqlite opens a transaction only at the first write, so a slow import never holds
    # a read snapshot; concurrent writers wait for the lock instead of failing.
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        hide_parameters=True,
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """Raise if the database does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class Database:
    """Runs a unit of work in one short transaction on a thread of its own bounded pool.

    The pool has as many threads as the engine has connections for requests, so a thread
    never waits for a connection another request holds, and a request holds a connection
    only while its work runs: not while its body arrives, its passwords hash or its answer
    is written.
    """

    def __init__(self, url: str, request_connections: int, background_connections: int) -> None:
        self.engine = create_db_engine(
            url,
            pool_size=request_connections,
            max_overflow=background_connections,
            pool_timeout=POOL_TIMEOUT_SECONDS,
        )
        self.sessions = create_session_factory(self.engine)
        # Readiness has a connection of its own, so a busy pool never makes it wait.
        self.probe_engine = create_db_engine(url, pool_size=1, max_overflow=0, pool_timeout=2)
        self._slots = request_connections
        self._limiter: anyio.CapacityLimiter | None = None

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        return in_transaction(self.sessions, work)

    async def run(self, work: Callable[[Session], T]) -> T:
        """work(session) in a transaction that commits when it returns, rolls back if it
        raises (run again if it lost a deadlock: in_transaction); the session is closed
        before this returns."""
        if self._limiter is None:  # made on the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self._slots)
        return await anyio.to_thread.run_sync(self._in_transaction, work, limiter=self._limiter)

    async def ping(self) -> None:
        await anyio.to_thread.run_sync(ping, self.probe_engine)

    async def probe(self, work: Callable[[Session], T]) -> T:
        """work(session) on readiness's own connection (a read: nothing is committed)."""

        def run() -> T:
            with Session(self.probe_engine) as session:
                return work(session)

        return await anyio.to_thread.run_sync(run)

    def dispose(self) -> None:
        self.engine.dispose()
        self.probe_engine.dispose()


# A job's set-wise statements (its plan, its commit) hash and sort millions of staged rows:
# on PostgreSQL, memory for them not to spill to disk, for that transaction only.
SET_WISE_WORK_MEM = "64MB"


def for_set_wise_work(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{SET_WISE_WORK_MEM}'"))
