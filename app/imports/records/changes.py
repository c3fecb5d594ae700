"""All SQL about what a completed import changed in the directory, and undoing it: the users it
added (directory_user.import_id), the users it updated with what they were before
(import_change), and which of them a later import has written since (updated_by). Every
statement is set-wise: undoing a million users is a few statements, not a loop."""

from collections.abc import Collection

from sqlalchemy import Select, bindparam, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryUser
from app.db.models.imports import ImportChange
from app.db.models.staging import StagedUser

_CHANGE_COLUMNS = ["import_id", "user_id", "name", "password_hash", "force_change_password",
                   "updated_by"]  # fmt: skip


def _before(import_id: int) -> Select[int, int, str, str, bool, int | None]:
    user = DirectoryUser
    return select(
        literal(import_id), user.id, user.name, user.password_hash, user.force_change_password,
        user.updated_by,
    )  # fmt: skip


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keep_before(self, import_id: int, keys: Collection[str]) -> None:
        """Before a synchronous import updates these users (lower-cased addresses): what they
        are now."""
        if keys:
            chosen = DirectoryUser.email_key.in_(bindparam("keys", list(keys), expanding=True))
            self._keep(_before(import_id).where(chosen))

    def keep_staged_before(self, import_id: int) -> None:
        """Before a job's commit updates its existing users: what they are now."""
        staged = StagedUser
        self._keep(
            _before(import_id)
            .join(staged, staged.email_key == DirectoryUser.email_key)
            .where(staged.import_id == import_id, staged.existing.is_(True))
        )

    def _keep(self, before: Select[int, int, str, str, bool, int | None]) -> None:
        self.session.execute(insert(ImportChange).from_select(_CHANGE_COLUMNS, before))

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
        """The users the import wrote that a later import has written since, or that are gone:
        the first `limit` addresses (a gone user: its id), and how many there are."""
        user, change = DirectoryUser, ImportChange
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
        both = added.union_all(updated).subquery()
        count = self.session.scalar(select(func.count()).select_from(both)) or 0
        found = self.session.scalars(select(both.c[0]).order_by(both.c[0]).limit(limit))
        return list(found), count

    def added_count(self, import_id: int) -> int:
        query = select(func.count()).where(DirectoryUser.import_id == import_id)
        return self.session.scalar(query) or 0

    def revert(self, import_id: int) -> tuple[int, int]:
        """Undo the import: its updated users get back what they were, its added users are
        deleted, what was kept for it goes. Answers (deleted, restored)."""
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
                updated_by=change.updated_by,
            ),
            execution_options={"synchronize_session": False},
        ).rowcount  # type: ignore[attr-defined]
        deleted = self.session.execute(
            delete(DirectoryUser).where(
                DirectoryUser.import_id == import_id, DirectoryUser.updated_by == import_id
            ),
            execution_options={"synchronize_session": False},
        ).rowcount  # type: ignore[attr-defined]
        self.session.execute(delete(ImportChange).where(ImportChange.import_id == import_id))
        return int(deleted), int(restored)
