"""Every write to users, made once for every writer (a synchronous import, an API call, a
provider): users added with their addresses, users changed (only what differs is written: an
identical user is left as it is), users deleted, each with its event and its version bumped.
The caller holds the transaction (and, for changes, the users' locks); a job writes the same
changes set-wise (app/imports/jobs/staging/users.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryUser
from app.directory.address_book import AddressRepository
from app.directory.events import Actor, Change, EventKind, EventRepository, kind_of
from app.directory.repository import UserRepository

# An edit's password hash that keeps the user's own.
KEEP_PASSWORD = ""


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    name: str
    password_hash: str
    force_change_password: bool
    active: bool = True
    aliases: Sequence[str] = ()
    provisioning: "Provisioning | None" = None


@dataclass(frozen=True, slots=True)
class Provisioning:
    """What a provider keeps on a user (SCIM): its externalId, its name parts and displayName
    as sent (JSON), and the provisioner key that manages the user."""

    external_id: str | None
    profile: str | None
    managed_by: str


@dataclass(frozen=True, slots=True)
class Edit:
    """What to set on a user; None (KEEP_PASSWORD for the hash): leave it as it is."""

    user_id: int
    name: str | None = None
    password_hash: str = KEEP_PASSWORD
    force_change_password: bool | None = None
    active: bool | None = None
    aliases: Sequence[str] | None = None  # the whole set
    email: str | None = None  # a new primary address
    provisioning: Provisioning | None = None  # replaced whole


@dataclass(frozen=True, slots=True)
class Before:
    """What a changed user was, for a revert (a hash, never a password)."""

    user_id: int
    name: str
    password_hash: str
    force_change_password: bool
    active: bool
    aliases: tuple[str, ...]
    updated_by: int | None


# A user no provider wrote: its provider's columns empty (every row of one insert has the
# same columns).
_NOT_PROVISIONED = dict.fromkeys(("external_id", "profile", "managed_by"))


def add_users(session: Session, users: Sequence[NewUser], actor: Actor, now: datetime) -> list[int]:
    """Add the users with their primary addresses and aliases; their ids, in order. Raises
    IntegrityError when one of the addresses is held already (the database's unique key).
    Their `added` events are read from them (events.py)."""
    ids = UserRepository(session).add(
        [
            {"email": user.email, "email_key": user.email.lower(), "name": user.name,
             "password_hash": user.password_hash,
             "force_change_password": user.force_change_password, "active": user.active,
             "version": 1, "created_at": now, "created_by": actor.key_name, "updated_at": now,
             "import_id": actor.import_id, "updated_by": actor.import_id,
             **_NOT_PROVISIONED, **_provisioning(user.provisioning)}
            for user in users
        ]
    )  # fmt: skip
    pairs = list(zip(users, ids, strict=True))
    primaries = [(user.email, user_id, True) for user, user_id in pairs]
    aliases = [(alias, user_id, False) for user, user_id in pairs for alias in user.aliases]
    AddressRepository(session).add(primaries + aliases)
    return ids


def _provisioning(given: Provisioning | None) -> dict[str, str | None]:
    if given is None:
        return {}
    return {"external_id": given.external_id, "profile": given.profile,
            "managed_by": given.managed_by}  # fmt: skip


def _changed(edit: Edit, user: DirectoryUser, aliases: Sequence[str]) -> list[str]:
    fields = []
    if edit.email is not None and edit.email != user.email:
        fields.append("email")
    if edit.name is not None and edit.name != user.name:
        fields.append("name")
    if edit.force_change_password is not None and (
        edit.force_change_password != user.force_change_password
    ):
        fields.append("force_change_password")
    if edit.password_hash != KEEP_PASSWORD:  # a new password: a new hash, always a change
        fields.append("password")
    if edit.active is not None and edit.active != user.active:
        fields.append("active")
    if edit.aliases is not None and sorted(a.lower() for a in edit.aliases) != sorted(
        a.lower() for a in aliases
    ):
        fields.append("aliases")
    given = edit.provisioning
    if given is not None:
        if given.external_id != user.external_id:
            fields.append("external_id")
        if given.profile != user.profile:
            fields.append("profile")
        if given.managed_by != user.managed_by:
            fields.append("managed_by")
    return fields


def edit_users(
    session: Session, edits: Sequence[Edit], actor: Actor, now: datetime
) -> list[Before]:
    """Write each edit that changes its user (the users locked by the caller, all present):
    its version up, its event, `updated_by` the actor's import (None for an API call). An edit
    that changes nothing writes nothing. What each changed user was, in the edits' order."""
    ids = [edit.user_id for edit in edits]
    users = UserRepository(session).of_ids(ids)
    addresses = AddressRepository(session)
    aliases = addresses.aliases_of(ids)
    befores, rows, new_aliases, changes = [], [], {}, []
    written: set[int] = set()
    for edit in edits:
        user, held = users[edit.user_id], aliases.get(edit.user_id, [])
        fields = _changed(edit, user, held)
        if not fields:
            continue
        befores.append(Before(user.id, user.name, user.password_hash,
                              user.force_change_password, user.active, tuple(held),
                              user.updated_by))  # fmt: skip
        rows.append({
            "user_id": user.id, "name": edit.name if edit.name is not None else user.name,
            "password_hash": edit.password_hash,
            "force_change_password": user.force_change_password
            if edit.force_change_password is None else edit.force_change_password,
            "active": user.active if edit.active is None else edit.active,
            "updated_at": now, "updated_by": actor.import_id,
        })  # fmt: skip
        if "aliases" in fields and edit.aliases is not None:
            new_aliases[user.id] = edit.aliases
        changes.append(Change(user.id, _event_kind(fields, edit), fields))
        written.add(user.id)
    UserRepository(session).update(rows)
    for edit in edits:
        if edit.user_id in written and (edit.email is not None or edit.provisioning):
            _provision(session, edit, users[edit.user_id])
    addresses.replace_aliases(new_aliases)
    EventRepository(session).record(changes, actor, now)
    return befores


def _provision(session: Session, edit: Edit, user: DirectoryUser) -> None:
    """A provider's own columns, and a new primary address (IntegrityError when another user
    holds it: the unique key)."""
    if edit.email is not None and edit.email != user.email:
        AddressRepository(session).replace_primary(user.id, edit.email)
    UserRepository(session).provision(
        user.id, edit.email or user.email, **_provisioning(edit.provisioning)
    )


def _event_kind(fields: Sequence[str], edit: Edit) -> EventKind:
    if "active" in fields:
        return EventKind.ENABLED if edit.active else EventKind.DISABLED
    return kind_of(fields)


def delete_user(session: Session, user_id: int, actor: Actor, now: datetime) -> None:
    """The user goes, its addresses free to be taken again; its events stay (its `added`
    stored now: the user it was read from goes)."""
    events = EventRepository(session)
    events.keep_added(DirectoryUser.id == user_id)
    AddressRepository(session).delete_of([user_id])
    UserRepository(session).delete([user_id])
    events.record([Change(user_id, EventKind.DELETED)], actor, now)
