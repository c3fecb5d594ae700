"""All SQL about import records."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from app.imports.schemas import UNFINISHED
from app.models import UserImport


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: UserImport) -> UserImport:
        """Store the record and give it its id."""
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, import_id: int, *, for_update: bool = False) -> UserImport | None:
        """The record; for_update locks its row (PostgreSQL) until the transaction ends."""
        return self.session.get(UserImport, import_id, with_for_update=for_update or None)

    def lock(self, import_id: int) -> UserImport | None:
        """The record, read fresh after taking its write lock (a no-op UPDATE: a row lock
        on PostgreSQL, the database's write lock on SQLite) until the transaction ends. Every
        change of a job's state goes through it, so two changes never interleave."""
        query = update(UserImport).where(UserImport.id == import_id).values(id=UserImport.id)
        self.session.execute(query)
        return self.session.get(UserImport, import_id, populate_existing=True)

    def unfinished(self) -> Sequence[UserImport]:
        query = select(UserImport).where(UserImport.status.in_(UNFINISHED))
        return self.session.scalars(query).all()

    def page(self, limit: int, before_id: int | None = None) -> Sequence[UserImport]:
        """Newest first, limit + 1 of them (to tell if more follow); their error lists are
        not loaded, so a page stays small whatever the imports' errors."""
        query = (
            select(UserImport)
            .options(defer(UserImport.errors, raiseload=True))
            .order_by(UserImport.id.desc())
            .limit(limit + 1)
        )
        if before_id is not None:
            query = query.where(UserImport.id < before_id)
        return self.session.scalars(query).all()
