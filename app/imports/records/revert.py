"""Undoing a completed import, in one transaction: the users it added are deleted, the users it
updated get back what they had (name, flag, password hash, active, aliases: kept at its
commit), each an event, and its record becomes `reverted`. Refused whole when anything has
written any of its users since (or one is gone, or an alias it took is another user's now),
or when it is not a completed import."""

from sqlalchemy.orm import Session

from app.core.errors import NotFoundError
from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.directory.events import Actor
from app.imports.problems import ImportNotRevertibleError, UsersChangedSinceError
from app.imports.records import status
from app.imports.records.changes import ChangeRepository
from app.imports.records.repository import ImportRepository
from app.imports.records.status import ImportStatus


def revert(session: Session, import_id: int, by: str, max_listed: int) -> UserImport:
    record = ImportRepository(session).lock(import_id)
    if record is None:
        raise NotFoundError(f"There is no import {import_id}.")
    if status.is_in(record, ImportStatus.REVERTED):
        raise ImportNotRevertibleError(
            f"Import {import_id} was reverted already ({record.reverted_by}, "
            f"{record.reverted_at:%Y-%m-%d %H:%M} UTC)."
        )
    if record.dry_run:
        raise ImportNotRevertibleError(f"Import {import_id} was a check only: it wrote nothing.")
    if not status.is_in(record, ImportStatus.COMPLETED):
        raise ImportNotRevertibleError(
            f"Import {import_id} is {record.status}: only a completed import can be reverted."
        )
    changes = ChangeRepository(session)
    changes.lock_users(import_id)  # a writer of them in flight ends first: its change is seen
    users, count = changes.changed_since(import_id, max_listed)
    missing = record.added - changes.added_count(import_id)
    if count or missing > 0:
        total = count + max(missing, 0)
        raise UsersChangedSinceError(
            f"{total} user(s) or address(es) this import wrote have been changed since (by a "
            "later import or an API call), or are gone; nothing was reverted. Revert the later "
            "imports first, or fix these users.",
            users,
            total,
        )
    now = utcnow()
    changes.revert(import_id, Actor(by, import_id), now)
    status.reverted(record, by, now)
    return record
