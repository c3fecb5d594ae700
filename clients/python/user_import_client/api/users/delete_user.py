from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: int,
    *,
    if_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match



    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/users/{user_id}".format(user_id=quote(str(user_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
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
    if_match: None | str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Delete one user

     Delete the user: its addresses (primary and aliases) are free to be taken again; its
    events stay. 412 `version_mismatch` when If-Match no longer names its version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
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
    if_match: None | str | Unset = UNSET,

) -> Any | Problem | None:
    """ Delete one user

     Delete the user: its addresses (primary and aliases) are free to be taken again; its
    events stay. 412 `version_mismatch` when If-Match no longer names its version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return sync_detailed(
        user_id=user_id,
client=client,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    if_match: None | str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Delete one user

     Delete the user: its addresses (primary and aliases) are free to be taken again; its
    events stay. 412 `version_mismatch` when If-Match no longer names its version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
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
    if_match: None | str | Unset = UNSET,

) -> Any | Problem | None:
    """ Delete one user

     Delete the user: its addresses (primary and aliases) are free to be taken again; its
    events stay. 412 `version_mismatch` when If-Match no longer names its version.

    Args:
        user_id (int): The user's id.
        if_match (None | str | Unset): The ETag of the user as read (GET /users/{id}): the write
            is refused with 412 when the user has changed since. Left out: written whatever its
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
if_match=if_match,

    )).parsed
