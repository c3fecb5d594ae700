"""All SQL about import records."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.elements import BindParameter

from app.db.models.directory import DirectoryUser
from app.db.models.imports import UserImport
from app.imports.records.status import UNFINISHED, ImportStatus


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: UserImport) -> UserImport:
        """Store the record and give it its id."""
        self.session.add(record)
        self.session.flush()
        return record

    def delete(self, import_id: int) -> None:
        self.session.execute(delete(UserImport).where(UserImport.id == import_id))

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

    def lock_shared(self, import_id: int) -> UserImport | None:
        """The record, read fresh under a shared lock (PostgreSQL: FOR SHARE) until the
        transaction ends: steps that may run side by side (a job's parts) hold it, and a
        change of status (lock) waits for them, and they for it."""
        query = select(UserImport).where(UserImport.id == import_id).with_for_update(read=True)
        return self.session.scalars(query.execution_options(populate_existing=True)).first()

    def unfinished_by_status(self) -> dict[str, int]:
        query = (
            select(UserImport.status, func.count())
            .where(UserImport.status.in_(UNFINISHED))
            .group_by(UserImport.status)
        )
        return {str(row[0]): int(row[1]) for row in self.session.execute(query)}

    def unfinished(self) -> Sequence[UserImport]:
        query = select(UserImport).where(UserImport.status.in_(UNFINISHED))
        return self.session.scalars(query).all()

    def keep_alive(self, import_id: int, until: datetime) -> None:
        """Its request still receives (or checks) the file."""
        query = update(UserImport).where(UserImport.id == import_id).values(alive_until=until)
        self.session.execute(query, execution_options={"synchronize_session": False})

    def stale_uploads(self, now: datetime, cutoff: datetime) -> Sequence[UserImport]:
        """Still arriving, or a dry run still being checked, whose lease ran out (or, made
        before leases, made before cutoff): the request that was doing it is gone. Locked
        (PostgreSQL) until the transaction ends."""
        query = (
            select(UserImport)
            .where(
                or_(
                    UserImport.alive_until < now,
                    UserImport.alive_until.is_(None) & (UserImport.created_at < cutoff),
                ),
                or_(
                    UserImport.status == ImportStatus.RECEIVING,
                    (UserImport.dry_run.is_(True)) & UserImport.status.in_(UNFINISHED),
                ),
            )
            .with_for_update()
        )
        return self.session.scalars(query).all()

    def delete_ended_before(self, cutoff: datetime) -> int:
        """Ended records made before cutoff, with their errors; their users stay (their
        import_id becomes NULL). A record locked by a step still running on it (a revert) is
        left for the next pruning: taken first, so the prune locks records, then users, in
        the revert's order (never a deadlock with it). How many records were deleted."""
        ended = (
            select(UserImport.id)
            .where(UserImport.created_at < cutoff, UserImport.status.not_in(UNFINISHED))
            .with_for_update(skip_locked=True)
        )
        ids = list(self.session.scalars(ended))
        if not ids:
            return 0
        chosen: BindParameter[int] = bindparam("ids", ids, expanding=True)
        self.session.execute(
            update(DirectoryUser)
            .where(DirectoryUser.import_id.in_(chosen))
            .values(import_id=None)
            .execution_options(synchronize_session=False)
        )
        deleted = self.session.execute(
            delete(UserImport)
            .where(UserImport.id.in_(chosen))
            .execution_options(synchronize_session=False)
        )
        return int(deleted.rowcount)  # type: ignore[attr-defined]

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
