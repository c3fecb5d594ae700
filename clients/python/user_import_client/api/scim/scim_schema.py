from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.scim_error import ScimError
from typing import cast



def _get_kwargs(
    schema_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/scim/v2/Schemas/{schema_id}".format(schema_id=quote(str(schema_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | ScimError | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 400:
        response_400 = ScimError.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ScimError.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ScimError.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ScimError.from_dict(response.json())



        return response_404

    if response.status_code == 405:
        response_405 = ScimError.from_dict(response.json())



        return response_405

    if response.status_code == 409:
        response_409 = ScimError.from_dict(response.json())



        return response_409

    if response.status_code == 412:
        response_412 = ScimError.from_dict(response.json())



        return response_412

    if response.status_code == 413:
        response_413 = ScimError.from_dict(response.json())



        return response_413

    if response.status_code == 429:
        response_429 = ScimError.from_dict(response.json())



        return response_429

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())



        return response_431

    if response.status_code == 503:
        response_503 = ScimError.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem | ScimError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    schema_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: one schema

    Args:
        schema_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
     """


    kwargs = _get_kwargs(
        schema_id=schema_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    schema_id: str,
    *,
    client: AuthenticatedClient,

) -> Any | Problem | ScimError | None:
    """ SCIM: one schema

    Args:
        schema_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return sync_detailed(
        schema_id=schema_id,
client=client,

    ).parsed

async def asyncio_detailed(
    schema_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: one schema

    Args:
        schema_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
     """


    kwargs = _get_kwargs(
        schema_id=schema_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    schema_id: str,
    *,
    client: AuthenticatedClient,

) -> Any | Problem | ScimError | None:
    """ SCIM: one schema

    Args:
        schema_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return (await asyncio_detailed(
        schema_id=schema_id,
client=client,

    )).parsed
