from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.scim_error import ScimError
from ...models.scim_patch_user_json_body import ScimPatchUserJsonBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: str,
    *,
    body: ScimPatchUserJsonBody,
    if_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/scim/v2/Users/{user_id}".format(user_id=quote(str(user_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/scim+json"

    _kwargs["headers"] = headers
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
    user_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimPatchUserJsonBody,
    if_match: None | str | Unset = UNSET,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: change a user

     Operations applied in order, op names in any letter case, booleans as strings, a path
    filter that matches nothing creating the entry it describes, attributes the service does
    not keep dropped (the others still applied). Answers the user as it now is.

    Args:
        user_id (str):
        if_match (None | str | Unset): The user's ETag (meta.version).
        body (ScimPatchUserJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
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
    user_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimPatchUserJsonBody,
    if_match: None | str | Unset = UNSET,

) -> Any | Problem | ScimError | None:
    """ SCIM: change a user

     Operations applied in order, op names in any letter case, booleans as strings, a path
    filter that matches nothing creating the entry it describes, attributes the service does
    not keep dropped (the others still applied). Answers the user as it now is.

    Args:
        user_id (str):
        if_match (None | str | Unset): The user's ETag (meta.version).
        body (ScimPatchUserJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return sync_detailed(
        user_id=user_id,
client=client,
body=body,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimPatchUserJsonBody,
    if_match: None | str | Unset = UNSET,

) -> Response[Any | Problem | ScimError]:
    """ SCIM: change a user

     Operations applied in order, op names in any letter case, booleans as strings, a path
    filter that matches nothing creating the entry it describes, attributes the service does
    not keep dropped (the others still applied). Answers the user as it now is.

    Args:
        user_id (str):
        if_match (None | str | Unset): The user's ETag (meta.version).
        body (ScimPatchUserJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ScimError]
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
    user_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimPatchUserJsonBody,
    if_match: None | str | Unset = UNSET,

) -> Any | Problem | ScimError | None:
    """ SCIM: change a user

     Operations applied in order, op names in any letter case, booleans as strings, a path
    filter that matches nothing creating the entry it describes, attributes the service does
    not keep dropped (the others still applied). Answers the user as it now is.

    Args:
        user_id (str):
        if_match (None | str | Unset): The user's ETag (meta.version).
        body (ScimPatchUserJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ScimError
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
body=body,
if_match=if_match,

    )).parsed
