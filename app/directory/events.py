"""Who changed what: every change to a user as an event (when, by which key, through which
import, what kind, the names of the fields it changed, never their values), and all SQL about
events. Events outlive their user and are pruned with the import records' retention."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.db.models.base import utcnow
from app.db.models.directory import DirectoryEvent


class EventKind(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    DISABLED = "disabled"
    ENABLED = "enabled"
    ALIASES_CHANGED = "aliases_changed"
    DELETED = "deleted"
    REVERTED = "reverted"


# The names a changed field goes by in an event.
FIELDS = ("name", "force_change_password", "password", "active", "aliases")


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
        if rows:
            self.session.execute(insert(DirectoryEvent), rows)

    def page(self, user_id: int, limit: int, before_id: int | None) -> Sequence[DirectoryEvent]:
        """The user's events, newest first, limit + 1 of them (to tell if more follow)."""
        query = (
            select(DirectoryEvent)
            .where(DirectoryEvent.user_id == user_id)
            .order_by(DirectoryEvent.id.desc())
            .limit(limit + 1)
        )
        if before_id is not None:
            query = query.where(DirectoryEvent.id < before_id)
        return self.session.scalars(query).all()

    def any_for(self, user_id: int) -> bool:
        query = select(DirectoryEvent.id).where(DirectoryEvent.user_id == user_id).limit(1)
        return self.session.scalar(query) is not None

    def delete_before(self, cutoff: datetime) -> int:
        deleted = self.session.execute(delete(DirectoryEvent).where(DirectoryEvent.at < cutoff))
        return int(deleted.rowcount)  # type: ignore[attr-defined]
