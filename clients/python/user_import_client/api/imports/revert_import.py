from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.import_record import ImportRecord
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    import_id: int,
    *,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/imports/{import_id}/revert".format(import_id=quote(str(import_id), safe=""),),
    }


    _kwargs["headers"] = headers
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
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ImportRecord | Problem]:
    """ Undo a completed import

     Undo a completed import in one transaction: the users it added are deleted, and the
    users it updated (`on_existing=update`) get back the name, Force Change Password and
    password hash they had before it (kept for as long as its record is). Its status becomes
    `reverted`, with who did it and when.

    Refused with 409, changing nothing: `users_changed_since` (listing them) when a later
    import has written any of its users since, or one is gone (revert the later import
    first); `import_not_revertible` when it is a dry run, refused, cancelled, still running,
    or reverted already.

    Args:
        import_id (int): The import's id.
        idempotency_key (None | str | Unset): As on POST /imports: a retry with the same key gets
            the first answer again (`Idempotent-Replayed: true`), and the revert runs once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportRecord | Problem]
     """


    kwargs = _get_kwargs(
        import_id=import_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    import_id: int,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> ImportRecord | Problem | None:
    """ Undo a completed import

     Undo a completed import in one transaction: the users it added are deleted, and the
    users it updated (`on_existing=update`) get back the name, Force Change Password and
    password hash they had before it (kept for as long as its record is). Its status becomes
    `reverted`, with who did it and when.

    Refused with 409, changing nothing: `users_changed_since` (listing them) when a later
    import has written any of its users since, or one is gone (revert the later import
    first); `import_not_revertible` when it is a dry run, refused, cancelled, still running,
    or reverted already.

    Args:
        import_id (int): The import's id.
        idempotency_key (None | str | Unset): As on POST /imports: a retry with the same key gets
            the first answer again (`Idempotent-Replayed: true`), and the revert runs once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportRecord | Problem
     """


    return sync_detailed(
        import_id=import_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    import_id: int,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ImportRecord | Problem]:
    """ Undo a completed import

     Undo a completed import in one transaction: the users it added are deleted, and the
    users it updated (`on_existing=update`) get back the name, Force Change Password and
    password hash they had before it (kept for as long as its record is). Its status becomes
    `reverted`, with who did it and when.

    Refused with 409, changing nothing: `users_changed_since` (listing them) when a later
    import has written any of its users since, or one is gone (revert the later import
    first); `import_not_revertible` when it is a dry run, refused, cancelled, still running,
    or reverted already.

    Args:
        import_id (int): The import's id.
        idempotency_key (None | str | Unset): As on POST /imports: a retry with the same key gets
            the first answer again (`Idempotent-Replayed: true`), and the revert runs once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportRecord | Problem]
     """


    kwargs = _get_kwargs(
        import_id=import_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    import_id: int,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,

) -> ImportRecord | Problem | None:
    """ Undo a completed import

     Undo a completed import in one transaction: the users it added are deleted, and the
    users it updated (`on_existing=update`) get back the name, Force Change Password and
    password hash they had before it (kept for as long as its record is). Its status becomes
    `reverted`, with who did it and when.

    Refused with 409, changing nothing: `users_changed_since` (listing them) when a later
    import has written any of its users since, or one is gone (revert the later import
    first); `import_not_revertible` when it is a dry run, refused, cancelled, still running,
    or reverted already.

    Args:
        import_id (int): The import's id.
        idempotency_key (None | str | Unset): As on POST /imports: a retry with the same key gets
            the first answer again (`Idempotent-Replayed: true`), and the revert runs once.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportRecord | Problem
     """


    return (await asyncio_detailed(
        import_id=import_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
