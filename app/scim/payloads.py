"""What /scim/v2 reads and answers: JSON bodies, SCIM Users read under the tolerant policy,
refusals named by attribute (never quoting a value), the answer's media type and headers, and
a password hashed with no connection held."""

import json
import re
from typing import Annotated, Any

from fastapi import Header, Request, Response
from pydantic import ValidationError, WithJsonSchema
from pydantic_core import to_json
from scim2_models import Context, ListResponse, PatchOp, ResponseParameters, ScimFilter
from scim2_models.exceptions import SCIMException
from sqlalchemy.exc import IntegrityError

from app.auth.deps import KeyGate
from app.core.config import Settings
from app.db.engine import Database
from app.passwords.hashing import PasswordHasherPool
from app.scim.errors import SCIM_MEDIA_TYPE, ScimError
from app.scim.filter_sql import condition, user_name_is
from app.scim.model import TOLERANT, ScimUser
from app.scim.repository import UserView, Where
from app.scim.resources import Incoming, etag, incoming, location, to_scim, user_body

_COLUMN = re.compile(r"at column \d+")
# scim2-models' generic messages, parametrised once (each parametrisation costs 10-70 us).
_PARAMETERS = ResponseParameters[Any]
_USER_PATCH = PatchOp[ScimUser]
USERS_LISTED = ListResponse[ScimUser]
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA_REF = {"$ref": "#/components/schemas/ScimError"}
SCIM_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {SCIM_MEDIA_TYPE: {"schema": {"type": "object"}}}},
    **{status: {"description": "A SCIM error (RFC 7644 §3.12)",
                "content": {SCIM_MEDIA_TYPE: {"schema": ERROR_SCHEMA_REF}}}
       for status in (400, 401, 403, 404, 405, 409, 412, 413, 429, 503)},
}  # fmt: skip


SCIM_BODY = {
    "requestBody": {
        "required": True,
        "content": {SCIM_MEDIA_TYPE: {"schema": {"type": "object"}},
                    "application/json": {"schema": {"type": "object"}}},
    }
}  # fmt: skip
# A filter is at most this long (as the schema says), refused only once the key passed
# (filter_where), not by FastAPI before the key is looked up.
MAX_FILTER_LENGTH = 2000
FilterText = Annotated[str, WithJsonSchema({"type": "string", "maxLength": MAX_FILTER_LENGTH})]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", description="The user's ETag (meta.version).")
]


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """The body as JSON (its datetimes as pydantic writes them)."""
    return Response(to_json(body), status, headers, media_type=SCIM_MEDIA_TYPE)


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def read_json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None


def refused(exc: Exception) -> ScimError:
    """A payload refused by scim2-models or pydantic: named by attribute, quoting no value."""
    if isinstance(exc, ValidationError):
        where = sorted({".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors()})
        return ScimError(400, f"Not valid: {', '.join(where)}.", "invalidValue")
    assert isinstance(exc, SCIMException)
    at = _COLUMN.search(str(exc))
    detail = (
        f"The request is not valid ({exc.scim_type or 'invalid'}{', ' + at.group() if at else ''})."
    )
    return ScimError(exc.status, detail, exc.scim_type or None)


def read_user(body: Any, context: Context) -> ScimUser:
    try:
        with TOLERANT:
            return ScimUser.model_validate(body, scim_ctx=context)
    except (ValidationError, SCIMException) as exc:
        raise refused(exc) from None


def response_parameters(attributes: str | None, excluded: str | None) -> "ResponseParameters[Any]":
    def split(text: str | None) -> list[str] | None:
        return [a.strip() for a in text.split(",") if a.strip()] if text else None

    try:
        return _PARAMETERS(attributes=split(attributes), excluded_attributes=split(excluded))
    except (ValidationError, SCIMException) as exc:
        raise refused(exc) from None


def shown(user: UserView | None) -> UserView:
    """The user SCIM answers (404 when there is none)."""
    if user is None:
        raise ScimError(404, "There is no such user.")
    return user


def _asked(params: ResponseParameters[Any] | None) -> bool:
    """Whether only some attributes are asked for: scim2-models then says which."""
    return params is not None and bool(params.attributes or params.excluded_attributes)


def one_user(
    user: UserView, base: str, status: int = 200, params: ResponseParameters[Any] | None = None
) -> Response:
    if _asked(params):
        context = (
            Context.RESOURCE_CREATION_RESPONSE if status == 201 else Context.RESOURCE_QUERY_RESPONSE
        )
        body = to_scim(user, base).model_dump(scim_ctx=context, response_parameters=params)
    else:
        body = user_body(user, base)
    headers = {"ETag": etag(user.version), "Location": location(base, user.scim_id)}
    return answer(body, status, headers)


def users_listed(
    total: int, start: int, users: list[UserView], base: str, params: ResponseParameters[Any]
) -> Response:
    if not _asked(params):
        return answer({
            "schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(users), "Resources": [user_body(user, base) for user in users],
        })  # fmt: skip
    listed = USERS_LISTED(
        total_results=total, start_index=start, items_per_page=len(users),
        resources=[to_scim(user, base) for user in users],
    )  # fmt: skip
    body = listed.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=params)
    body.setdefault("Resources", [])
    return answer(body)


async def hash_password(
    request: Request, password: str | None, db: Database, gate: KeyGate
) -> str | None:
    """The password hashed (no connection held), once the key passed: a caller without a
    valid key never makes the service hash."""
    if password is None:
        return None
    await gate.checked(db)
    hasher: PasswordHasherPool = request.app.state.hasher
    [hashed] = await hasher.hash_all([password])  # no connection held
    return hashed


def taken(exc: IntegrityError) -> ScimError:
    return ScimError(409, "An address of the user is another user's (it was taken meanwhile).",
                     "uniqueness")  # fmt: skip


def integer(value: str | int | None, name: str, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ScimError(400, f"{name} is an integer.", "invalidValue") from None


def patched(body: Any, user: ScimUser, settings: Settings) -> Incoming:
    """The user with a PatchOp applied (in order, under the tolerant policy), as values."""
    try:
        with TOLERANT:
            patch = _USER_PATCH.model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
            patch.patch(user)
    except (ValidationError, SCIMException) as exc:
        raise refused(exc) from None
    return incoming(user, settings)


def filter_where(filter_text: str | None) -> Where:
    """The SQL condition of a SCIM filter (none when there is none); invalidFilter if bad."""
    if not filter_text:
        return None
    if len(filter_text) > MAX_FILTER_LENGTH:
        raise ScimError(
            400, f"filter is at most {MAX_FILTER_LENGTH:,} characters.", "invalidFilter"
        )
    if (plain := user_name_is(filter_text)) is not None:
        return plain
    try:
        return condition(ScimFilter(filter_text).ast)
    except SCIMException as exc:
        raise refused(exc) from None
