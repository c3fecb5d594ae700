"""One user at a time: a change checked by the same rules as a file's row (checked before any
connection is taken, the new password hashed with none held), then written under the user's
lock if its version is still the one the caller read (If-Match); or its deletion."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from app.core.codes import RowCode
from app.core.config import Settings
from app.core.errors import NotFoundError
from app.core.schemas import RowError
from app.db.models.base import utcnow
from app.db.models.directory import DirectoryUser
from app.directory.address_book import AddressRepository
from app.directory.addresses import AddressValidator
from app.directory.events import Actor, Event, EventRepository
from app.directory.problems import AddressTakenError, InvalidUserError, VersionMismatchError
from app.directory.repository import UserRepository
from app.directory.rules import Domains, check_aliases, check_name, check_password
from app.directory.schemas import UserPatch
from app.directory.writes import KEEP_PASSWORD, Edit, delete_user, edit_users
from app.http.pagination import encode_cursor, split_page

_ETAG = re.compile(r'\s*(?:W/)?"(\d+)"\s*')


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, user: DirectoryUser) -> None:
    """If-Match names the user's version (any of a list; * any): else 412, nothing written."""
    if if_match is None or if_match.strip() == "*":
        return
    versions = {m.group(1) for part in if_match.split(",") if (m := _ETAG.fullmatch(part))}
    if str(user.version) not in versions:
        raise VersionMismatchError(
            f"The user is at version {user.version}, not the one If-Match names: read it "
            "again (GET /users/{id}) and send its ETag."
        )


@dataclass(frozen=True, slots=True)
class CheckedPatch:
    """A change whose values hold (the password still to hash, never kept longer)."""

    name: str | None
    force_change_password: bool | None
    active: bool | None
    aliases: list[str] | None
    password: str | None


def _error(column: str, exc: PydanticCustomError) -> RowError:
    return RowError(row=None, column=column, code=RowCode(exc.type), message=exc.message())


def check_patch(patch: UserPatch, settings: Settings, email: str | None) -> CheckedPatch:
    """The change's values by the file's rules, or 422 invalid_user listing each problem.
    email: the user's primary address (a password must not contain it), when known."""
    errors: list[RowError] = []
    name = aliases = password = None
    if patch.name is not None:
        try:
            name = check_name(patch.name)
        except PydanticCustomError as exc:
            errors.append(_error("name", exc))
    if patch.aliases is not None:
        entries = [(n, raw, False) for n, raw in enumerate(patch.aliases, 1)]
        domains, validator = Domains(tuple(settings.allowed_domains)), AddressValidator()
        primary = email.lower() if email is not None else None
        kept, problems = check_aliases(entries, primary, validator, domains, settings.max_aliases)
        errors += [RowError(row=None, column="aliases", code=p.code, message=p.message)
                   for p in problems]  # fmt: skip
        aliases = [alias for _position, alias in kept]
    if patch.password is not None:
        raw = patch.password.get_secret_value()
        try:
            password = check_password(raw, email, settings.min_password_length)
        except PydanticCustomError as exc:
            errors.append(_error("password", exc))
    if errors:
        raise InvalidUserError(errors)
    return CheckedPatch(name, patch.force_change_password, patch.active, aliases, password)


def found(session: Session, user_id: int, *, lock: bool = False) -> DirectoryUser:
    user = UserRepository(session).get(user_id, lock=lock)
    if user is None:
        raise NotFoundError(f"There is no user {user_id}.")
    return user


def _refuse_taken(session: Session, user_id: int, aliases: Sequence[str]) -> None:
    """An alias held by another user (its primary or alias): 409, nothing written."""
    index = AddressRepository(session).first_held_by_another(aliases, user_id)
    if index is not None:
        raise AddressTakenError(
            f"Alias {index + 1} is another user's address (its primary address or an "
            "alias); nothing was changed."
        )


def apply_patch(
    session: Session,
    user_id: int,
    change: CheckedPatch,
    password_hash: str | None,
    if_match: str | None,
    actor: Actor,
) -> DirectoryUser:
    """The change written under the user's lock (only what differs; its version up, its
    event), if If-Match still names its version. The user as it is now."""
    user = found(session, user_id, lock=True)
    check_if_match(if_match, user)
    if change.aliases:
        _refuse_taken(session, user_id, change.aliases)
    edit = Edit(
        user_id, change.name, password_hash or KEEP_PASSWORD, change.force_change_password,
        change.active, change.aliases,
    )  # fmt: skip
    edit_users(session, [edit], actor, utcnow())
    return found(session, user_id)


def remove(session: Session, user_id: int, if_match: str | None, actor: Actor) -> None:
    """The user deleted (its addresses free again), if If-Match still names its version."""
    user = found(session, user_id, lock=True)
    check_if_match(if_match, user)
    delete_user(session, user_id, actor, utcnow())


def events_page(
    session: Session, user_id: int, limit: int, before_id: int | None
) -> tuple[list[Event], str | None]:
    """A page of the user's events, newest first, and the cursor of the next (None: the end):
    its `added` last, on a page of its own when the one before is full. 404 when there is no
    such user and no history of one."""
    events = EventRepository(session)
    page, next_cursor = split_page(events.page(user_id, limit, before_id), limit, _event_id)
    if next_cursor is None:  # no later event left: its `added` ends the history
        added = events.added(user_id)
        if added is not None and len(page) < limit:
            page.append(added)
        elif added is not None:
            next_cursor = encode_cursor(_event_id(page[-1]))
    if not page and before_id is None:
        found(session, user_id)
    return page, next_cursor


def _event_id(event: Event) -> int:
    assert event.id is not None  # (only `added` has none, and it is last)
    return event.id
