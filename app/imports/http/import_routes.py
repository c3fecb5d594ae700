"""HTTP routes that take a file: GET /template and POST /imports (the answer: a summary, a job to
follow, or the refusal as problem+json or the CSV error file)."""

from dataclasses import replace
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from app.auth.deps import AdminDep
from app.core.codes import ProblemCode
from app.core.errors import PROBLEM_MEDIA_TYPE, problem_type
from app.core.schemas import Problem, RowError
from app.db.models.imports import UserImport
from app.http.problems import problem_response, problem_responses
from app.imports.http.deps import ImportServicesDep
from app.imports.http.dispatch import ImportServices, Upload, import_upload
from app.imports.http.error_file import FILENAME as ERRORS_FILENAME
from app.imports.http.error_file import RowCells, error_csv, read_cells
from app.imports.http.options import resolve_options
from app.imports.http.schemas import ImportSummary
from app.imports.http.upload import UPLOAD_REQUEST_BODY, UploadDep, check_import_query
from app.imports.options import ErrorsFormat, ImportOptions, OnExisting
from app.imports.reading.template import TEMPLATE_BYTES, TEMPLATE_FILENAME
from app.imports.records import status
from app.imports.records.idempotency_keys import HEADER as IDEMPOTENCY_HEADER
from app.imports.records.idempotency_keys import Answer, check_key, fingerprint
from app.imports.records.run_once import run_once
from app.imports.records.status import ImportStatus

router = APIRouter(tags=["imports"])


@router.get(
    "/template",
    summary="Download the CSV template",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def get_template() -> Response:
    """The header row every import file starts with, UTF-8 with a BOM. Password may be left
    empty only on a row that updates an existing user (`on_existing=update`): that user keeps
    their password. GET /users with `Accept: text/csv` answers the directory in this layout."""
    return Response(
        TEMPLATE_BYTES,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_FILENAME}"'},
    )


def refused(record: UserImport) -> Problem:
    return Problem(
        type=problem_type(ProblemCode.IMPORT_REFUSED),
        title="The file was refused",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        detail=(
            f"The file has {record.error_count} problem(s) and nothing was added. "
            "Fix them and upload the file again."
        ),
        code=ProblemCode.IMPORT_REFUSED,
        import_id=record.id,
        errors=[RowError.model_validate(error) for error in record.errors],
        error_count=record.error_count,
    )


IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ImportSummary, "description": "Dry run: the file is valid, nothing added."},
    202: {"model": ImportSummary, "description": "A large file, accepted as a job: poll it."},
    **problem_responses(401, 403, 409, 413, 415, 422, 429, 503),
}
IMPORT_RESPONSES[422] = {
    "description": "The file was refused (or the request is invalid): nothing was added. With "
    "`Accept: text/csv` or `errors_format=csv`, a refused file is answered with the CSV "
    "error file instead.",
    "content": {
        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}},
        "text/csv": {
            "schema": {"type": "string"},
            "example": '"Row","Email","Name","Password","Force Change Password","Errors"\r\n'
            '"3","ana@example","Ana","","TRUE","Email: The domain name has no dot."\r\n',
        },
    },
}


async def _run_import(
    upload: Upload, options: ImportOptions, created_by: str, services: ImportServices
) -> tuple[Answer, RowCells | None]:
    """The import itself, as an answer that can be kept for a retry (and, for the CSV error
    file, the cells of the file's rows as they were read)."""
    outcome = await import_upload(services, upload, options, created_by=created_by)
    record = outcome.record
    cells = outcome.validation.cells if outcome.validation is not None else None
    if status.is_unfinished(record):  # a job: queued, or its parts checked as they arrived
        summary = ImportSummary.model_validate(record).model_dump_json()
        return Answer(HTTPStatus.ACCEPTED, summary, f"/imports/{record.id}"), None
    if record.status == ImportStatus.FAILED:
        body = bytes(problem_response(refused(record)).body).decode()
        csv = options.errors_format == ErrorsFormat.CSV
        return Answer(HTTPStatus.UNPROCESSABLE_ENTITY, body, csv_errors=csv), cells
    summary = ImportSummary.model_validate(record).model_dump_json()
    if options.dry_run:
        return Answer(HTTPStatus.OK, summary), None
    return Answer(HTTPStatus.CREATED, summary, f"/imports/{record.id}"), None


