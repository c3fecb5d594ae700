"""All SQL of provisioning: users by their SCIM id, and SCIM filters translated to SQL over an
allow-list of attributes (userName, externalId, id, emails (value, type, primary: any address
of the user, its primary being `work`), active, meta.created, meta.lastModified), each on an
indexed column where it can be; anything else is invalidFilter."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from app.db.models.directory import DirectoryAddress, DirectoryUser
from app.scim.errors import ScimError

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:user"
Op = CompareOperator


def _invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


def _text(value: Any, attr: str) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{attr} is compared with a string.")
    return value


def _compare_text(column: Any, op: Op, value: str) -> ColumnElement[bool]:
    """A string comparison (the value already in the column's letter case)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    match op:
        case Op.eq:
            return column == value  # type: ignore[no-any-return]
        case Op.ne:
            return or_(column != value, column.is_(None))
        case Op.co:
            return column.like(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]
        case Op.sw:
            return column.like(f"{escaped}%", escape="\\")  # type: ignore[no-any-return]
        case Op.ew:
            return column.like(f"%{escaped}", escape="\\")  # type: ignore[no-any-return]
    raise _invalid(f"'{op.value}' does not apply to this attribute.")


def _compare_time(column: Any, op: Op, value: Any, attr: str) -> ColumnElement[bool]:
    try:
        when = datetime.fromisoformat(_text(value, attr).replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(f"{attr} is compared with a date and time (xsd:dateTime).") from None
    operators: dict[Op, Callable[[Any, Any], ColumnElement[bool]]] = {
        Op.eq: lambda c, v: c == v, Op.ne: lambda c, v: c != v, Op.gt: lambda c, v: c > v,
        Op.ge: lambda c, v: c >= v, Op.lt: lambda c, v: c < v, Op.le: lambda c, v: c <= v,
    }  # fmt: skip
    if op not in operators:
        raise _invalid(f"'{op.value}' does not apply to {attr}.")
    return operators[op](column, when)


def _name(path: AttrPath) -> str:
    if path.uri is not None and path.uri.lower() != USER_URN:
        raise _invalid("Only the core User schema's attributes can be filtered.")
    return f"{path.attr}.{path.sub_attr}" if path.sub_attr else path.attr


def _email_condition(node: FilterNode) -> ColumnElement[bool]:
    """A condition on one address of a user (inside emails[...], or emails.value)."""
    address = DirectoryAddress
    if isinstance(node, LogicalExpr):
        parts = [_email_condition(term) for term in node.terms]
        return and_(*parts) if node.op == LogicalOperator.and_ else or_(*parts)
    if isinstance(node, Not):
        return not_(_email_condition(node.expr))
    if isinstance(node, Present):
        attr = _name(node.attr_path).lower()
        return true() if attr in ("value", "type", "primary") else false()
    if not isinstance(node, Comparison):
        raise _invalid("This filter of emails is not supported.")
    attr = _name(node.attr_path).lower()
    if attr == "value":
        return _compare_text(address.address_key, node.op, _text(node.value, "value").lower())
    if attr == "type" and node.op == Op.eq:
        kind = _text(node.value, "type").lower()  # the primary is `work`, aliases `other`
        return {"work": address.primary.is_(True), "other": address.primary.is_(False)}.get(
            kind, false()
        )
    if attr == "primary" and node.op == Op.eq and isinstance(node.value, bool):
        return address.primary.is_(node.value)
    raise _invalid("emails are filtered by value, type (eq) and primary (eq).")


def _held(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    address = DirectoryAddress
    return exists(select(address.user_id).where(address.user_id == DirectoryUser.id, condition))


def _comparison(node: Comparison) -> ColumnElement[bool]:
    user, attr, op, value = DirectoryUser, _name(node.attr_path).lower(), node.op, node.value
    if attr == "username":
        key = _text(value, "userName").lower()
        if op == Op.eq:  # found by the address table's unique key, not a scan of the users
            held = DirectoryAddress
            return user.id.in_(
                select(held.user_id).where(held.address_key == key, held.primary.is_(True))
            )
        return _compare_text(user.email_key, op, key)
    if attr == "externalid":
        return _compare_text(user.external_id, op, _text(value, "externalId"))
    if attr == "id" and op in (Op.eq, Op.ne):
        return _compare_text(user.scim_id, op, _text(value, "id").lower())
    if attr in ("emails", "emails.value"):
        return _held(_email_condition(Comparison(AttrPath("value"), op, value)))
    if attr == "active" and op in (Op.eq, Op.ne):
        if not isinstance(value, bool):
            raise _invalid("active is compared with true or false.")
        return user.active.is_(value if op == Op.eq else not value)
    if attr == "meta.lastmodified":
        modified = func.coalesce(user.updated_at, user.created_at)
        return _compare_time(modified, op, value, "meta.lastModified")
    if attr == "meta.created":
        return _compare_time(user.created_at, op, value, "meta.created")
    raise _invalid(
        f"'{_name(node.attr_path)} {op.value}' cannot be filtered: userName, externalId, id, "
        "emails, active and meta.lastModified can."
    )


def _present(path: AttrPath) -> ColumnElement[bool]:
    attr = _name(path).lower()
    if attr in ("username", "id", "emails", "emails.value", "active", "meta.lastmodified",
                "meta.created"):  # fmt: skip
        return true()
    if attr == "externalid":
        return DirectoryUser.external_id.is_not(None)
    raise _invalid(f"'{_name(path)} pr' cannot be filtered.")


def condition(node: FilterNode) -> ColumnElement[bool]:
    """The SQL condition of a parsed filter."""
    if isinstance(node, LogicalExpr):
        parts = [condition(term) for term in node.terms]
        return and_(*parts) if node.op == LogicalOperator.and_ else or_(*parts)
    if isinstance(node, Not):
        return not_(condition(node.expr))
    if isinstance(node, Present):
        return _present(node.attr_path)
    if isinstance(node, Comparison):
        return _comparison(node)
    if isinstance(node, ValuePath) and _name(node.attr_path).lower() == "emails":
        return _held(_email_condition(node.val_filter))
    raise _invalid("Only emails[...] takes a value filter.")


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


_VIEW = select(
    DirectoryUser.id, DirectoryUser.scim_id, DirectoryUser.external_id, DirectoryUser.email,
    DirectoryUser.name, DirectoryUser.active, DirectoryUser.profile, DirectoryUser.created_at,
    DirectoryUser.updated_at, DirectoryUser.version,
)  # fmt: skip
_VIEW_BY_SCIM_ID = _VIEW.where(DirectoryUser.scim_id == bindparam("scim_id"))
_VIEW_BY_ID = _VIEW.where(DirectoryUser.id == bindparam("id"))


class ScimUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _view(self, query: Executable, params: dict[str, Any]) -> UserView | None:
        self.session.flush()  # read on the connection: what this session changed, written first
        row = self.session.connection().execute(query, params).first()
        return None if row is None else UserView._make(row)

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

    def search(
        self, where: ColumnElement[bool] | None, start: int, count: int
    ) -> tuple[int, list[UserView]]:
        """How many users match, and `count` of them from the start-th (1-based), in the
        order they were added (counted apart only when the page does not tell: a lookup by
        userName is one statement)."""
        self.session.flush()
        page: list[UserView] = []
        if count > 0:
            query = _VIEW.order_by(DirectoryUser.id).offset(start - 1).limit(count)
            if where is not None:
                query = query.where(where)
            page = [UserView._make(row) for row in self.session.connection().execute(query)]
            if len(page) < count and (page or start == 1):  # the last page: the total is known
                return start - 1 + len(page), page
        chosen = select(DirectoryUser.id)
        if where is not None:
            chosen = chosen.where(where)
        return self.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0, page
