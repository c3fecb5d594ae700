"""HTTP routes of /scim/v2/Users (RFC 7644): users listed, searched, created, read, replaced,
patched and deleted, for provisioner keys. Bodies are application/scim+json; errors
are SCIM's (errors.py). Passwords are hashed with no connection held, and never answered."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from scim2_models import Context, ResponseParameters
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.deps import KeyGate, Principal
from app.directory.problems import VersionMismatchError
from app.http.deps import DatabaseDep, SettingsDep
from app.scim import discovery, service
from app.scim.auth import ProvisionerGate, as_provisioner, key_first
from app.scim.errors import SCIM_PREFIX, ScimError
from app.scim.payloads import (
    SCIM_ANSWER,
    SCIM_BODY,
    FilterText,
    IfMatch,
    base_url,
    filter_where,
    hash_password,
    integer,
    one_user,
    patched,
    read_json,
    read_user,
    response_parameters,
    shown,
    taken,
    users_listed,
)  # fmt: skip
from app.scim.repository import ScimUserRepository, UserView, Where
from app.scim.resources import Incoming, etag, incoming, to_scim

router = APIRouter(prefix=SCIM_PREFIX, tags=["scim"])


async def _search(
    db: DatabaseDep, gate: KeyGate, request: Request, where: Where,
    start: int, count: int, params: ResponseParameters[Any],
) -> Response:  # fmt: skip
    start, count = max(start, 1), min(max(count, 0), discovery.MAX_COUNT)
    base = base_url(request)

    def load(session: Session, _key: Principal) -> tuple[int, list[UserView]]:
        return ScimUserRepository(session).search(where, start, count)

    total, users = await as_provisioner(db, gate, load)
    return users_listed(total, start, users, base, params)


@router.get("/Users", summary="SCIM: list or filter users", responses=SCIM_ANSWER)
async def scim_list_users(
    gate: ProvisionerGate,
    db: DatabaseDep,
    request: Request,
    filter: Annotated[FilterText | None, Query()] = None,
    start_index: Annotated[str | None, Query(alias="startIndex")] = None,
    count: Annotated[str | None, Query()] = None,
    attributes: Annotated[str | None, Query()] = None,
    excluded_attributes: Annotated[str | None, Query(alias="excludedAttributes")] = None,
) -> Response:
    """Users in the order they were added (stable for paging by startIndex); filter by
    userName, externalId, id, emails (any address of the user), active, meta.lastModified;
    at most 200 a page. Unknown parameters are ignored."""
    async with key_first(db, gate):
        params = response_parameters(attributes, excluded_attributes)
        start, many = integer(start_index, "startIndex", 1), integer(count, "count", 100)
        where = filter_where(filter)
    return await _search(db, gate, request, where, start, many, params)


@router.post("/.search", summary="SCIM: search every resource (users)", responses=SCIM_ANSWER,
             openapi_extra=SCIM_BODY)  # fmt: skip
async def scim_search(gate: ProvisionerGate, db: DatabaseDep, request: Request) -> Response:
    """Users are the only resource type: the same as POST /Users/.search."""
    return await scim_search_users(gate, db, request)


@router.post("/Users/.search", summary="SCIM: search users", responses=SCIM_ANSWER,
             openapi_extra=SCIM_BODY)  # fmt: skip
async def scim_search_users(gate: ProvisionerGate, db: DatabaseDep, request: Request) -> Response:
    async with key_first(db, gate):
        body = await read_json(request)
        if not isinstance(body, dict):
            raise ScimError(400, "The body is a SearchRequest object.", "invalidSyntax")
        params = response_parameters(
            ",".join(body.get("attributes") or []) or None,
            ",".join(body.get("excludedAttributes") or []) or None,
        )
        start = integer(body.get("startIndex"), "startIndex", 1)
        count = integer(body.get("count"), "count", 100)
        text = body.get("filter")
        if text is not None and not isinstance(text, str):
            raise ScimError(400, "filter is a string.", "invalidFilter")
        where = filter_where(text)
    return await _search(db, gate, request, where, start, count, params)


@router.post("/Users", status_code=201, summary="SCIM: create a user", responses=SCIM_ANSWER,
             openapi_extra=SCIM_BODY)  # fmt: skip
async def scim_create_user(
    gate: ProvisionerGate, db: DatabaseDep, settings: SettingsDep, request: Request
) -> Response:
    """userName is the primary address; other emails values become its aliases. No password:
    the user has none it can sign in with, and must set one. 409 uniqueness when an address
    is another user's."""
    async with key_first(db, gate):
        body = read_user(await read_json(request), Context.RESOURCE_CREATION_REQUEST)
        values = incoming(body, settings)
    hashed = await hash_password(request, values.password, db, gate)
    base = base_url(request)

    def write(session: Session, principal: Principal) -> UserView:
        user_id = service.create(session, values, hashed, principal)
        return ScimUserRepository(session).view_by_id(user_id)

    try:
        return one_user(await as_provisioner(db, gate, write), base, 201)
    except IntegrityError as exc:
        raise taken(exc) from None