def _respond(
    answer: Answer, upload: Upload, cells: RowCells | None = None, *, replayed: bool = False
) -> Response:
    headers = {"Location": answer.location} if answer.location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if answer.csv_errors:
        errors = Problem.model_validate_json(answer.body).errors or []
        headers["Content-Disposition"] = f'attachment; filename="{ERRORS_FILENAME}"'
        return Response(
            error_csv(read_cells(upload.data) if cells is None else cells, errors),
            status_code=answer.status_code,
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )
    media_type = PROBLEM_MEDIA_TYPE if answer.status_code >= 400 else "application/json"
    return Response(answer.body, answer.status_code, headers, media_type=media_type)


@router.post(
    "/imports",
    status_code=HTTPStatus.CREATED,
    response_model=ImportSummary,
    summary="Import users from a CSV file",
    responses=IMPORT_RESPONSES,
    openapi_extra=UPLOAD_REQUEST_BODY,
    dependencies=[Depends(check_import_query)],
)
async def create_import(
    principal: AdminDep,
    upload: UploadDep,
    services: ImportServicesDep,
    dry_run: Annotated[
        bool, Query(description="Only check the file: answer 200 and add nothing.")
    ] = False,
    on_existing: Annotated[
        OnExisting | None,
        Query(
            description="A row whose address the directory holds already: `error` (default) "
            "refuses the file (`already_exists`), `skip` leaves that user as it is, `update` "
            "sets its name, password and Force Change Password; with `update` an empty "
            "Password keeps that user's password (a new user still needs one: "
            "`missing_value`), so a file exported by GET /users (Accept: text/csv) can be "
            "edited and imported again. Also a form field."
        ),
    ] = None,
    errors_format: Annotated[
        ErrorsFormat | None,
        Query(
            description="`csv` answers a refused file with the CSV error file (as "
            "`Accept: text/csv` does); `json` (default) with the problem. Also a form field."
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            description="1-255 printable ASCII characters, unique per request of this API "
            "key: a retry with the same key and the same file and options gets the first "
            "answer again (`Idempotent-Replayed: true`; a refusal in the format the retry "
            "asks for, so the CSV error file can be fetched without a new import), and the "
            "import runs once. Kept "
            "USERIMPORT_IDEMPOTENCY_TTL_HOURS (24). While the first still runs: 409 "
            "`idempotency_in_progress`; with another file or options: 422 "
            "`idempotency_key_reused`.",
        ),
    ] = None,
    accept: Annotated[str, Header(include_in_schema=False)] = "",
) -> Response:
    """Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code (or, asked for, the CSV error file: the
    file's rows that have problems, with their messages, the Password column empty). A file
    with more rows than USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location`
    until it is `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry
    runs are always answered at once. When the service is already busy with as many imports
    as it queues, the answer is 429 with `Retry-After`.
    """
    options = resolve_options(dry_run, on_existing, errors_format, upload.fields, accept)
    created_by, owner = principal.key_name, principal.key_scope
    if idempotency_key is None:
        first, read = await _run_import(upload, options, created_by, services)
        return _respond(first, upload, read)
    cells: RowCells | None = None

    async def run() -> Answer:
        nonlocal cells
        answer, cells = await _run_import(upload, options, created_by, services)
        return answer

    request = fingerprint(upload.digest, options)
    answer, replayed = await run_once(
        services.db, services.settings, owner, check_key(idempotency_key), request, run,
        "This Idempotency-Key was used for another file or other options; use a new key for "
        "a new request.",
    )  # fmt: skip
    if replayed:
        # In the format the retry asks for: a refusal may be fetched again as the CSV error
        # file, its cells read from the retry's file.
        csv = options.errors_format == ErrorsFormat.CSV
        csv_errors = csv and answer.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        return _respond(replace(answer, csv_errors=csv_errors), upload, replayed=True)
    return _respond(answer, upload, cells)
