"""A job's hashed users and addresses as its parts and chunks stage them, and as its commit
moves them into the directory set-wise (StagedUserRepository)."""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.db.models.base import Base
from app.db.models.directory import DirectoryUser
from app.db.models.staging import JobKey, StagedUser
from app.imports.plan.directory_check import StagedRow
from app.imports.records.changes import ChangeRepository

_STAGED_USER_COLUMNS = ("import_id", "row", "email", "email_key", "name", "password_hash",
                        "force_change_password", "existing")  # fmt: skip


class StagedUserRepository:
    """All SQL that writes a job's staged users and addresses, and moves its users into the
    directory."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def stage_users(self, import_id: int, rows: Sequence[StagedRow], hashes: Sequence[str]) -> None:
        """Users ready to write: the rows with their hashes (one per row), never a password."""
        staged = (
            (import_id, row.row, row.email, row.email.lower(), row.name, password_hash,
             row.force_change_password, row.existing)
            for row, password_hash in zip(rows, hashes, strict=True)
        )  # fmt: skip
        self._bulk_insert(StagedUser, _STAGED_USER_COLUMNS, staged)

    def _bulk_insert(
        self, model: type[Base], columns: Sequence[str], rows: Iterable[tuple[object, ...]]
    ) -> None:
        """Many rows into a staging table: with COPY on PostgreSQL (a job stages millions),
        one executemany elsewhere."""
        if self.session.get_bind().dialect.name == "postgresql":
            raw = self.session.connection().connection.driver_connection
            assert raw is not None
            copying = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(copying) as copy:
                for values in rows:
                    copy.write_row(values)
            return
        parameters = [dict(zip(columns, values, strict=True)) for values in rows]
        if parameters:
            self.session.execute(insert(model), parameters)

    def move_users(self, import_id: int, now: datetime, *, updates: bool = True) -> tuple[int, int]:
        """Every staged user of the job into the directory, in two statements: the new ones
        added in their rows' order, the existing ones updated (name, hash, flag; none looked
        for unless `updates`). Raises IntegrityError when another import took one of the new
        addresses meanwhile. Answers (added, updated)."""
        staged = StagedUser.__table__.c
        new = (
            select(
                staged.email,
                staged.email_key,
                staged.name,
                staged.password_hash,
                staged.force_change_password,
                literal(now, DirectoryUser.__table__.c.created_at.type),
                literal(import_id),
                literal(import_id),
            )
            .where(staged.import_id == import_id, staged.existing.is_(False))
            .order_by(staged.row)
        )
        columns = ["email", "email_key", "name", "password_hash", "force_change_password",
                   "created_at", "import_id", "updated_by"]  # fmt: skip
        adding = insert(DirectoryUser).from_select(columns, new)
        # SQLAlchemy reports an INSERT's row count only when asked to keep it.
        added = self.session.execute(adding, execution_options={"preserve_rowcount": True}).rowcount  # type: ignore[attr-defined]
        if not updates:
            return int(added), 0
        ChangeRepository(self.session).keep_staged_before(import_id)  # for a revert
        changes = (
            update(DirectoryUser)
            .where(
                DirectoryUser.email_key == staged.email_key,
                staged.import_id == import_id,
                staged.existing.is_(True),
            )
            .values(
                name=staged.name,
                # KEEP (an empty hash): the user's own password stays.
                password_hash=func.coalesce(
                    func.nullif(staged.password_hash, ""), DirectoryUser.password_hash
                ),
                force_change_password=staged.force_change_password,
                updated_by=import_id,
            )
        )
        # No session objects to keep in step: without this the ORM asks for every updated id.
        updated = self.session.execute(
            changes, execution_options={"synchronize_session": False}
        ).rowcount  # type: ignore[attr-defined]
        return int(added), int(updated)

    def taken(self, import_id: int) -> dict[str, int]:
        """The staged new users whose address the directory holds now (a race lost with
        another import): their rows, by lower-cased address."""
        query = (
            select(StagedUser.email_key, StagedUser.row)
            .join(DirectoryUser, DirectoryUser.email_key == StagedUser.email_key)
            .where(StagedUser.import_id == import_id, StagedUser.existing.is_(False))
        )
        return {key: row for key, row in self.session.execute(query.order_by(StagedUser.row))}

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
