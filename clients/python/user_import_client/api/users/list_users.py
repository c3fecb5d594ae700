from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.user_page import UserPage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    address: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    import_id: int | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_email: None | str | Unset
    if isinstance(email, Unset):
        json_email = UNSET
    else:
        json_email = email
    params["email"] = json_email

    json_address: None | str | Unset
    if isinstance(address, Unset):
        json_address = UNSET
    else:
        json_address = address
    params["address"] = json_address

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

    json_import_id: int | None | Unset
    if isinstance(import_id, Unset):
        json_import_id = UNSET
    else:
        json_import_id = import_id
    params["import_id"] = json_import_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UserPage | None:
    if response.status_code == 200:
        response_200 = UserPage.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UserPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    address: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    import_id: int | None | Unset = UNSET,

) -> Response[Problem | UserPage]:
    """ List users, or export them as CSV

     Users in the order they were added, with their aliases. Passwords and hashes are never
    shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty, then Aliases (separated by `;`) and Active: edit it
    and import it again with `on_existing=update`, which keeps the password of a user whose
    Password cell is empty; imported unchanged, it changes nothing.

    Args:
        limit (int | Unset): Most users per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.
        email (None | str | Unset): Exact primary address, any letter case.
        address (None | str | Unset): Any address of the user (its primary or an alias), any
            letter case.
        active (bool | None | Unset): false: only disabled users; true: only active ones.
        import_id (int | None | Unset): Only users added by this import.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserPage]
     """


    kwargs = _get_kwargs(
        limit=limit,
cursor=cursor,
email=email,
address=address,
active=active,
import_id=import_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    address: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    import_id: int | None | Unset = UNSET,

) -> Problem | UserPage | None:
    """ List users, or export them as CSV

     Users in the order they were added, with their aliases. Passwords and hashes are never
    shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty, then Aliases (separated by `;`) and Active: edit it
    and import it again with `on_existing=update`, which keeps the password of a user whose
    Password cell is empty; imported unchanged, it changes nothing.

    Args:
        limit (int | Unset): Most users per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.
        email (None | str | Unset): Exact primary address, any letter case.
        address (None | str | Unset): Any address of the user (its primary or an alias), any
            letter case.
        active (bool | None | Unset): false: only disabled users; true: only active ones.
        import_id (int | None | Unset): Only users added by this import.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserPage
     """


    return sync_detailed(
        client=client,
limit=limit,
cursor=cursor,
email=email,
address=address,
active=active,
import_id=import_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    address: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    import_id: int | None | Unset = UNSET,

) -> Response[Problem | UserPage]:
    """ List users, or export them as CSV

     Users in the order they were added, with their aliases. Passwords and hashes are never
    shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty, then Aliases (separated by `;`) and Active: edit it
    and import it again with `on_existing=update`, which keeps the password of a user whose
    Password cell is empty; imported unchanged, it changes nothing.

    Args:
        limit (int | Unset): Most users per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.
        email (None | str | Unset): Exact primary address, any letter case.
        address (None | str | Unset): Any address of the user (its primary or an alias), any
            letter case.
        active (bool | None | Unset): false: only disabled users; true: only active ones.
        import_id (int | None | Unset): Only users added by this import.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UserPage]
     """


    kwargs = _get_kwargs(
        limit=limit,
cursor=cursor,
email=email,
address=address,
active=active,
import_id=import_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    email: None | str | Unset = UNSET,
    address: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    import_id: int | None | Unset = UNSET,

) -> Problem | UserPage | None:
    """ List users, or export them as CSV

     Users in the order they were added, with their aliases. Passwords and hashes are never
    shown.

    With `Accept: text/csv` the answer is every user the filters match (limit and cursor do
    not apply), as a CSV file with the template's columns (Email, Name, Password, Force Change
    Password), the Password column empty, then Aliases (separated by `;`) and Active: edit it
    and import it again with `on_existing=update`, which keeps the password of a user whose
    Password cell is empty; imported unchanged, it changes nothing.

    Args:
        limit (int | Unset): Most users per page. Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.
        email (None | str | Unset): Exact primary address, any letter case.
        address (None | str | Unset): Any address of the user (its primary or an alias), any
            letter case.
        active (bool | None | Unset): false: only disabled users; true: only active ones.
        import_id (int | None | Unset): Only users added by this import.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UserPage
     """


    return (await asyncio_detailed(
        client=client,
limit=limit,
cursor=cursor,
email=email,
address=address,
active=active,
import_id=import_id,

    )).parsed
