from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.readiness import Readiness
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/readyz",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Readiness | None:
    if response.status_code == 200:
        response_200 = Readiness.from_dict(response.json())



        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Readiness]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[Problem | Readiness]:
    """ Does the database answer, and who runs jobs?

     200 when the database answers a query and was migrated to this version's schema, 503
    problem otherwise (`schema_outdated`: run `userimport migrate`). It has a connection of
    its own, so it answers at once however busy the service is. `jobs` says who runs large
    imports: with PostgreSQL, `userimport worker` processes (how many are alive, how many
    tasks wait for them); with SQLite, this server itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Readiness]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Readiness | None:
    """ Does the database answer, and who runs jobs?

     200 when the database answers a query and was migrated to this version's schema, 503
    problem otherwise (`schema_outdated`: run `userimport migrate`). It has a connection of
    its own, so it answers at once however busy the service is. `jobs` says who runs large
    imports: with PostgreSQL, `userimport worker` processes (how many are alive, how many
    tasks wait for them); with SQLite, this server itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Readiness
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[Problem | Readiness]:
    """ Does the database answer, and who runs jobs?

     200 when the database answers a query and was migrated to this version's schema, 503
    problem otherwise (`schema_outdated`: run `userimport migrate`). It has a connection of
    its own, so it answers at once however busy the service is. `jobs` says who runs large
    imports: with PostgreSQL, `userimport worker` processes (how many are alive, how many
    tasks wait for them); with SQLite, this server itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Readiness]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Readiness | None:
    """ Does the database answer, and who runs jobs?

     200 when the database answers a query and was migrated to this version's schema, 503
    problem otherwise (`schema_outdated`: run `userimport migrate`). It has a connection of
    its own, so it answers at once however busy the service is. `jobs` says who runs large
    imports: with PostgreSQL, `userimport worker` processes (how many are alive, how many
    tasks wait for them); with SQLite, this server itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Readiness
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed
