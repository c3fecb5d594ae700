from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.scim_error import ScimError
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    filter_: None | str | Unset = UNSET,
    start_index: None | str | Unset = UNSET,
    count: None | str | Unset = UNSET,
    attributes: None | str | Unset = UNSET,
    excluded_attributes: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_filter_: None | str | Unset
    if isinstance(filter_, Unset):
        json_filter_ = UNSET
    else:
        json_filter_ = filter_
    params["filter"] = json_filter_

    json_start_index: None | str | Unset
    if isinstance(start_index, Unset):
        json_start_index = UNSET
    else:
        json_start_index = start_index
    params["startIndex"] = json_start_index

    json_count: None | str | Unset
    if isinstance(count, Unset):
        json_count = UNSET
    else:
        json_count = count
    params["count"] = json_count

    json_attributes: None | str | Unset
    if isinstance(attributes, Unset):
        json_attributes = UNSET
    else:
        json_attributes = attributes
    params["attributes"] = json_attributes

    json_excluded_attributes: None | str | Unset
    if isinstance(excluded_attributes, Unset):
        json_excluded_attributes = UNSET
    else:
        json_excluded_attributes = excluded_attributes
    params["excludedAttributes"] = json_excluded_attributes


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/scim/v2/Users",
        "params": params,
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
    *,
    client: AuthenticatedClient,
    filter_: None | str | Unset = UNSET,
    start_index: None | str | Unset = UNSET,
    count: None | str | Unset = UNSET,
    attributes: None | str | Unset = UNSET,
    excluded_attributes: None | str | Unset = UNSET,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: list or filter users

     Users in the order they were added (stable for paging by startIndex); filter by
    userName, externalId, id, emails (any address of the user), active, meta.lastModified;
    at most 200 a page. Unknown parameters are ignored.

    Args:
        filter_ (None | str | Unset):
        start_index (None | str | Unset):
        count (None | str | Unset):
        attributes (None | str | Unset):
        excluded_attributes (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
     """


    kwargs = _get_kwargs(
        filter_=filter_,
start_index=start_index,
count=count,
attributes=attributes,
excluded_attributes=excluded_attributes,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    filter_: None | str | Unset = UNSET,
    start_index: None | str | Unset = UNSET,
    count: None | str | Unset = UNSET,
    attributes: None | str | Unset = UNSET,
    excluded_attributes: None | str | Unset = UNSET,

) -> Any | Problem | ScimError | None:
    """ SCIM: list or filter users

     Users in the order they were added (stable for paging by startIndex); filter by
    userName, externalId, id, emails (any address of the user), active, meta.lastModified;
    at most 200 a page. Unknown parameters are ignored.

    Args:
        filter_ (None | str | Unset):
        start_index (None | str | Unset):
        count (None | str | Unset):
        attributes (None | str | Unset):
        excluded_attributes (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return sync_detailed(
        client=client,
filter_=filter_,
start_index=start_index,
count=count,
attributes=attributes,
excluded_attributes=excluded_attributes,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    filter_: None | str | Unset = UNSET,
    start_index: None | str | Unset = UNSET,
    count: None | str | Unset = UNSET,
    attributes: None | str | Unset = UNSET,
    excluded_attributes: None | str | Unset = UNSET,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: list or filter users

     Users in the order they were added (stable for paging by startIndex); filter by
    userName, externalId, id, emails (any address of the user), active, meta.lastModified;
    at most 200 a page. Unknown parameters are ignored.

    Args:
        filter_ (None | str | Unset):
        start_index (None | str | Unset):
        count (None | str | Unset):
        attributes (None | str | Unset):
        excluded_attributes (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
     """


    kwargs = _get_kwargs(
        filter_=filter_,
start_index=start_index,
count=count,
attributes=attributes,
excluded_attributes=excluded_attributes,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    filter_: None | str | Unset = UNSET,
    start_index: None | str | Unset = UNSET,
    count: None | str | Unset = UNSET,
    attributes: None | str | Unset = UNSET,
    excluded_attributes: None | str | Unset = UNSET,

) -> Any | Problem | ScimError | None:
    """ SCIM: list or filter users

     Users in the order they were added (stable for paging by startIndex); filter by
    userName, externalId, id, emails (any address of the user), active, meta.lastModified;
    at most 200 a page. Unknown parameters are ignored.

    Args:
        filter_ (None | str | Unset):
        start_index (None | str | Unset):
        count (None | str | Unset):
        attributes (None | str | Unset):
        excluded_attributes (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return (await asyncio_detailed(
        client=client,
filter_=filter_,
start_index=start_index,
count=count,
attributes=attributes,
excluded_attributes=excluded_attributes,

    )).parsed
