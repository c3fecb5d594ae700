from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.create_import_body import CreateImportBody
from ...models.errors_format import ErrorsFormat
from ...models.import_summary import ImportSummary
from ...models.on_existing import OnExisting
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: CreateImportBody,
    dry_run: bool | Unset = False,
    on_existing: None | OnExisting | Unset = UNSET,
    errors_format: ErrorsFormat | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    json_on_existing: None | str | Unset
    if isinstance(on_existing, Unset):
        json_on_existing = UNSET
    elif isinstance(on_existing, OnExisting):
        json_on_existing = on_existing.value
    else:
        json_on_existing = on_existing
    params["on_existing"] = json_on_existing

    json_errors_format: None | str | Unset
    if isinstance(errors_format, Unset):
        json_errors_format = UNSET
    elif isinstance(errors_format, ErrorsFormat):
        json_errors_format = errors_format.value
    else:
        json_errors_format = errors_format
    params["errors_format"] = json_errors_format


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/imports",
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportSummary | Problem | None:
    if response.status_code == 200:
        response_200 = ImportSummary.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = ImportSummary.from_dict(response.json())



        return response_201

    if response.status_code == 202:
        response_202 = ImportSummary.from_dict(response.json())



        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportSummary | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateImportBody,
    dry_run: bool | Unset = False,
    on_existing: None | OnExisting | Unset = UNSET,
    errors_format: ErrorsFormat | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ImportSummary | Problem]:
    """ Import users from a CSV file

     Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code (or, asked for, the CSV error file: the
    file's rows that have problems, with their messages, the Password column empty). A file
    with more rows than USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location`
    until it is `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry
    runs are always answered at once. When the service is already busy with as many imports
    as it queues, the answer is 429 with `Retry-After`.

    Args:
        dry_run (bool | Unset): Only check the file: answer 200 and add nothing. Default: False.
        on_existing (None | OnExisting | Unset): A row whose address the directory holds already:
            `error` (default) refuses the file (`already_exists`), `skip` leaves that user as it is,
            `update` sets its name, password and Force Change Password; with `update` an empty
            Password keeps that user's password (a new user still needs one: `missing_value`), so a
            file exported by GET /users (Accept: text/csv) can be edited and imported again. Also a
            form field.
        errors_format (ErrorsFormat | None | Unset): `csv` answers a refused file with the CSV
            error file (as `Accept: text/csv` does); `json` (default) with the problem. Also a form
            field.
        idempotency_key (None | str | Unset): 1-255 printable ASCII characters, unique per request
            of this API key: a retry with the same key and the same file and options gets the first
            answer again (`Idempotent-Replayed: true`; a refusal in the format the retry asks for, so
            the CSV error file can be fetched without a new import), and the import runs once. Kept
            USERIMPORT_IDEMPOTENCY_TTL_HOURS (24). While the first still runs: 409
            `idempotency_in_progress`; with another file or options: 422 `idempotency_key_reused`.
        body (CreateImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSummary | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
dry_run=dry_run,
on_existing=on_existing,
errors_format=errors_format,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: CreateImportBody,
    dry_run: bool | Unset = False,
    on_existing: None | OnExisting | Unset = UNSET,
    errors_format: ErrorsFormat | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> ImportSummary | Problem | None:
    """ Import users from a CSV file

     Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code (or, asked for, the CSV error file: the
    file's rows that have problems, with their messages, the Password column empty). A file
    with more rows than USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location`
    until it is `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry
    runs are always answered at once. When the service is already busy with as many imports
    as it queues, the answer is 429 with `Retry-After`.

    Args:
        dry_run (bool | Unset): Only check the file: answer 200 and add nothing. Default: False.
        on_existing (None | OnExisting | Unset): A row whose address the directory holds already:
            `error` (default) refuses the file (`already_exists`), `skip` leaves that user as it is,
            `update` sets its name, password and Force Change Password; with `update` an empty
            Password keeps that user's password (a new user still needs one: `missing_value`), so a
            file exported by GET /users (Accept: text/csv) can be edited and imported again. Also a
            form field.
        errors_format (ErrorsFormat | None | Unset): `csv` answers a refused file with the CSV
            error file (as `Accept: text/csv` does); `json` (default) with the problem. Also a form
            field.
        idempotency_key (None | str | Unset): 1-255 printable ASCII characters, unique per request
            of this API key: a retry with the same key and the same file and options gets the first
            answer again (`Idempotent-Replayed: true`; a refusal in the format the retry asks for, so
            the CSV error file can be fetched without a new import), and the import runs once. Kept
            USERIMPORT_IDEMPOTENCY_TTL_HOURS (24). While the first still runs: 409
            `idempotency_in_progress`; with another file or options: 422 `idempotency_key_reused`.
        body (CreateImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSummary | Problem
     """


    return sync_detailed(
        client=client,
body=body,
dry_run=dry_run,
on_existing=on_existing,
errors_format=errors_format,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateImportBody,
    dry_run: bool | Unset = False,
    on_existing: None | OnExisting | Unset = UNSET,
    errors_format: ErrorsFormat | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ImportSummary | Problem]:
    """ Import users from a CSV file

     Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code (or, asked for, the CSV error file: the
    file's rows that have problems, with their messages, the Password column empty). A file
    with more rows than USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location`
    until it is `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry
    runs are always answered at once. When the service is already busy with as many imports
    as it queues, the answer is 429 with `Retry-After`.

    Args:
        dry_run (bool | Unset): Only check the file: answer 200 and add nothing. Default: False.
        on_existing (None | OnExisting | Unset): A row whose address the directory holds already:
            `error` (default) refuses the file (`already_exists`), `skip` leaves that user as it is,
            `update` sets its name, password and Force Change Password; with `update` an empty
            Password keeps that user's password (a new user still needs one: `missing_value`), so a
            file exported by GET /users (Accept: text/csv) can be edited and imported again. Also a
            form field.
        errors_format (ErrorsFormat | None | Unset): `csv` answers a refused file with the CSV
            error file (as `Accept: text/csv` does); `json` (default) with the problem. Also a form
            field.
        idempotency_key (None | str | Unset): 1-255 printable ASCII characters, unique per request
            of this API key: a retry with the same key and the same file and options gets the first
            answer again (`Idempotent-Replayed: true`; a refusal in the format the retry asks for, so
            the CSV error file can be fetched without a new import), and the import runs once. Kept
            USERIMPORT_IDEMPOTENCY_TTL_HOURS (24). While the first still runs: 409
            `idempotency_in_progress`; with another file or options: 422 `idempotency_key_reused`.
        body (CreateImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSummary | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
dry_run=dry_run,
on_existing=on_existing,
errors_format=errors_format,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateImportBody,
    dry_run: bool | Unset = False,
    on_existing: None | OnExisting | Unset = UNSET,
    errors_format: ErrorsFormat | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,

) -> ImportSummary | Problem | None:
    """ Import users from a CSV file

     Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code (or, asked for, the CSV error file: the
    file's rows that have problems, with their messages, the Password column empty). A file
    with more rows than USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location`
    until it is `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry
    runs are always answered at once. When the service is already busy with as many imports
    as it queues, the answer is 429 with `Retry-After`.

    Args:
        dry_run (bool | Unset): Only check the file: answer 200 and add nothing. Default: False.
        on_existing (None | OnExisting | Unset): A row whose address the directory holds already:
            `error` (default) refuses the file (`already_exists`), `skip` leaves that user as it is,
            `update` sets its name, password and Force Change Password; with `update` an empty
            Password keeps that user's password (a new user still needs one: `missing_value`), so a
            file exported by GET /users (Accept: text/csv) can be edited and imported again. Also a
            form field.
        errors_format (ErrorsFormat | None | Unset): `csv` answers a refused file with the CSV
            error file (as `Accept: text/csv` does); `json` (default) with the problem. Also a form
            field.
        idempotency_key (None | str | Unset): 1-255 printable ASCII characters, unique per request
            of this API key: a retry with the same key and the same file and options gets the first
            answer again (`Idempotent-Replayed: true`; a refusal in the format the retry asks for, so
            the CSV error file can be fetched without a new import), and the import runs once. Kept
            USERIMPORT_IDEMPOTENCY_TTL_HOURS (24). While the first still runs: 409
            `idempotency_in_progress`; with another file or options: 422 `idempotency_key_reused`.
        body (CreateImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSummary | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
dry_run=dry_run,
on_existing=on_existing,
errors_format=errors_format,
idempotency_key=idempotency_key,

    )).parsed
