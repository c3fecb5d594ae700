"""All SQL of provisioning's reads: a user by its SCIM id or row id, and a page of users under a
filter (filter_sql.py translates it), each user read with its aliases in one statement."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryUser
from app.scim.filter_sql import UserNameIs, with_primary


class UserView(NamedTuple):
    """What a SCIM answer shows of a directory user (read as columns: no ORM object)."""

    id: int
    scim_id: str
    external_id: str | None
    email: str
    name: str
    active: bool
    profile: str | None
    created_at: datetime
    updated_at: datetime | None
    version: int
    aliases: list[str]  # as written, in the order of their keys

    @property
    def addresses(self) -> list[str]:
        """Its primary address, then its aliases."""
        return [self.email, *self.aliases]


_USERS = select(
    DirectoryUser.id, DirectoryUser.scim_id, DirectoryUser.external_id, DirectoryUser.email,
    DirectoryUser.name, DirectoryUser.active, DirectoryUser.profile, DirectoryUser.created_at,
    DirectoryUser.updated_at, DirectoryUser.version,
)  # fmt: skip


_Columns = Select[*tuple[Any, ...]]


def _with_aliases(users: _Columns) -> _Columns:
    """The users' columns and one of their aliases a row (none: one row, the alias NULL), in
    the users' order and each user's aliases in the order of their keys."""
    chosen = users.subquery()
    alias = DirectoryAddress
    joined = and_(alias.user_id == chosen.c.id, alias.primary.is_(False))
    return (
        select(chosen, alias.address)
        .outerjoin(alias, joined)
        .order_by(chosen.c.id, alias.address_key)
    )


def _views(rows: Iterable[Row[Any]]) -> list[UserView]:
    views: list[UserView] = []
    for row in rows:
        if not views or views[-1].id != row[0]:
            views.append(UserView._make((*row[:-1], [])))
        if row[-1] is not None:
            views[-1].aliases.append(row[-1])
    return views


_VIEW_BY_SCIM_ID = _with_aliases(_USERS.where(DirectoryUser.scim_id == bindparam("scim_id")))
_VIEW_BY_ID = _with_aliases(_USERS.where(DirectoryUser.id == bindparam("id")))
# filter_sql's userName eq, built once.
_VIEW_BY_USER_NAME = _with_aliases(_USERS.where(with_primary(bindparam("key"))))
Where = ColumnElement[bool] | UserNameIs | None


class ScimUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _view(self, query: _Columns, params: dict[str, Any]) -> UserView | None:
        self.session.flush()  # read on the connection: what this session changed, written first
        views = _views(self.session.connection().execute(query, params))
        return views[0] if views else None

    def view_by_scim_id(self, scim_id: str) -> UserView | None:
        return self._view(_VIEW_BY_SCIM_ID, {"scim_id": scim_id.lower()})

    def view_by_id(self, user_id: int) -> UserView:
        view = self._view(_VIEW_BY_ID, {"id": user_id})
        assert view is not None
        return view

    def by_scim_id(self, scim_id: str, *, lock: bool = False) -> DirectoryUser | None:
        query = select(DirectoryUser).where(DirectoryUser.scim_id == scim_id.lower())
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query.execution_options(populate_existing=True)).first()

    def search(self, where: Where, start: int, count: int) -> tuple[int, list[UserView]]:
        """How many users match, and `count` of them from the start-th (1-based), in the
        order they were added (counted apart only when the page does not tell: a lookup by
        userName is one statement)."""
        self.session.flush()
        if isinstance(where, UserNameIs):  # one user at most
            found = _views(self.session.connection().execute(_VIEW_BY_USER_NAME, where._asdict()))
            return len(found), found[start - 1 : start - 1 + count]
        page: list[UserView] = []
        if count > 0:
            query = _USERS.order_by(DirectoryUser.id).offset(start - 1).limit(count)
            if where is not None:
                query = query.where(where)
            page = _views(self.session.connection().execute(_with_aliases(query)))
            if len(page) < count and (page or start == 1):  # the last page: the total is known
                return start - 1 + len(page), page
        chosen = select(DirectoryUser.id)
        if where is not None:
            chosen = chosen.where(where)
        return self.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0, page
