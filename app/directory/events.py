"""Who changed what: every change to a user as an event (when, by which key, through which
import, what kind, the names of the fields it changed, never their values), and all SQL about
events. Events outlive their user and are pruned with the import records' retention.

A user's first event, `added`, is read from the user itself while it exists (created_at,
created_by, import_id): an import adding a million users writes no million events repeating
them. Deleting a user stores its `added` first, so its history outlives it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, insert, literal, select
from sqlalchemy.orm import Session

from app.db.models.base import utcnow
from app.db.models.directory import DirectoryEvent, DirectoryUser


class EventKind(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    DISABLED = "disabled"
    ENABLED = "enabled"
    ALIASES_CHANGED = "aliases_changed"
    DELETED = "deleted"
    REVERTED = "reverted"


# The names a changed field goes by in an event.
FIELDS = (
    "name", "force_change_password", "password", "active", "aliases", "email", "external_id",
    "managed_by", "profile",
)  # fmt: skip


def kind_of(fields: Sequence[str]) -> EventKind:
    """What a write that changed these fields is called: a change of `active` is a disabling
    or an enabling (told apart by the caller), aliases alone their own kind, else an update."""
    if list(fields) == ["aliases"]:
        return EventKind.ALIASES_CHANGED
    return EventKind.UPDATED


@dataclass(frozen=True, slots=True)
class Actor:
    """Who writes: an API key's name, and the import when an import (or its revert) writes."""

    key_name: str | None
    import_id: int | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One user's change, for its event."""

    user_id: int
    kind: EventKind
    fields: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """An event as shown; id None for `added` (first, whenever it was stored)."""

    id: int | None
    at: datetime
    kind: str
    actor: str | None
    import_id: int | None
    fields: tuple[str, ...] = ()

    @classmethod
    def of(cls, stored: DirectoryEvent) -> "Event":
        fields = tuple(name for name in stored.fields.split(",") if name)
        return cls(stored.id, stored.at, stored.kind, stored.actor, stored.import_id, fields)


_INSERT_EVENTS = insert(cast(Table, DirectoryEvent.__table__))


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, changes: Iterable[Change], actor: Actor, at: datetime | None = None) -> None:
        """One event a change, in one executemany."""
        when = at or utcnow()
        rows = [
            {"user_id": change.user_id, "at": when, "kind": change.kind.value,
             "actor": actor.key_name, "import_id": actor.import_id,
             "fields": ",".join(change.fields)}
            for change in changes
        ]  # fmt: skip
        if rows:  # Core's insert on the table: the ORM's bulk path costs more for one event
            self.session.connection().execute(_INSERT_EVENTS, rows)

    def keep_added(self, users: ColumnElement[bool]) -> None:
        """Store the `added` event of the users chosen (about to be deleted), as read from
        them."""
        user = DirectoryUser
        added = select(
            user.id, user.created_at, literal(EventKind.ADDED.value), user.created_by,
            user.import_id, literal(""),
        ).where(users)  # fmt: skip
        columns = ["user_id", "at", "kind", "actor", "import_id", "fields"]
        self.session.execute(insert(DirectoryEvent).from_select(columns, added))

    def page(self, user_id: int, limit: int, before_id: int | None) -> list[Event]:
        """The user's events after its `added`, newest first, limit + 1 of them (to tell if
        more follow)."""
        query = (
            select(DirectoryEvent)
            .where(DirectoryEvent.user_id == user_id, DirectoryEvent.kind != EventKind.ADDED)
            .order_by(DirectoryEvent.id.desc())
            .limit(limit + 1)
        )
        if before_id is not None:
            query = query.where(DirectoryEvent.id < before_id)
        return [Event.of(event) for event in self.session.scalars(query)]

    def added(self, user_id: int) -> "Event | None":
        """The user's `added` event, read from the user, or stored when it was deleted (None:
        no such user, or its history pruned)."""
        user = self.session.get(DirectoryUser, user_id)
        if user is not None:
            return Event(None, user.created_at, EventKind.ADDED, user.created_by, user.import_id)
        query = select(DirectoryEvent).where(
            DirectoryEvent.user_id == user_id, DirectoryEvent.kind == EventKind.ADDED
        )
        stored = self.session.scalars(query.limit(1)).first()
        return None if stored is None else replace(Event.of(stored), id=None)

    def delete_before(self, cutoff: datetime) -> int:
        deleted = self.session.execute(delete(DirectoryEvent).where(DirectoryEvent.at < cutoff))
        return int(deleted.rowcount)  # type: ignore[attr-defined]
