"""All SQL of a job's commit: its staged users moved into the directory set-wise, a few
statements however many users, with what directory/writes.py does one user at a time: new
users with their primary addresses and aliases, existing users changed only where they differ
(what they were kept for a revert, their version up, an event each)."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    false,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryEvent, DirectoryUser
from app.db.models.staging import StagedAlias, StagedUser
from app.directory.events import Actor

# No session objects to keep in step: without this the ORM asks for every row it changed.
NO_SYNC = {"synchronize_session": False}


def _count(result: Any) -> int:
    return int(result.rowcount)


class JobCommitRepository:
    def __init__(self, session: Session, import_id: int, actor: Actor, now: datetime) -> None:
        self.session = session
        self.import_id = import_id
        self.actor = actor
        self.now = now

    def _when(self) -> Any:
        return literal(self.now, DirectoryUser.__table__.c.created_at.type)

    def _scim_id(self) -> Any:
        """A new user's SCIM id, 32 hex digits: the import's id and the row's (unique, and in
        the order the rows are inserted, so the unique index grows at its end instead of at
        a random place for each of a million users: half the commit's time for that
        statement), then 64 random bits. Other writers keep the column's random default."""
        table = StagedUser.__tablename__
        if self.session.get_bind().dialect.name == "postgresql":
            random_hex = "lpad(to_hex((random() * 4294967295)::bigint), 8, '0')"
            return literal_column(
                f"lpad(to_hex({table}.import_id), 8, '0') || lpad(to_hex({table}.row), 8, '0')"
                f" || {random_hex} || {random_hex}"
            )
        return literal_column(
            f"printf('%08x%08x', {table}.import_id, {table}.row) || lower(hex(randomblob(8)))"
        )

    def add_new(self) -> int:
        """The new users in their rows' order, their primary addresses and their aliases (their
        `added` events are read from them: app/directory/events.py). Raises IntegrityError when
        an address is held (taken meanwhile). How many were added."""
        staged, user = StagedUser, DirectoryUser
        new = (
            select(
                staged.email, staged.email_key, staged.name, staged.password_hash,
                staged.force_change_password, func.coalesce(staged.active, true()), literal(1),
                self._when(), literal(self.actor.key_name, user.created_by.type), self._when(),
                literal(self.import_id), literal(self.import_id), self._scim_id(),
            )
            .where(staged.import_id == self.import_id, staged.existing.is_(False))
            .order_by(staged.row)
        )  # fmt: skip
        columns = ["email", "email_key", "name", "password_hash", "force_change_password",
                   "active", "version", "created_at", "created_by", "updated_at", "import_id",
                   "updated_by", "scim_id"]  # fmt: skip
        # SQLAlchemy reports an INSERT's row count only when asked to keep it.
        added = _count(
            self.session.execute(
                insert(user).from_select(columns, new),
                execution_options={"preserve_rowcount": True},
            )
        )
        if not added:
            return 0
        ours = user.import_id == self.import_id
        # In the order of the address key: the unique index is then filled from one end to the
        # other instead of at random places (past the database's cache, a page read for each:
        # 3M users with an alias each, 56.7 s -> 48.0 s; the same at 1M, whose index is cached).
        primary = (
            select(user.email_key, user.email, user.id, true()).where(ours).order_by(user.email_key)
        )
        # Only a new user was added by this import: the aliases of a row that updates or skips
        # an existing user find none.
        aliases = (
            select(StagedAlias.alias_key, StagedAlias.alias, user.id, false())
            .join(user, and_(ours, user.email_key == StagedAlias.owner_key))
            .where(StagedAlias.import_id == self.import_id)
            .order_by(StagedAlias.alias_key)
        )
        for addresses in (primary, aliases):
            self._add_addresses(addresses)
        return added

    def _add_addresses(self, query: Any) -> None:
        columns = ["address_key", "address", "user_id", "is_primary"]
        self.session.execute(insert(DirectoryAddress).from_select(columns, query))

    def _events(self, query: Any) -> None:
        """An event for each (user id, kind, fields) the query gives."""
        rows = query.subquery()
        events = select(
            rows.c[0], self._when(), rows.c[1], literal(self.actor.key_name),
            literal(self.import_id), rows.c[2],
        )  # fmt: skip
        columns = ["user_id", "at", "kind", "actor", "import_id", "fields"]
        self.session.execute(insert(DirectoryEvent).from_select(columns, events))

    def taken(self) -> list[tuple[int, int | None]]:
        """What another writer took meanwhile (a race lost): (row, None) of a new user whose
        address is held now, (row, position) of an alias another user holds; by row."""
        staged, given, held, user = StagedUser, StagedAlias, DirectoryAddress, DirectoryUser
        emails = (
            select(staged.row, literal(None))
            .join(held, held.address_key == staged.email_key)
            .where(staged.import_id == self.import_id, staged.existing.is_(False))
        )
        aliases = (
            select(given.row, given.position)
            .join(held, held.address_key == given.alias_key)
            .join(user, user.id == held.user_id)
            .join(staged, and_(staged.import_id == self.import_id, staged.row == given.row))
            .where(given.import_id == self.import_id, user.email_key != given.owner_key)
        )
        both = emails.union_all(aliases).subquery()
        return [(row, position) for row, position in self.session.execute(
            select(both).order_by(both.c[0]))]  # fmt: skip
