"""HTTP routes for the directory's users."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from app.auth.deps import ReaderDep
from app.core.errors import problem_responses
from app.core.models import MAX_EMAIL_LENGTH, MAX_ID
from app.http.deps import DatabaseDep
from app.http.pagination import decode_cursor, split_page
from app.users.repository import UserRepository
from app.users.schemas import UserOut, UserPage

router = APIRouter(prefix="/users", tags=["users"])


@router.get(
    "",
    response_model=UserPage,
    summary="List users",
    responses=problem_responses(400, 401, 422, 503),
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
) -> UserPage:
    """Users in the order they were added. Passwords and hashes are never shown."""
    after = decode_cursor(cursor) if cursor else None
    email_key = email.strip().lower() if email is not None else None

    def load(session: Session) -> UserPage:
        rows = UserRepository(session).page(
            limit, after_id=after, email_key=email_key, import_id=import_id
        )
        page, next_cursor = split_page(rows, limit, lambda user: user.id)
        return UserPage(
            items=[UserOut.model_validate(user) for user in page], next_cursor=next_cursor
        )

    return await db.run(load)
