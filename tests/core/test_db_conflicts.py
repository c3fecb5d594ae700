"""Two writers that deadlock: the database stops one, and the service runs its transaction
again instead of answering 503 database_unavailable."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models.base import utcnow
from app.db.models.directory import DirectoryUser
from tests.conftest import POSTGRESQL_ONLY


@pytest.mark.parametrize("database_url", POSTGRESQL_ONLY, indirect=True)
def test_a_transaction_that_loses_a_deadlock_is_run_again(database_url: str) -> None:
    db = Database(database_url, request_connections=2, background_connections=0)
    now = utcnow()
    with db.sessions.begin() as session:
        session.add_all(
            DirectoryUser(email=f"{n}@example.com", email_key=f"{n}@example.com", name=n,
                          password_hash="x", force_change_password=False, created_at=now)
            for n in ("first", "second")
        )  # fmt: skip
    crossed = threading.Barrier(2, timeout=20)
    attempts: list[str] = []

    def rename(first: str, second: str, name: str) -> Callable[[Session], None]:
        def work(session: Session) -> None:
            attempts.append(name)
            for n, key in enumerate((first, second)):
                by_key = DirectoryUser.email_key == f"{key}@example.com"
                session.execute(update(DirectoryUser).where(by_key).values(name=name))
                if n == 0 and attempts.count(name) == 1:  # only their first runs cross
                    crossed.wait()

        return work

    try:
        with ThreadPoolExecutor(2) as pool:
            one = pool.submit(db._in_transaction, rename("first", "second", "one"))
            two = pool.submit(db._in_transaction, rename("second", "first", "two"))
            one.result(timeout=60), two.result(timeout=60)
        with db.sessions() as session:
            names = set(session.scalars(select(DirectoryUser.name)))
    finally:
        with db.sessions.begin() as session:
            session.execute(delete(DirectoryUser))
        db.dispose()

    assert sorted(attempts) == ["one", "one", "two"] or sorted(attempts) == ["one", "two", "two"]
    assert len(names) == 1  # the one run again wrote both users last, as one transaction
