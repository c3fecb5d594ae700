"""All SQL about the directory's users (their addresses: address_book.py; their events:
events.py)."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryUser


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: int, *, lock: bool = False) -> DirectoryUser | None:
        """The user, read fresh; lock: locked until the transaction ends."""
        query = select(DirectoryUser).where(DirectoryUser.id == user_id)
        if lock:
            query = query.with_for_update()
        options = {"populate_existing": True}
        return self.session.scalars(query.execution_options(**options)).first()

    def of_ids(self, user_ids: Collection[int]) -> dict[int, DirectoryUser]:
        if not user_ids:
            return {}
        chosen = DirectoryUser.id.in_(bindparam("ids", list(user_ids), expanding=True))
        return {user.id: user for user in self.session.scalars(select(DirectoryUser).where(chosen))}

    def add(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """New users, in one executemany (every row with the same columns); their ids, in the
        rows' order. Core's insert on the table: the ORM's bulk insert cost ~4 times its CPU
        for one user (a provider's create)."""
        if not rows:
            return []
        self.session.flush()
        table = cast(Table, DirectoryUser.__table__)
        query = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.connection().execute(query, list(rows)).scalars())

    def update(self, changes: Sequence[dict[str, Any]]) -> None:
        """Users by id (key "user_id"), each given every column it writes: name, password hash
        (an empty one: the user's own is kept), Force Change Password, active, updated_at,
        updated_by; its version goes up by one."""
        if not changes:
            return
        table = cast(Table, DirectoryUser.__table__)
        query = (
            update(table)
            .where(table.c.id == bindparam("user_id"))
            .values(
                name=bindparam("name"),
                password_hash=func.coalesce(
                    func.nullif(bindparam("password_hash"), ""), table.c.password_hash
                ),
                force_change_password=bindparam("force_change_password"),
                active=bindparam("active"),
                version=table.c.version + 1,
                updated_at=bindparam("updated_at"),
                updated_by=bindparam("updated_by"),
            )
        )
        self.session.connection().execute(query, list(changes))

    def provision(self, user_id: int, email: str, **columns: str | None) -> None:
        """A user's primary address and what a provider keeps on it (external_id, profile,
        managed_by), as given."""
        values = {"email": email, "email_key": email.lower(), **columns}
        table = cast(Table, DirectoryUser.__table__)
        self.session.connection().execute(update(table).where(table.c.id == user_id), values)

    def delete(self, user_ids: Collection[int]) -> None:
        if user_ids:
            chosen = DirectoryUser.id.in_(bindparam("ids", list(user_ids), expanding=True))
            self.session.execute(delete(DirectoryUser).where(chosen))

    def touched(self, user_ids: Collection[int], at: datetime) -> None:
        """Written by something else than their own columns (their aliases): version up."""
        if user_ids:
            chosen = DirectoryUser.id.in_(bindparam("ids", list(user_ids), expanding=True))
            self.session.execute(
                update(DirectoryUser)
                .where(chosen)
                .values(version=DirectoryUser.version + 1, updated_at=at, updated_by=None),
                execution_options={"synchronize_session": False},
            )

    def page(self, limit: int, after_id: int | None, filters: "UserFilter") -> list[DirectoryUser]:
        """Users in the order they were added, limit + 1 of them (to tell if more follow)."""
        return list(self.session.scalars(filters.apply(select(DirectoryUser), limit + 1, after_id)))


Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


class UserFilter:
    """Which users a listing or an export shows: by any of their addresses (lower-cased), by
    their primary address, by the import that added them, enabled or disabled."""

    def __init__(
        self,
        *,
        address_key: str | None = None,
        email_key: str | None = None,
        import_id: int | None = None,
        active: bool | None = None,
    ) -> None:
        self.address_key, self.email_key = address_key, email_key
        self.import_id, self.active = import_id, active

    def apply(self, query: Q, limit: int, after_id: int | None) -> Q:
        """The query's users in the order they were added, after after_id, filtered."""
        user = DirectoryUser
        query = query.order_by(user.id).limit(limit)
        if after_id is not None:
            query = query.where(user.id > after_id)
        address = DirectoryAddress
        if self.address_key is not None:
            held = select(address.user_id).where(address.address_key == self.address_key)
            query = query.where(user.id.in_(held.scalar_subquery()))
        if self.email_key is not None:  # the primary address (its key is the address's)
            held = select(address.user_id).where(
                address.address_key == self.email_key, address.primary.is_(True)
            )
            query = query.where(user.id.in_(held.scalar_subquery()))
        if self.import_id is not None:
            query = query.where(user.import_id == self.import_id)
        if self.active is not None:
            query = query.where(user.active.is_(self.active))
        return query
