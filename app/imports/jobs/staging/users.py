"""A job's hashed users, addresses and aliases as its parts and chunks stage them
(StagedUserRepository): its commit moves them into the directory (commit_sql.py)."""

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.models.base import Base
from app.db.models.staging import JobKey, StagedAlias, StagedUser
from app.imports.plan.directory_check import StagedRow

_STAGED_USER_COLUMNS = ("import_id", "row", "email", "email_key", "name", "password_hash",
                        "force_change_password", "existing", "active")  # fmt: skip
_ALIAS_COLUMNS = ("import_id", "row", "position", "alias_key", "alias", "owner_key")


class StagedUserRepository:
    """All SQL that writes a job's staged users and addresses, and moves its users into the
    directory."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def stage_users(self, import_id: int, rows: Sequence[StagedRow], hashes: Sequence[str]) -> None:
        """Users ready to write: the rows with their hashes (one per row), never a password."""
        staged = (
            (import_id, row.row, row.email, row.email.lower(), row.name, password_hash,
             row.force_change_password, row.existing, row.active)
            for row, password_hash in zip(rows, hashes, strict=True)
        )  # fmt: skip
        self._bulk_insert(StagedUser, _STAGED_USER_COLUMNS, staged)

    def stage_aliases(self, import_id: int, aliases: Iterable[tuple[int, int, str, str]]) -> None:
        """The aliases the job's rows give their users: (row, position, alias as written, the
        row's Email lower-cased) each, every one of them (repeats too: the plan finds them)."""
        staged = (
            (import_id, row, position, alias.lower(), alias, owner)
            for row, position, alias, owner in aliases
        )
        self._bulk_insert(StagedAlias, _ALIAS_COLUMNS, staged)

    def _bulk_insert(
        self, model: type[Base], columns: Sequence[str], rows: Iterable[tuple[object, ...]]
    ) -> None:
        """Many rows into a staging table: with COPY on PostgreSQL (a job stages millions),
        one plain executemany of the driver elsewhere (the ORM's bulk insert costs ~10 us a
        row more: a dictionary and its processing each)."""
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        if self.session.get_bind().dialect.name == "postgresql":
            copying = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(copying) as copy:
                for values in rows:
                    copy.write_row(values)
            return
        table, names, marks = model.__tablename__, ", ".join(columns), ", ".join("?" * len(columns))
        # Our own table and column names; the values are bound.
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def stage_keys(
        self,
        import_id: int,
        keys_rows: Iterable[tuple[str, int]],
        keeps: Collection[int] = (),
        *,
        existing: bool = False,
    ) -> None:
        """The address of rows of a part not staged as users (a staged user's is its own):
        every row that has a valid one (its repeats too) of a part with errors or repeats, or
        the rows of its chunks to hash; or (existing) the rows a job checked whole skips.
        keeps: the rows that keep their user's password (Password empty, on_existing=update)."""
        keys = ((import_id, row, key, existing, row in keeps) for key, row in keys_rows)
        self._bulk_insert(JobKey, ("import_id", "row", "email_key", "existing", "keep"), keys)

    def staged_users(self, import_id: int) -> int:
        query = select(func.count()).where(StagedUser.import_id == import_id)
        return self.session.scalar(query) or 0

    def skip_known(self, import_id: int) -> None:
        """Before the commit of a job that skips existing users: the staged users the plan
        found in the directory (mark_known; rows hashed after it left them out already)."""
        query = delete(StagedUser).where(
            StagedUser.import_id == import_id, StagedUser.existing.is_(True)
        )
        self.session.execute(query, execution_options={"synchronize_session": False})
