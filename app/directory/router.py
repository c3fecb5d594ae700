"""HTTP routes for the directory's users: the list (or the export), one user, its change, its
deletion and its events."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from app.auth.deps import AdminDep, ReaderDep
from app.core.spreadsheet import wants_csv
from app.db.models.base import MAX_EMAIL_LENGTH, MAX_ID
from app.db.models.directory import DirectoryUser
from app.directory.address_book import AddressRepository
from app.directory.events import Actor
from app.directory.export import export
from app.directory.repository import UserFilter, UserRepository
from app.directory.schemas import EventOut, EventPage, UserOut, UserPage, UserPatch
from app.directory.service import apply_patch, check_patch, etag, events_page, found, remove
from app.http.deps import DatabaseDep, SettingsDep
from app.http.pagination import decode_cursor, split_page
from app.http.problems import problem_responses
from app.passwords.hashing import PasswordHasherPool

router = APIRouter(prefix="/users", tags=["users"])

USERS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of users; with `Accept: text/csv`, every user the filters match "
        "as a CSV file laid out as the template (Password empty) then Aliases and Active, to "
        "edit and import again.",
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": '"Email","Name","Password","Force Change Password","Aliases",'
                '"Active"\r\n"ana@example.com","Ana","","TRUE","asmith@example.com","TRUE"\r\n',
            }
        },
    },
    **problem_responses(400, 401, 422, 503),
}
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="The user's id.")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of the user as read (GET /users/{id}): the write is refused "
        "with 412 when the user has changed since. Left out: written whatever its version.",
    ),
]


def user_out(session: Session, user: DirectoryUser) -> UserOut:
    aliases = AddressRepository(session).aliases_of([user.id]).get(user.id, [])
    return UserOut.model_validate(user).model_copy(update={"aliases": aliases})


def _answer(user: UserOut) -> Response:
    return Response(
        user.model_dump_json(), media_type="application/json", headers={"ETag": etag(user.version)}
    )


@router.get("", response_model=UserPage, summary="List users, or export them as CSV",
            responses=USERS_RESPONSES)  # fmt: skip
async def list_users(
    _reader: ReaderDep,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most users per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
    email: Annotated[
        str | None,
        Query(max_length=MAX_EMAIL_LENGTH, description="Exact primary address, any letter case."),
    ] = None,
    address: Annotated[
        str | None,
        Query(
            max_length=MAX_EMAIL_LENGTH,
            description="Any address of the user (its primary or an alias), any letter case.",
        ),
    ] = None,
    active: Annotated[
        bool | None, Query(description="false: only disabled users; true: only active ones.")
    ] = None,
    import_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only users added by this import.")
    ] = None,
    accept: Annotated[str, Header(include_in_schema=False)] = "",
) -> UserPage | StreamingResponse:
    """Users in the order they were added, with their aliases. Passwords and hashes are never
    shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty, then Aliases (separated by `;`) and Active: edit it
    and import it again with `on_existing=update`, which keeps the password of a user whose
    Password cell is empty; imported unchanged, it changes nothing."""
    filters = UserFilter(
        address_key=address.strip().lower() if address is not None else None,
        email_key=email.strip().lower() if email is not None else None,
        import_id=import_id,
        active=active,
    )
    if wants_csv(accept):
        return export(db, filters)
    after = decode_cursor(cursor) if cursor else None

    def load(session: Session) -> UserPage:
        rows = UserRepository(session).page(limit, after, filters)
        page, next_cursor = split_page(rows, limit, lambda user: user.id)
        aliases = AddressRepository(session).aliases_of(user.id for user in page)
        items = [
            UserOut.model_validate(user).model_copy(update={"aliases": aliases.get(user.id, [])})
            for user in page
        ]
        return UserPage(items=items, next_cursor=next_cursor)

    return await db.run(load)


ONE_USER: dict[int | str, dict[str, Any]] = {
    200: {"model": UserOut, "headers": {"ETag": {"schema": {"type": "string"}}}}
}
PATCH_RESPONSES = {**ONE_USER, **problem_responses(401, 403, 404, 409, 412, 422, 503)}


@router.get("/{user_id}", response_model=UserOut, summary="Show one user",
            responses={**ONE_USER, **problem_responses(401, 404, 422, 503)})  # fmt: skip
async def get_user(_reader: ReaderDep, db: DatabaseDep, user_id: UserId) -> Response:
    """The user with its aliases; its `ETag` is its version (send it as `If-Match` to change
    it only if nobody has since)."""
    return _answer(await db.run(lambda session: user_out(session, found(session, user_id))))


@router.patch("/{user_id}", response_model=UserOut, summary="Change one user",
              responses=PATCH_RESPONSES)  # fmt: skip
async def patch_user(
    principal: AdminDep,
    db: DatabaseDep,
    settings: SettingsDep,
    request: Request,
    user_id: UserId,
    patch: Annotated[UserPatch, Body()],
    if_match: IfMatch = None,
) -> Response:
    """Change the name, Force Change Password, `active` (false disables the user: its
    addresses stay reserved), the whole alias set, or the password (the same policy and
    argon2id hashing as a file's; never echoed). Only what differs is written: the version
    goes up, and the change is an event. 422 `invalid_user` lists each bad value (by field);
    409 `address_taken` when an alias is another user's; 412 `version_mismatch` when
    If-Match no longer names the user's version."""
    email = await db.run(lambda session: found(session, user_id).email)
    change = check_patch(patch, settings, email)
    hashed = None
    if change.password is not None:  # hashed with no connection held
        hasher: PasswordHasherPool = request.app.state.hasher
        [hashed] = await hasher.hash_all([change.password])
    actor = Actor(principal.key_name)

    def write(session: Session) -> UserOut:
        user = apply_patch(session, user_id, change, hashed, if_match, actor)
        return user_out(session, user)

    return _answer(await db.run(write))


@router.delete("/{user_id}", status_code=204, summary="Delete one user",
               responses=problem_responses(401, 403, 404, 412, 422, 503))  # fmt: skip
async def delete_user(
    principal: AdminDep, db: DatabaseDep, user_id: UserId, if_match: IfMatch = None
) -> Response:
    """Delete the user: its addresses (primary and aliases) are free to be taken again; its
    events stay. 412 `version_mismatch` when If-Match no longer names its version."""
    actor = Actor(principal.key_name)
    await db.run(lambda session: remove(session, user_id, if_match, actor))
    return Response(status_code=204)


@router.get("/{user_id}/events", response_model=EventPage, summary="Who changed a user",
            responses=problem_responses(400, 401, 404, 422, 503))  # fmt: skip
async def list_events(
    _reader: ReaderDep,
    db: DatabaseDep,
    user_id: UserId,
    limit: Annotated[int, Query(ge=1, le=500, description="Most events per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> EventPage:
    """Every change to the user, newest first: added, updated, disabled, enabled,
    aliases_changed, deleted, reverted; when, by which key (and import), and the names of the
    fields it changed, never their values. Kept after the user is deleted, as long as import
    records are (USERIMPORT_RETENTION_DAYS)."""
    before = decode_cursor(cursor) if cursor else None

    def load(session: Session) -> EventPage:
        page, next_cursor = events_page(session, user_id, limit, before)
        items = [
            EventOut(id=e.id, at=e.at, kind=e.kind, actor=e.actor, import_id=e.import_id,
                     fields=list(e.fields))
            for e in page
        ]  # fmt: skip
        return EventPage(items=items, next_cursor=next_cursor)

    return await db.run(load)
