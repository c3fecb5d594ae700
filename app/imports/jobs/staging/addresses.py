"""What a big job's plan asks of its staged addresses, set-wise (StagedAddressRepository): rows
repeated across parts, addresses the directory holds, rows that keep a password no user has;
and, at the commit, known users gone since."""

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.models.directory import DirectoryUser
from app.db.models.staging import JobKey, StagedUser
from app.imports.reading.file_rules import KEEP as KEEP_HASH


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
        their address: the first `limit` by row, and how many there are."""
        keys = self._keys(import_id)
        absent = (
            ~select(DirectoryUser.id).where(DirectoryUser.email_key == keys.c.email_key).exists()
        )
        rows = select(keys.c.row).where(keys.c.keep.is_(True), absent)
        count = self.session.scalar(select(func.count()).select_from(rows.subquery())) or 0
        if not count:
            return [], 0
        return list(self.session.scalars(rows.order_by(keys.c.row).limit(limit))), count

    def duplicates(self, import_id: int, limit: int) -> tuple[list[tuple[int, int]], int]:
        """Addresses on more than one row of the file: (row, first row) of each later row,
        the first `limit` by row, and how many there are."""
        # Counted by grouping first (a file with none, the usual case, costs one aggregate),
        # then found row by row.
        keys = self._keys(import_id)
        repeated = (
            select((func.count() - 1).label("later"))
            .select_from(keys)
            .group_by(keys.c.email_key)
            .having(func.count() > 1)
            .subquery()
        )
        count = int(self.session.scalar(select(func.sum(repeated.c.later))) or 0)
        if not count:
            return [], 0
        first = func.min(keys.c.row).over(partition_by=keys.c.email_key)
        seen = select(keys.c.row, first.label("first")).subquery()
        later = select(seen.c.row, seen.c.first).where(seen.c.row != seen.c.first)
        found = self.session.execute(later.order_by(seen.c.row).limit(limit))
        return [(row, first_row) for row, first_row in found], count

    def _in_directory(self, import_id: int) -> Any:
        keys = self._keys(import_id)
        return (
            select(keys.c.email_key, func.min(keys.c.row).label("row"))
            .join(DirectoryUser, DirectoryUser.email_key == keys.c.email_key)
            .group_by(keys.c.email_key)
        )

    def known(self, import_id: int, limit: int) -> tuple[dict[str, int], int]:
        """The addresses the directory holds: the first `limit` by row (address -> its first
        row), and how many there are."""
        found = self._in_directory(import_id).subquery()
        count = self.session.scalar(select(func.count()).select_from(found)) or 0
        first = self.session.execute(select(found).order_by(found.c.row).limit(limit))
        return {key: row for key, row in first}, count

    def key_count(self, import_id: int) -> int:
        """The job's rows with an address (repeats too)."""
        return self.session.scalar(select(func.count()).select_from(self._keys(import_id))) or 0

    def mark_known(self, import_id: int) -> None:
        """Flag the addresses the directory holds (updated or skipped at the commit): the
        keys of rows still to hash, and the users staged already."""
        for table in (JobKey, StagedUser):
            query = (
                update(table)
                .where(table.import_id == import_id, table.email_key == DirectoryUser.email_key)
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
        if self.session.get_bind().dialect.name == "postgresql":
            locking = (
                select(DirectoryUser.id)
                .where(DirectoryUser.email_key.in_(select(known.c.email_key)))
                .with_for_update()
                .subquery()
            )
            self.session.execute(select(func.count()).select_from(locking))
        absent = ~(
            select(DirectoryUser.id).where(DirectoryUser.email_key == known.c.email_key).exists()
        )
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
