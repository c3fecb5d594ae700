"""All SQL about what a completed import changed in the directory, and undoing it: the users it
added (directory_user.import_id), the users it updated with what they were before
(import_change, and the aliases it took from them: import_change_alias), and which of them
anything has written since (updated_by). Every statement is set-wise: undoing a million users
is a few statements, not a loop."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryEvent, DirectoryUser
from app.db.models.imports import ImportChange, ImportChangeAlias
from app.directory.events import Actor, EventKind, EventRepository
from app.directory.writes import Before


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keep(self, import_id: int, befores: Sequence[Before], aliases_replaced: bool) -> None:
        """What a synchronous import's update changed, as each user was before it (the
        aliases it had, when the import replaced them)."""
        if not befores:
            return
        self.session.execute(
            insert(ImportChange),
            [
                {"import_id": import_id, "user_id": b.user_id, "name": b.name,
                 "password_hash": b.password_hash, "force_change_password": b.force_change_password,
                 "updated_by": b.updated_by, "active": b.active, "aliases_kept": aliases_replaced}
                for b in befores
            ],
        )  # fmt: skip
        aliases = [
            {"import_id": import_id, "user_id": b.user_id, "address_key": a.lower(), "address": a}
            for b in befores
            for a in b.aliases
        ]
        if aliases_replaced and aliases:
            self.session.execute(insert(ImportChangeAlias), aliases)

    def lock_users(self, import_id: int) -> None:
        """Lock every user the import wrote (added or updated) until the transaction ends,
        after any writer of them still in flight has ended (PostgreSQL; SQLite's writer holds
        the whole database): what is read of them next is what the revert changes."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        change = ImportChange
        written = (
            select(DirectoryUser.id)
            .where(
                (DirectoryUser.import_id == import_id)
                | DirectoryUser.id.in_(select(change.user_id).where(change.import_id == import_id))
            )
            .with_for_update()
            .subquery()
        )
        self.session.execute(select(func.count()).select_from(written))

    def changed_since(self, import_id: int, limit: int) -> tuple[list[str], int]:
        """The users the import wrote that anything has written since (a later import, an API
        call), or that are gone, and the aliases it took from them that another user holds
        now: the first `limit` addresses (a gone user: its id), and how many there are."""
        user, change, taken = DirectoryUser, ImportChange, ImportChangeAlias
        added = select(user.email).where(
            user.import_id == import_id,
            (user.updated_by != import_id) | user.updated_by.is_(None),
        )
        updated = (
            select(func.coalesce(user.email, literal("(a user deleted since)")))
            .select_from(change)
            .outerjoin(user, user.id == change.user_id)
            .where(
                change.import_id == import_id,
                user.id.is_(None) | (user.updated_by != import_id) | user.updated_by.is_(None),
            )
        )
        held = (
            select(taken.address)
            .join(DirectoryAddress, DirectoryAddress.address_key == taken.address_key)
            .where(taken.import_id == import_id, DirectoryAddress.user_id != taken.user_id)
        )
        both = added.union_all(updated, held).subquery()
        count = self.session.scalar(select(func.count()).select_from(both)) or 0
        found = self.session.scalars(select(both.c[0]).order_by(both.c[0]).limit(limit))
        return list(found), count

    def added_count(self, import_id: int) -> int:
        query = select(func.count()).where(DirectoryUser.import_id == import_id)
        return self.session.scalar(query) or 0

    def revert(self, import_id: int, actor: Actor, now: datetime) -> tuple[int, int]:
        """Undo the import: its updated users get back what they were (their aliases too, when
        it replaced them; their version goes up), its added users are deleted with their
        addresses; each an event; what was kept for it goes. Answers (deleted, restored)."""
        self._events(import_id, actor, now)
        change = ImportChange.__table__.c
        # Only what the import wrote last (checked under lock_users: all of it).
        restored = self.session.execute(
            update(DirectoryUser)
            .where(
                DirectoryUser.id == change.user_id,
                change.import_id == import_id,
                DirectoryUser.updated_by == import_id,
            )
            .values(
                name=change.name,
                password_hash=change.password_hash,
                force_change_password=change.force_change_password,
                active=change.active,
                updated_by=change.updated_by,
                version=DirectoryUser.version + 1,
                updated_at=now,
            ),
            execution_options={"synchronize_session": False},
        ).rowcount  # type: ignore[attr-defined]
        self._restore_aliases(import_id)
        added = select(DirectoryUser.id).where(
            DirectoryUser.import_id == import_id, DirectoryUser.updated_by == import_id
        )
        self.session.execute(
            delete(DirectoryAddress).where(DirectoryAddress.user_id.in_(added.scalar_subquery())),
            execution_options={"synchronize_session": False},
        )
        deleted = self.session.execute(
            delete(DirectoryUser).where(
                DirectoryUser.import_id == import_id, DirectoryUser.updated_by == import_id
            ),
            execution_options={"synchronize_session": False},
        ).rowcount  # type: ignore[attr-defined]
        self.session.execute(delete(ImportChange).where(ImportChange.import_id == import_id))
        return int(deleted), int(restored)

    def _restore_aliases(self, import_id: int) -> None:
        replaced = select(ImportChange.user_id).where(
            ImportChange.import_id == import_id, ImportChange.aliases_kept.is_(True)
        )
        self.session.execute(
            delete(DirectoryAddress).where(
                DirectoryAddress.user_id.in_(replaced.scalar_subquery()),
                DirectoryAddress.primary.is_(False),
            ),
            execution_options={"synchronize_session": False},
        )
        taken = ImportChangeAlias
        kept = select(taken.address_key, taken.address, taken.user_id, literal(False)).where(
            taken.import_id == import_id
        )
        columns = ["address_key", "address", "user_id", "is_primary"]
        self.session.execute(insert(DirectoryAddress).from_select(columns, kept))

    def _events(self, import_id: int, actor: Actor, now: datetime) -> None:
        """One event a user the revert restores (reverted: the fields it gives back) or
        deletes (deleted, after its `added`, stored now)."""
        user, change = DirectoryUser, ImportChange
        differs = [
            (user.name != change.name, "name,"),
            (user.force_change_password != change.force_change_password,
             "force_change_password,"),
            (user.password_hash != change.password_hash, "password,"),
            (user.active != change.active, "active,"),
            (change.aliases_kept.is_(True), "aliases,"),
        ]  # fmt: skip
        fields: Any = literal("")
        for condition, name in differs:
            fields = fields.op("||")(case((condition, literal(name)), else_=literal("")))
        common = (literal(now, DirectoryEvent.at.type), literal(actor.key_name),
                  literal(import_id))  # fmt: skip
        columns = ["user_id", "at", "actor", "import_id", "kind", "fields"]
        restored = (
            select(user.id, *common, literal(EventKind.REVERTED.value), fields)
            .join(change, and_(change.user_id == user.id, change.import_id == import_id))
            .where(user.updated_by == import_id)
        )
        ours = and_(user.import_id == import_id, user.updated_by == import_id)
        EventRepository(self.session).keep_added(ours)
        deleted = select(user.id, *common, literal(EventKind.DELETED.value), literal("")).where(
            ours
        )
        for events in (restored, deleted):
            self.session.execute(insert(DirectoryEvent).from_select(columns, events))
