"""Provisioning writes, each in one transaction on the directory's own writes (events, versions,
one address space): a user created, replaced (PUT), patched, deleted. An address another user
holds is 409 uniqueness, whatever the race (the unique key decides); a stale If-Match is 412. A
provider's write makes the user managed by its key: a file may then not change it."""

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.orm import Session

from app.auth.deps import Principal
from app.db.models.base import utcnow
from app.db.models.directory import DirectoryUser
from app.directory.address_book import AddressRepository
from app.directory.events import Actor
from app.directory.service import check_if_match
from app.directory.writes import (
    KEEP_PASSWORD,
    Edit,
    NewUser,
    Provisioning,
    add_users,
    delete_user,
    edit_users,
)
from app.scim.errors import ScimError
from app.scim.repository import ScimUserRepository
from app.scim.resources import Incoming, profile

# The hash of a user a provider added with no password: no password matches it (verify_any
# accepts no such hash), and the user must set one.
NO_PASSWORD = "!"  # noqa: S105 (not a password: a hash none matches)


def _provisioning(
    values: Incoming, principal: Principal, unstated_active: bool | None = None
) -> Provisioning:
    return Provisioning(values.external_id, profile(values, unstated_active), principal.key_name)


def found(session: Session, scim_id: str, *, lock: bool = False) -> DirectoryUser:
    user = ScimUserRepository(session).by_scim_id(scim_id, lock=lock)
    if user is None:
        raise ScimError(404, "There is no such user.")
    return user


class Held(NamedTuple):
    """A user's addresses (lower-cased) as read at its version."""

    version: int
    addresses: frozenset[str]


def _refuse_taken(
    session: Session, user_id: int | None, addresses: Sequence[str], own: frozenset[str]
) -> None:
    """The user's addresses (userName first) another user holds: 409 uniqueness. Not asked
    when every one is the user's own (`own`: held by it at the version it still has)."""
    if own and {address.lower() for address in addresses} <= own:
        return
    index = AddressRepository(session).first_held_by_another(addresses, user_id)
    if index is not None:
        what = "userName" if index == 0 else f"emails value {index}"
        raise ScimError(409, f"{what} is another user's address.", "uniqueness")


def create(
    session: Session, values: Incoming, password_hash: str | None, principal: Principal
) -> int:
    """The new user's id."""
    _refuse_taken(session, None, [values.email, *values.aliases], frozenset())
    user = NewUser(
        email=values.email,
        name=values.name,
        password_hash=password_hash or NO_PASSWORD,
        force_change_password=password_hash is None,
        active=True if values.active is None else values.active,
        aliases=values.aliases,
        provisioning=_provisioning(values, principal),
    )
    [user_id] = add_users(session, [user], Actor(principal.key_name), utcnow())
    return user_id


def replace(
    session: Session,
    scim_id: str,
    values: Incoming,
    password_hash: str | None,
    if_match: str | None,
    principal: Principal,
    held: Held | None = None,
) -> int:
    """The user becomes what the values say (PUT, or a PATCH's result): a stale If-Match is
    412, an address another user holds 409; `active` left out keeps the user's. Its id.
    held: its addresses as read (a PATCH's), when the user is still at that version."""
    user = found(session, scim_id, lock=True)
    check_if_match(if_match, user)
    own = held.addresses if held is not None and held.version == user.version else frozenset()
    _refuse_taken(session, user.id, [values.email, *values.aliases], own)
    edit = Edit(
        user.id, name=values.name, password_hash=password_hash or KEEP_PASSWORD,
        active=values.active, aliases=values.aliases, email=values.email,
        provisioning=_provisioning(
            values, principal, user.active if values.active is None else None
        ),
    )  # fmt: skip
    edit_users(session, [edit], Actor(principal.key_name), utcnow())
    return user.id


def remove(session: Session, scim_id: str, if_match: str | None, principal: Principal) -> None:
    user = found(session, scim_id, lock=True)
    check_if_match(if_match, user)
    delete_user(session, user.id, Actor(principal.key_name), utcnow())