@router.get("/Users/{user_id}", summary="SCIM: one user", responses=SCIM_ANSWER)
async def scim_get_user(
    gate: ProvisionerGate,
    db: DatabaseDep,
    request: Request,
    user_id: str,
    attributes: Annotated[str | None, Query()] = None,
    excluded_attributes: Annotated[str | None, Query(alias="excludedAttributes")] = None,
) -> Response:
    async with key_first(db, gate):
        params = response_parameters(attributes, excluded_attributes)
    base = base_url(request)
    user = await as_provisioner(db, gate, lambda s, _key: shown(_view(s, user_id)))
    return one_user(user, base, params=params)


def _view(session: Session, scim_id: str) -> UserView | None:
    return ScimUserRepository(session).view_by_scim_id(scim_id)


async def _replace(
    db: DatabaseDep, gate: KeyGate, user_id: str, values: Incoming,
    hashed: str | None, if_match: str | None,
) -> UserView:  # fmt: skip
    def write(session: Session, principal: Principal) -> UserView:
        written = service.replace(session, user_id, values, hashed, if_match, principal)
        return ScimUserRepository(session).view_by_id(written)

    try:
        return await as_provisioner(db, gate, write)
    except IntegrityError as exc:
        raise taken(exc) from None


@router.put("/Users/{user_id}", summary="SCIM: replace a user", responses=SCIM_ANSWER,
            openapi_extra=SCIM_BODY)  # fmt: skip
async def scim_put_user(
    gate: ProvisionerGate, db: DatabaseDep, settings: SettingsDep, request: Request,
    user_id: str, if_match: IfMatch = None,
) -> Response:  # fmt: skip
    """The user becomes the one sent (Okta's apps update and deactivate this way); `active`
    left out keeps the user's; a password, when sent, is changed."""
    async with key_first(db, gate):
        body = read_user(await read_json(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        values = incoming(body, settings)
    hashed = await hash_password(request, values.password, db, gate)
    done = await _replace(db, gate, user_id, values, hashed, if_match)
    return one_user(done, base_url(request))


@router.patch("/Users/{user_id}", summary="SCIM: change a user", responses=SCIM_ANSWER,
              openapi_extra=SCIM_BODY)  # fmt: skip
async def scim_patch_user(
    gate: ProvisionerGate, db: DatabaseDep, settings: SettingsDep, request: Request,
    user_id: str, if_match: IfMatch = None,
) -> Response:  # fmt: skip
    """Operations applied in order, op names in any letter case, booleans as strings, a path
    filter that matches nothing creating the entry it describes, attributes the service does
    not keep dropped (the others still applied). Answers the user as it now is."""
    async with key_first(db, gate):
        body = await read_json(request)
    base = base_url(request)

    def at_once(session: Session, principal: Principal) -> UserView | tuple[Incoming, str]:
        """Read, patch and write in one transaction; a new password is hashed first, with
        no transaction held: then the patched values and the version they were read at."""
        current = shown(_view(session, user_id))
        version, values = etag(current.version), patched(body, to_scim(current, base), settings)
        if values.password is not None:
            return values, version
        held = service.Held(current.version, frozenset(a.lower() for a in current.addresses))
        written = service.replace(
            session, user_id, values, None, if_match or version, principal, held
        )
        return ScimUserRepository(session).view_by_id(written)

    for _attempt in range(5):  # a user changed between the read and the write: again
        try:
            done = await as_provisioner(db, gate, at_once)
            if not isinstance(done, UserView):  # a password to hash first
                values, read = done
                hashed = await hash_password(request, values.password, db, gate)
                done = await _replace(db, gate, user_id, values, hashed, if_match or read)
            return one_user(done, base)
        except VersionMismatchError:
            if if_match is not None:
                raise
        except IntegrityError as exc:
            raise taken(exc) from None
    raise ScimError(409, "The user kept changing while the change was applied; send it again.")


@router.delete("/Users/{user_id}", status_code=204, summary="SCIM: delete a user",
               responses=SCIM_ANSWER)  # fmt: skip
async def scim_delete_user(
    gate: ProvisionerGate, db: DatabaseDep, user_id: str, if_match: IfMatch = None
) -> Response:
    """The user goes; its addresses are free to be taken again; its events stay."""
    await as_provisioner(db, gate, lambda s, key: service.remove(s, user_id, if_match, key))
    return Response(status_code=204)


__all__ = ["etag", "router"]
