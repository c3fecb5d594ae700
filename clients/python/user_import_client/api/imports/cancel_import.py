from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.import_record import ImportRecord
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    import_id: int,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/imports/{import_id}/cancel".format(import_id=quote(str(import_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportRecord | Problem | None:
    if response.status_code == 200:
        response_200 = ImportRecord.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportRecord | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    import_id: int,
    *,
    client: AuthenticatedClient,

) -> Response[ImportRecord | Problem]:
    """ Cancel a queued or running import job

     Stop a job: its status becomes `cancelled`, no user is added and its staged data is
    deleted at once; tasks of it still queued or running end without effect. An import that
    has ended (completed, failed, validated, cancelled) answers 409.

    Args:
        import_id (int): The import's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportRecord | Problem]
     """


    kwargs = _get_kwargs(
        import_id=import_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    import_id: int,
    *,
    client: AuthenticatedClient,

) -> ImportRecord | Problem | None:
    """ Cancel a queued or running import job

     Stop a job: its status becomes `cancelled`, no user is added and its staged data is
    deleted at once; tasks of it still queued or running end without effect. An import that
    has ended (completed, failed, validated, cancelled) answers 409.

    Args:
        import_id (int): The import's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportRecord | Problem
     """


    return sync_detailed(
        import_id=import_id,
client=client,

    ).parsed

async def asyncio_detailed(
    import_id: int,
    *,
    client: AuthenticatedClient,

) -> Response[ImportRecord | Problem]:
    """ Cancel a queued or running import job

     Stop a job: its status becomes `cancelled`, no user is added and its staged data is
    deleted at once; tasks of it still queued or running end without effect. An import that
    has ended (completed, failed, validated, cancelled) answers 409.

    Args:
        import_id (int): The import's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportRecord | Problem]
     """


    kwargs = _get_kwargs(
        import_id=import_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    import_id: int,
    *,
    client: AuthenticatedClient,

) -> ImportRecord | Problem | None:
    """ Cancel a queued or running import job

     Stop a job: its status becomes `cancelled`, no user is added and its staged data is
    deleted at once; tasks of it still queued or running end without effect. An import that
    has ended (completed, failed, validated, cancelled) answers 409.

    Args:
        import_id (int): The import's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportRecord | Problem
     """


    return (await asyncio_detailed(
        import_id=import_id,
client=client,

    )).parsed
