from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.user_out import UserOut
from ...models.user_patch import UserPatch
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: int,
    *,
    body: UserPatch,
    if_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/users/{user_id}".format(user_id=quote(str(user_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UserOut | None:
    if response.status_code == 200:
        response_200 = UserOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())



        return response_412

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())



        return response_431

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UserOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserPatch,
    if_match: None | str | Unset = UNSET,

) -> Response[Problem | UserOut]:
    """ Change one user

     Change the name, Force Change Password, `active` (false disables the user: its
    addresses stay reserved), the whole alias set, or the password (the same policy and
    argon2id hashing as a file's; never echoed). Only what differs is written: the version
    goes up, and the change is an event. 422 `invalid_user` lists each bad value (by field);
    409 `address_taken` when an alias is another user's; 412 `version_mismatch` when
    If-Match no longer names the user's version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.
        body (UserPatch): The fields to change; a field left out stays as it is.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserOut]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
body=body,
if_match=if_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserPatch,
    if_match: None | str | Unset = UNSET,

) -> Problem | UserOut | None:
    """ Change one user

     Change the name, Force Change Password, `active` (false disables the user: its
    addresses stay reserved), the whole alias set, or the password (the same policy and
    argon2id hashing as a file's; never echoed). Only what differs is written: the version
    goes up, and the change is an event. 422 `invalid_user` lists each bad value (by field);
    409 `address_taken` when an alias is another user's; 412 `version_mismatch` when
    If-Match no longer names the user's version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.
        body (UserPatch): The fields to change; a field left out stays as it is.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserOut
     """


    return sync_detailed(
        user_id=user_id,
client=client,
body=body,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserPatch,
    if_match: None | str | Unset = UNSET,

) -> Response[Problem | UserOut]:
    """ Change one user

     Change the name, Force Change Password, `active` (false disables the user: its
    addresses stay reserved), the whole alias set, or the password (the same policy and
    argon2id hashing as a file's; never echoed). Only what differs is written: the version
    goes up, and the change is an event. 422 `invalid_user` lists each bad value (by field);
    409 `address_taken` when an alias is another user's; 412 `version_mismatch` when
    If-Match no longer names the user's version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.
        body (UserPatch): The fields to change; a field left out stays as it is.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserOut]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
body=body,
if_match=if_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserPatch,
    if_match: None | str | Unset = UNSET,

) -> Problem | UserOut | None:
    """ Change one user

     Change the name, Force Change Password, `active` (false disables the user: its
    addresses stay reserved), the whole alias set, or the password (the same policy and
    argon2id hashing as a file's; never echoed). Only what differs is written: the version
    goes up, and the change is an event. 422 `invalid_user` lists each bad value (by field);
    409 `address_taken` when an alias is another user's; 412 `version_mismatch` when
    If-Match no longer names the user's version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.
        body (UserPatch): The fields to change; a field left out stays as it is.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserOut
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
body=body,
if_match=if_match,

    )).parsed
