"""HTTP routes for the directory's users."""

from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from app.auth.deps import ReaderDep
from app.core.spreadsheet import BOM, csv_lines, wants_csv
from app.db.engine import Database
from app.db.models.base import MAX_EMAIL_LENGTH, MAX_ID, utcnow
from app.http.deps import DatabaseDep
from app.http.pagination import decode_cursor, split_page
from app.http.problems import problem_responses
from app.users.repository import UserRepository
from app.users.schemas import UserOut, UserPage

router = APIRouter(prefix="/users", tags=["users"])


EXPORT_BATCH = 2000  # users read per short transaction while an export streams
EXPORT_COLUMNS = ("Email", "Name", "Password", "Force Change Password")  # the template's
USERS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of users; with `Accept: text/csv`, every user the filters match "
        "as a CSV file laid out as the template (Password empty), to edit and import again.",
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": '"Email","Name","Password","Force Change Password"\r\n'
                '"ana@example.com","Ana","","TRUE"\r\n',
            }
        },
    },
    **problem_responses(400, 401, 422, 503),
}


def _export(db: Database, email_key: str | None, import_id: int | None) -> StreamingResponse:
    """Every matching user as the template's CSV, read a batch at a time (each batch in a short
    transaction of its own: no connection is held while the client reads), so a million users
    cost what a batch costs."""

    def _batch(session: Session, after: int | None) -> list[tuple[int, str, str, bool]]:
        users = UserRepository(session)
        return users.export_batch(EXPORT_BATCH, after, email_key=email_key, import_id=import_id)

    async def lines() -> AsyncIterator[bytes]:
        yield BOM + csv_lines([EXPORT_COLUMNS])
        after: int | None = None
        while True:
            batch = await db.run(partial(_batch, after=after))
            if not batch:
                return
            yield csv_lines(
                (email, name, "", "TRUE" if force else "FALSE") for _id, email, name, force in batch
            )
            after = batch[-1][0]

    filename = f"users-{utcnow():%Y-%m-%d}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "",
    response_model=UserPage,
    summary="List users, or export them as CSV",
    responses=USERS_RESPONSES,
)
async def list_users(
    _reader: ReaderDep,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most users per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
    email: Annotated[
        str | None,
        Query(max_length=MAX_EMAIL_LENGTH, description="Exact address, any letter case."),
    ] = None,
    import_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only users added by this import.")
    ] = None,
    accept: Annotated[str, Header(include_in_schema=False)] = "",
) -> UserPage | StreamingResponse:
    """Users in the order they were added. Passwords and hashes are never shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty: edit names or the flag and import it again with
    `on_existing=update`, which keeps the password of a user whose Password cell is empty."""
    email_key = email.strip().lower() if email is not None else None
    if wants_csv(accept):
        return _export(db, email_key, import_id)
    after = decode_cursor(cursor) if cursor else None

    def load(session: Session) -> UserPage:
        rows = UserRepository(session).page(
            limit, after_id=after, email_key=email_key, import_id=import_id
        )
        page, next_cursor = split_page(rows, limit, lambda user: user.id)
        return UserPage(
            items=[UserOut.model_validate(user) for user in page], next_cursor=next_cursor
        )

    return await db.run(load)
