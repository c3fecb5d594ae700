"""All SQL about the directory's one address space: which user holds an address (its primary or
an alias), a user's aliases, and writing them. The address key is unique, so the database
itself refuses an address held twice, whatever wrote it and whatever the race."""

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import ARRAY, String, Table, any_, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryUser


class Holder(NamedTuple):
    """Who holds an address: the user, whether it is that user's primary, the user's primary
    address (lower-cased), and whether a provider manages the user (SCIM)."""

    user_id: int
    primary: bool
    owner_key: str
    managed: bool = False


def _keys_target(postgresql: bool) -> Any:
    """Many addresses as one parameter the database splits (a join target): building and
    parsing thousands of IN parameters cost more than the lookup itself (100,000 addresses on
    PostgreSQL: array parameter 0.37 s, = ANY(string_to_array(...)) 0.10 s; on SQLite: IN
    batches of 5,000 0.19 s, a join with json_each 0.05 s). Addresses never hold a line
    break. Its value is keys_value's."""
    if postgresql:
        return func.string_to_array(bindparam("keys", type_=String), "\n", type_=ARRAY(String))
    return func.json_each(bindparam("keys", type_=String)).table_valued("value")


def keys_value(postgresql: bool, keys: Collection[str]) -> str:
    return "\n".join(keys) if postgresql else json_list(keys)


def _holders_query(postgresql: bool, lock: bool) -> Any:
    address, user = DirectoryAddress, DirectoryUser
    columns = select(
        address.address_key, address.user_id, address.primary, user.email_key,
        user.managed_by.is_not(None),
    )  # fmt: skip
    listed = _keys_target(postgresql)
    if postgresql:
        query = columns.where(address.address_key == any_(listed))
    else:
        query = columns.join_from(listed, address, address.address_key == listed.c.value)
    query = query.join(user, user.id == address.user_id)
    return query.with_for_update(of=user) if lock else query


# Built once (a single user's write asks too: building and caching it each time cost more
# than running it), by (PostgreSQL, lock).
_HOLDERS = {(pg, lock): _holders_query(pg, lock) for pg in (False, True) for lock in (False, True)}


def json_list(keys: Collection[str]) -> str:
    """The addresses as a JSON array: joined at once when none needs escaping (no quote,
    backslash or control character: an address holds none unless its local part is quoted),
    ~10 times quicker than json.dumps for 100,000 of them, a GIL held that much shorter."""
    joined = '","'.join(keys)
    if not keys or (
        joined.isprintable() and joined.count('"') == 2 * (len(keys) - 1) and "\\" not in joined
    ):
        return f'["{joined}"]' if keys else "[]"
    return json.dumps(list(keys))


_ALIASES_OF = (
    select(DirectoryAddress.user_id, DirectoryAddress.address)
    .where(
        DirectoryAddress.user_id.in_(bindparam("ids", expanding=True)),
        DirectoryAddress.primary.is_(False),
    )
    .order_by(DirectoryAddress.user_id, DirectoryAddress.address_key)
)


# Core's insert on the table: the ORM's bulk path cost several times the CPU for one user.
_INSERT_ADDRESSES = insert(cast(Table, DirectoryAddress.__table__))


class AddressRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def holders(self, keys: Collection[str], *, lock: bool = False) -> dict[str, Holder]:
        """Who holds each of these lower-cased addresses (the free ones are left out), in one
        query; lock: the holding users locked until the transaction ends (PostgreSQL, after
        any writer of them still in flight; SQLite's writer holds the whole database)."""
        if not keys:
            return {}
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        query = _HOLDERS[postgresql, lock]
        found = self.session.execute(query, {"keys": keys_value(postgresql, keys)})
        return {
            key: Holder(user_id, primary, owner, managed)
            for key, user_id, primary, owner, managed in found
        }

    def first_held_by_another(self, addresses: Sequence[str], user_id: int | None) -> int | None:
        """The index of the first of these addresses another user than user_id holds (its
        primary or an alias), its holders locked until the transaction ends; None when every
        one is free or the user's own."""
        holders = self.holders([a.lower() for a in addresses], lock=True)
        for index, address in enumerate(addresses):
            holder = holders.get(address.lower())
            if holder is not None and holder.user_id != user_id:
                return index
        return None

    def add(self, addresses: Sequence[tuple[str, int, bool]]) -> None:
        """(address as written, its user, primary) each, in one executemany; the unique key
        refuses an address already held (IntegrityError)."""
        if addresses:
            rows = [
                {"address_key": address.lower(), "address": address, "user_id": user_id,
                 "is_primary": primary}
                for address, user_id, primary in addresses
            ]  # fmt: skip
            self.session.connection().execute(_INSERT_ADDRESSES, rows)

    def aliases_of(self, user_ids: Iterable[int]) -> dict[int, list[str]]:
        """Each user's aliases as written, in their order of keys (no alias: no entry)."""
        ids = list(user_ids)
        if not ids:
            return {}
        found: dict[int, list[str]] = defaultdict(list)
        # Read on every SCIM or API answer: one statement built once, run on the connection.
        for user_id, address in self.session.connection().execute(_ALIASES_OF, {"ids": ids}):
            found[user_id].append(address)
        return dict(found)

    def replace_aliases(self, aliases_by_user: dict[int, Sequence[str]]) -> None:
        """Each user's whole alias set becomes the one given (an empty one: none)."""
        if not aliases_by_user:
            return
        ids = list(aliases_by_user)
        self.session.execute(
            delete(DirectoryAddress).where(
                DirectoryAddress.user_id.in_(bindparam("ids", ids, expanding=True)),
                DirectoryAddress.primary.is_(False),
            )
        )
        self.add([(a, user_id, False) for user_id, given in aliases_by_user.items() for a in given])

    def replace_primary(self, user_id: int, address: str) -> None:
        """The user's primary address becomes this one (IntegrityError when another user holds
        it; an alias of its own becomes its primary)."""
        self.session.execute(
            delete(DirectoryAddress).where(
                DirectoryAddress.user_id == user_id,
                (DirectoryAddress.primary.is_(True))
                | (DirectoryAddress.address_key == address.lower()),
            )
        )
        self.add([(address, user_id, True)])

    def delete_of(self, user_ids: Iterable[int]) -> None:
        """Every address of these users goes (free to be taken again)."""
        ids = list(user_ids)
        if ids:
            chosen = DirectoryAddress.user_id.in_(bindparam("ids", ids, expanding=True))
            self.session.execute(delete(DirectoryAddress).where(chosen))
