"""The directory as a CSV file an administrator can edit and import again unchanged: the
template's columns (Password empty), then Aliases and Active, every cell neutralised, read a
batch at a time while it streams."""

from collections.abc import AsyncIterator
from functools import partial

from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.spreadsheet import BOM, csv_lines
from app.db.engine import Database
from app.db.models.base import utcnow
from app.db.models.directory import DirectoryUser
from app.directory.address_book import AddressRepository
from app.directory.repository import UserFilter

EXPORT_BATCH = 2000  # users read per short transaction while an export streams
EXPORT_COLUMNS = (
    "Email", "Name", "Password", "Force Change Password", "Aliases", "Active",
)  # fmt: skip
ALIAS_SEPARATOR = ";"


def _flag(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def _batch(
    session: Session, filters: UserFilter, after: int | None
) -> tuple[list[list[str]], int | None]:
    """The next batch's lines (never a hash), and its last user's id (None: no more)."""
    user = DirectoryUser
    columns = select(user.id, user.email, user.name, user.force_change_password, user.active)
    found = list(session.execute(filters.apply(columns, EXPORT_BATCH, after)))
    aliases = AddressRepository(session).aliases_of(n for n, *_rest in found)
    lines = [
        [email, name, "", _flag(force), ALIAS_SEPARATOR.join(aliases.get(n, [])), _flag(active)]
        for n, email, name, force, active in found
    ]
    return lines, (found[-1][0] if found else None)


def export(db: Database, filters: UserFilter) -> StreamingResponse:
    """Every matching user, each batch in a short transaction of its own (no connection is held
    while the client reads), so a million users cost what a batch costs."""

    async def lines() -> AsyncIterator[bytes]:
        yield BOM + csv_lines([EXPORT_COLUMNS])
        after: int | None = None
        while True:
            rows, after = await db.run(partial(_batch, filters=filters, after=after))
            if after is None:
                return
            yield csv_lines(rows)

    filename = f"users-{utcnow():%Y-%m-%d}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
