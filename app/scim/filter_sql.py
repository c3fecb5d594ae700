"""SCIM filters translated to SQL conditions over an allow-list of attributes (userName,
externalId, id, emails (value, type, primary: any address of the user, its primary being
`work`), active, meta.created, meta.lastModified), each on an indexed column where it can be;
anything else is invalidFilter. The conditions are the where clauses of repository.py."""

import re
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
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)

from app.db.models.directory import DirectoryAddress, DirectoryUser
from app.scim.errors import ScimError

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:user"
Op = CompareOperator


class UserNameIs(NamedTuple):
    """The commonest filter, `userName eq "..."` (a provider's lookup before it creates, and
    Entra's test connection): the key of the address, found by a statement built once."""

    key: str


# Only the plainest spelling (spaces, no escape, no control character); any other goes
# through the parser, and reads the same users (tests/scim/test_user_name_lookup.py).
_USER_NAME_EQ = re.compile(r' *userName +eq +"([^"\\\x00-\x1f]*)" *', re.IGNORECASE | re.ASCII)


def with_primary(key: Any) -> ColumnElement[bool]:
    """The user whose primary address has this key (a value, or a bound parameter): found by
    the address table's unique key, not a scan of the users."""
    held = DirectoryAddress
    return DirectoryUser.id.in_(
        select(held.user_id).where(held.address_key == key, held.primary.is_(True))
    )


def user_name_is(text: str) -> UserNameIs | None:
    match = _USER_NAME_EQ.fullmatch(text)
    return None if match is None else UserNameIs(match.group(1).lower())


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
        if op == Op.eq:
            return with_primary(key)
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
