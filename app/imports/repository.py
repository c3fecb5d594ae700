"""All SQL about import records."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import UserImport


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: UserImport) -> UserImport:
        """Store the record and give it its id."""
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, import_id: int) -> UserImport | None:
        return self.session.get(UserImport, import_id)

    def page(self, limit: int, before_id: int | None = None) -> Sequence[UserImport]:
        """Newest first, limit + 1 of them (to tell if more follow)."""
        query = select(UserImport).order_by(UserImport.id.desc()).limit(limit + 1)
        if before_id is not None:
            query = query.where(UserImport.id < before_id)
        return self.session.scalars(query).all()
