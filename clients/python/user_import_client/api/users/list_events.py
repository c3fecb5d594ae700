from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.event_page import EventPage
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: int,
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users/{user_id}/events".format(user_id=quote(str(user_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventPage | Problem | None:
    if response.status_code == 200:
        response_200 = EventPage.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventPage | Problem]:
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
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,

) -> Response[EventPage | Problem]:
    """ Who changed a user

     Every change to the user, newest first: added, updated, disabled, enabled,
    aliases_changed, deleted, reverted; when, by which key (and import), and the names of the
    fields it changed, never their values. Kept after the user is deleted, as long as import
    records are (USERIMPORT_RETENTION_DAYS).

    Args:
        user_id (int): The user's id.
        limit (int | Unset): Most events per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,

) -> EventPage | Problem | None:
    """ Who changed a user

     Every change to the user, newest first: added, updated, disabled, enabled,
    aliases_changed, deleted, reverted; when, by which key (and import), and the names of the
    fields it changed, never their values. Kept after the user is deleted, as long as import
    records are (USERIMPORT_RETENTION_DAYS).

    Args:
        user_id (int): The user's id.
        limit (int | Unset): Most events per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
     """


    return sync_detailed(
        user_id=user_id,
client=client,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,

) -> Response[EventPage | Problem]:
    """ Who changed a user

     Every change to the user, newest first: added, updated, disabled, enabled,
    aliases_changed, deleted, reverted; when, by which key (and import), and the names of the
    fields it changed, never their values. Kept after the user is deleted, as long as import
    records are (USERIMPORT_RETENTION_DAYS).

    Args:
        user_id (int): The user's id.
        limit (int | Unset): Most events per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,

) -> EventPage | Problem | None:
    """ Who changed a user

     Every change to the user, newest first: added, updated, disabled, enabled,
    aliases_changed, deleted, reverted; when, by which key (and import), and the names of the
    fields it changed, never their values. Kept after the user is deleted, as long as import
    records are (USERIMPORT_RETENTION_DAYS).

    Args:
        user_id (int): The user's id.
        limit (int | Unset): Most events per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
limit=limit,
cursor=cursor,

    )).parsed
