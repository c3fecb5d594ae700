"""What a big job's plan asks of its staged addresses and aliases, set-wise
(StagedAddressRepository): rows repeated across parts (an Email or an alias), addresses the
directory holds (a user's primary address, or another's alias), aliases another user holds,
rows that keep a password no user has; and, at the commit, known users gone since."""

from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryAddress, DirectoryUser
from app.db.models.staging import JobKey, StagedAlias, StagedUser
from app.imports.reading.row_check import KEEP as KEEP_HASH


class StagedAddressRepository:
    """All SQL that reads a job's staged addresses as a whole (a million rows is a few
    statements)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _keys(self, import_id: int) -> Any:
        """Every row of a big job that has a valid address, as (row, email_key, keep): its
        keys, and the users its parts staged (before the plan, a staged user is a row whose
        hash came with it; an empty one keeps the user's own)."""
        staged = select(
            StagedUser.row,
            StagedUser.email_key,
            (StagedUser.password_hash == KEEP_HASH).label("keep"),
        ).where(StagedUser.import_id == import_id)
        keys = select(JobKey.row, JobKey.email_key, JobKey.keep).where(
            JobKey.import_id == import_id
        )
        return keys.union_all(staged).subquery()

    def missing_users(self, import_id: int, limit: int) -> tuple[list[int], int]:
        """The rows that keep their user's password although the directory has no user with
        their address (as its primary one): the first `limit` by row, and how many there
        are."""
        keys = self._keys(import_id)
        held = DirectoryAddress
        absent = ~(
            select(held.user_id)
            .where(held.address_key == keys.c.email_key, held.primary.is_(True))
            .exists()
        )
        rows = select(keys.c.row).where(keys.c.keep.is_(True), absent)
        count = self.session.scalar(select(func.count()).select_from(rows.subquery())) or 0
        if not count:
            return [], 0
        return list(self.session.scalars(rows.order_by(keys.c.row).limit(limit))), count

    def duplicates(
        self, import_id: int, limit: int
    ) -> tuple[list[tuple[int, int, int | None]], int]:
        """Addresses on more than one row of the file (as an Email or an alias): (row, first
        row, position of the alias or None for the Email) of each later occurrence, the first
        `limit` by row, and how many there are."""
        keys = self._keys(import_id)
        given = StagedAlias
        every = (
            select(keys.c.row, keys.c.email_key.label("key"), literal(0).label("position"))
            .union_all(
                select(given.row, given.alias_key, given.position).where(
                    given.import_id == import_id
                )
            )
            .subquery()
        )
        # Counted by grouping first (a file with none, the usual case, costs one aggregate),
        # then found row by row. On PostgreSQL the usual case groups 64-bit hashes of the
        # addresses, not the addresses (a table a third the size, held in memory): equal
        # addresses hash alike, so no repeated hash means no repeat; any, and the addresses
        # are grouped.
        if self.session.get_bind().dialect.name == "postgresql":
            hashed = func.hashtextextended(every.c.key, 0)
            if not self._repeats(select(hashed.label("key")).subquery()):
                return [], 0
        count = self._repeats(every)
        if not count:
            return [], 0
        order = func.row_number().over(
            partition_by=every.c.key, order_by=(every.c.row, every.c.position)
        )
        first = func.min(every.c.row).over(partition_by=every.c.key)
        seen = select(every.c.row, every.c.position, first.label("first"), order.label("n"))
        seen_rows = seen.subquery()
        later = select(seen_rows.c.row, seen_rows.c.first, seen_rows.c.position).where(
            seen_rows.c.n > 1
        )
        found = self.session.execute(
            later.order_by(seen_rows.c.row, seen_rows.c.position).limit(limit)
        )
        return [(row, first_row, position or None) for row, first_row, position in found], count

    def _repeats(self, keys: Any) -> int:
        """How many of the keys (a subquery's column `key`) repeat one before them."""
        repeated = (
            select((func.count() - 1).label("later"))
            .select_from(keys)
            .group_by(keys.c.key)
            .having(func.count() > 1)
            .subquery()
        )
        return int(self.session.scalar(select(func.sum(repeated.c.later))) or 0)

    def _in_directory(self, import_id: int, *, alias_only: bool = False) -> Any:
        keys = self._keys(import_id)
        held = DirectoryAddress
        query = (
            select(keys.c.email_key, func.min(keys.c.row).label("row"))
            .join(held, held.address_key == keys.c.email_key)
            .group_by(keys.c.email_key)
        )
        return query.where(held.primary.is_(False)) if alias_only else query

    def known(
        self, import_id: int, limit: int, *, alias_only: bool = False
    ) -> tuple[dict[str, int], int]:
        """The addresses the directory holds (a user's primary or another's alias; alias_only:
        only those held as another user's alias): the first `limit` by row (address -> its
        first row), and how many there are."""
        found = self._in_directory(import_id, alias_only=alias_only).subquery()
        count = self.session.scalar(select(func.count()).select_from(found)) or 0
        first = self.session.execute(select(found).order_by(found.c.row).limit(limit))
        return {key: row for key, row in first}, count

    def managed(self, import_id: int, limit: int) -> tuple[list[int], int]:
        """The rows whose Email is the primary address of a user a provider manages (SCIM):
        the first `limit` rows, and how many there are."""
        keys, held, user = self._keys(import_id), DirectoryAddress, DirectoryUser
        query = (
            select(keys.c.row)
            .join(held, held.address_key == keys.c.email_key)
            .join(user, user.id == held.user_id)
            .where(held.primary.is_(True), user.managed_by.is_not(None))
        )
        found = query.subquery()
        count = self.session.scalar(select(func.count()).select_from(found)) or 0
        if not count:
            return [], 0
        first = self.session.scalars(select(found.c.row).order_by(found.c.row).limit(limit))
        return list(first), count

    def aliases_taken(
        self, import_id: int, limit: int, *, skip: bool
    ) -> tuple[list[tuple[int, int]], int]:
        """(row, position) of each alias another user holds (its primary or an alias; skip:
        a row whose Email the directory holds is skipped, its aliases not written), the first
        `limit` by row, and how many there are."""
        given, held, user = StagedAlias, DirectoryAddress, DirectoryUser
        query = (
            select(given.row, given.position)
            .join(held, held.address_key == given.alias_key)
            .join(user, user.id == held.user_id)
            .where(given.import_id == import_id, user.email_key != given.owner_key)
        )
        if skip:
            own = DirectoryAddress.__table__.alias("own")
            query = query.where(~select(own.c.user_id).where(
                own.c.address_key == given.owner_key).exists())  # fmt: skip
        found = query.subquery()
        count = self.session.scalar(select(func.count()).select_from(found)) or 0
        if not count:
            return [], 0
        first = self.session.execute(
            select(found).order_by(found.c.row, found.c.position).limit(limit)
        )
        return [(row, position) for row, position in first], count

    def key_count(self, import_id: int) -> int:
        """The job's rows with an address (repeats too)."""
        return self.session.scalar(select(func.count()).select_from(self._keys(import_id))) or 0

    def mark_known(self, import_id: int) -> None:
        """Flag the addresses the directory holds (updated or skipped at the commit): the
        keys of rows still to hash, and the users staged already."""
        for table in (JobKey, StagedUser):
            query = (
                update(table)
                .where(
                    table.import_id == import_id, table.email_key == DirectoryAddress.address_key
                )
                .values(existing=True)
            )
            self.session.execute(query, execution_options={"synchronize_session": False})

    def known_gone(self, import_id: int, limit: int) -> tuple[list[int], int]:
        """The rows the plan found in the directory (to update or skip) whose user is gone
        since: the first `limit` by row, and how many. The users still there are locked until
        the transaction ends (PostgreSQL: after any writer of them still in flight has ended;
        SQLite's writer holds the whole database)."""
        known = (
            select(JobKey.row, JobKey.email_key)
            .where(JobKey.import_id == import_id, JobKey.existing.is_(True))
            .union_all(
                select(StagedUser.row, StagedUser.email_key).where(
                    StagedUser.import_id == import_id, StagedUser.existing.is_(True)
                )
            )
            .subquery()
        )
        held = DirectoryAddress
        if self.session.get_bind().dialect.name == "postgresql":
            locking = (
                select(DirectoryUser.id)
                .join(held, held.user_id == DirectoryUser.id)
                .where(held.address_key.in_(select(known.c.email_key)))
                .with_for_update(of=DirectoryUser)
                .subquery()
            )
            self.session.execute(select(func.count()).select_from(locking))
        absent = ~select(held.user_id).where(held.address_key == known.c.email_key).exists()
        gone = (
            select(func.min(known.c.row).label("row"))
            .where(absent)
            .group_by(known.c.email_key)
            .subquery()
        )
        count = self.session.scalar(select(func.count()).select_from(gone)) or 0
        if not count:
            return [], 0
        first = self.session.scalars(select(gone.c.row).order_by(gone.c.row).limit(limit))
        return list(first), count

    def known_rows(self, import_id: int, first: int, last: int) -> set[int]:
        """The rows first..last whose address the directory held at the plan (a job checked
        in parts: its chunks were made before the directory was asked)."""
        query = select(JobKey.row).where(
            JobKey.import_id == import_id,
            JobKey.existing.is_(True),
            JobKey.row.between(first, last),
        )
        return set(self.session.scalars(query))
