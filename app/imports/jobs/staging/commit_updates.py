"""All SQL of a job's commit for the existing users its rows change, set-wise: only those that
differ are written (name, flag, a new password, `active` when given, the alias set when the
file has an Aliases column), what each was kept for a revert, an event each, version up."""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased

from app.db.models.directory import DirectoryAddress, DirectoryUser
from app.db.models.imports import ImportChange, ImportChangeAlias
from app.db.models.staging import StagedAlias, StagedUser
from app.directory.events import EventKind
from app.imports.jobs.staging.commit_sql import NO_SYNC, JobCommitRepository


class JobUpdateRepository(JobCommitRepository):
    def update_existing(self, aliases_given: bool) -> int:
        """The existing users the job's rows change (only those that differ: name, flag, a new
        password, `active` when given, the alias set when the file has an Aliases column):
        what each was kept for a revert, an event each (before the write, to name the
        fields), then written, version up. How many were changed."""
        staged, user, address = StagedUser, DirectoryUser, DirectoryAddress
        changing = (
            select(user.id.label("id"))
            .join(address, and_(address.user_id == user.id, address.primary.is_(True)))
            .join(staged, staged.email_key == address.address_key)
            .where(
                staged.import_id == self.import_id,
                staged.existing.is_(True),
                self._differs(aliases_given),
            )
            .subquery()
        )
        before = select(
            literal(self.import_id), user.id, user.name, user.password_hash,
            user.force_change_password, user.updated_by, user.active, literal(aliases_given),
        ).join_from(changing, user, user.id == changing.c.id)  # fmt: skip
        columns = ["import_id", "user_id", "name", "password_hash", "force_change_password",
                   "updated_by", "active", "aliases_kept"]  # fmt: skip
        self.session.execute(insert(ImportChange).from_select(columns, before))
        changed = self._changed_rows()
        if aliases_given:
            self._keep_aliases()
        self._events(self._change_events(changed))
        self._write(changed)
        if aliases_given:
            self._replace_aliases(changed)
        query = select(func.count()).where(ImportChange.import_id == self.import_id)
        return int(self.session.scalar(query) or 0)

    def _differs(self, aliases_given: bool) -> ColumnElement[bool]:
        staged, user = StagedUser, DirectoryUser
        conditions = [
            user.name != staged.name,
            user.force_change_password != staged.force_change_password,
            staged.password_hash != "",
            staged.active.is_not(None) & (user.active != staged.active),
        ]
        if aliases_given:
            conditions.append(self._aliases_differ(user.id, staged.row))
        return or_(*conditions)

    def _aliases_differ(self, user_id: Any, row: Any) -> ColumnElement[bool]:
        """The row's alias set is not the user's: an alias it gives the user does not hold,
        or one the user holds it does not give."""
        given, held = aliased(StagedAlias), aliased(DirectoryAddress)
        holds = select(held.user_id).where(
            held.address_key == given.alias_key, held.user_id == user_id
        )
        new_one = (
            select(given.row)
            .where(given.import_id == self.import_id, given.row == row, ~holds.exists())
            .exists()
        )
        kept, gives = aliased(DirectoryAddress), aliased(StagedAlias)
        still_given = select(gives.row).where(
            gives.import_id == self.import_id, gives.row == row, gives.alias_key == kept.address_key
        )
        dropped = (
            select(kept.user_id)
            .where(kept.user_id == user_id, kept.primary.is_(False), ~still_given.exists())
            .exists()
        )
        return or_(new_one, dropped)

    def _changed_rows(self) -> Any:
        """Each changed user with its staged row: (user id, row)."""
        change, staged, address = ImportChange, StagedUser, DirectoryAddress
        return (
            select(change.user_id.label("user_id"), staged.row.label("row"))
            .join(address, and_(address.user_id == change.user_id, address.primary.is_(True)))
            .join(
                staged,
                and_(staged.import_id == self.import_id, staged.email_key == address.address_key),
            )
            .where(change.import_id == self.import_id)
            .subquery()
        )

    def _keep_aliases(self) -> None:
        held, change = DirectoryAddress, ImportChange
        kept = (
            select(literal(self.import_id), held.user_id, held.address_key, held.address)
            .join(change, and_(change.user_id == held.user_id, change.import_id == self.import_id))
            .where(held.primary.is_(False))
        )
        columns = ["import_id", "user_id", "address_key", "address"]
        self.session.execute(insert(ImportChangeAlias).from_select(columns, kept))

    def _change_events(self, changed: Any) -> Any:
        """(user id, kind, fields) of each changed user, before it is written."""
        staged, user = StagedUser, DirectoryUser
        active_changed = staged.active.is_not(None) & (user.active != staged.active)
        aliases = self._aliases_differ(user.id, staged.row)
        named = [
            (user.name != staged.name, "name,"),
            (user.force_change_password != staged.force_change_password,
             "force_change_password,"),
            (staged.password_hash != "", "password,"),
            (active_changed, "active,"),
            (aliases, "aliases,"),
        ]  # fmt: skip
        fields: Any = literal("")
        for condition, name in named:
            fields = fields.op("||")(case((condition, literal(name)), else_=literal("")))
        others = or_(*(condition for condition, _name in named[:3]))
        kind = case(
            (active_changed & staged.active.is_(True), literal(EventKind.ENABLED.value)),
            (active_changed, literal(EventKind.DISABLED.value)),
            (aliases & not_(others), literal(EventKind.ALIASES_CHANGED.value)),
            else_=literal(EventKind.UPDATED.value),
        )
        return (
            select(user.id, kind, fields)
            .join(changed, changed.c.user_id == user.id)
            .join(staged, and_(staged.import_id == self.import_id, staged.row == changed.c.row))
        )

    def _write(self, changed: Any) -> None:
        staged, user = StagedUser, DirectoryUser
        changes = (
            update(user)
            .where(
                user.id == changed.c.user_id,
                staged.import_id == self.import_id,
                staged.row == changed.c.row,
            )
            .values(
                name=staged.name,
                # KEEP (an empty hash): the user's own password stays.
                password_hash=func.coalesce(
                    func.nullif(staged.password_hash, ""), user.password_hash
                ),
                force_change_password=staged.force_change_password,
                active=func.coalesce(staged.active, user.active),
                version=user.version + 1,
                updated_at=self._when(),
                updated_by=self.import_id,
            )
        )
        # No session objects to keep in step: without this the ORM asks for every updated id.
        self.session.execute(changes, execution_options=NO_SYNC)

    def _replace_aliases(self, changed: Any) -> None:
        """The changed users' aliases become their rows' (raises IntegrityError when one is
        held by another user: taken meanwhile)."""
        replaced = select(ImportChange.user_id).where(
            ImportChange.import_id == self.import_id, ImportChange.aliases_kept.is_(True)
        )
        self.session.execute(
            delete(DirectoryAddress).where(
                DirectoryAddress.user_id.in_(replaced.scalar_subquery()),
                DirectoryAddress.primary.is_(False),
            ),
            execution_options=NO_SYNC,
        )
        given = StagedAlias
        self._add_addresses(
            select(given.alias_key, given.alias, changed.c.user_id, false())
            .select_from(changed)
            .join(given, and_(given.import_id == self.import_id, given.row == changed.c.row))
        )
