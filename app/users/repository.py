"""All SQL about directory users."""

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, func, insert, select
from sqlalchemy.orm import Session

from app.models import DirectoryUser

# Stays well under every database's bound-parameter limit (SQLite's is the lowest, 32766).
LOOKUP_BATCH = 5000


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        """Which of these lower-cased addresses the directory holds: one query per batch.

        PostgreSQL is sent the addresses as one text parameter, split by the server
        (= ANY(string_to_array(...))): building and parsing thousands of IN parameters, or
        an array parameter, cost more than the lookup itself (100,000 addresses: 0.10 s
        against 0.37 s for an array). Addresses never hold a line break."""
        if self.session.get_bind().dialect.name == "postgresql":
            joined = bindparam("keys", "\n".join(keys), String)
            split = func.string_to_array(joined, "\n", type_=ARRAY(String))
            query = select(DirectoryUser.email_key).where(DirectoryUser.email_key == any_(split))
            return set(self.session.scalars(query))
        found: set[str] = set()
        for batch in _batches(sorted(keys), LOOKUP_BATCH):
            query = select(DirectoryUser.email_key).where(DirectoryUser.email_key.in_(batch))
            found.update(self.session.scalars(query))
        return found

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """One executemany INSERT; the unique index refuses an address already stored."""
        if rows:
            self.session.execute(insert(DirectoryUser), rows)

    def page(
        self,
        limit: int,
        after_id: int | None = None,
        email_key: str | None = None,
        import_id: int | None = None,
    ) -> Sequence[DirectoryUser]:
        """Users in the order they were added, limit + 1 of them (to tell if more follow)."""
        query = select(DirectoryUser).order_by(DirectoryUser.id).limit(limit + 1)
        if after_id is not None:
            query = query.where(DirectoryUser.id > after_id)
        if email_key is not None:
            query = query.where(DirectoryUser.email_key == email_key)
        if import_id is not None:
            query = query.where(DirectoryUser.import_id == import_id)
        return self.session.scalars(query).all()
