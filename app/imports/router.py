"""HTTP routes for the template and for imports."""

from dataclasses import replace
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy.orm import Session

from app.auth.deps import AdminDep, ReaderDep
from app.core.codes import ProblemCode
from app.core.errors import PROBLEM_MEDIA_TYPE, NotFoundError, problem_type
from app.core.schemas import Problem, RowError
from app.db.models.base import MAX_ID
from app.db.models.imports import UserImport
from app.http.deps import DatabaseDep
from app.http.pagination import decode_cursor, split_page
from app.http.problems import problem_response, problem_responses
from app.imports import status, tasks
from app.imports.deps import ImportServicesDep
from app.imports.error_file import FILENAME as ERRORS_FILENAME
from app.imports.error_file import RowCells, error_csv, read_cells
from app.imports.idempotency import HEADER as IDEMPOTENCY_HEADER
from app.imports.idempotency import Answer, check_key, fingerprint
from app.imports.once import run_once
from app.imports.options import ErrorsFormat, ImportOptions, OnExisting, resolve_options
from app.imports.pipeline import ImportServices, Upload, import_upload
from app.imports.problems import ImportFinishedError
from app.imports.repository import ImportRepository
from app.imports.schemas import ImportListItem, ImportPage, ImportRecord, ImportSummary
from app.imports.status import ImportStatus
from app.imports.template import TEMPLATE_BYTES, TEMPLATE_FILENAME
from app.imports.upload import UPLOAD_REQUEST_BODY, UploadDep, check_import_query

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


@router.get(
    "/imports",
    response_model=ImportPage,
    summary="List imports, newest first",
    responses=problem_responses(400, 401, 422, 503),
)
async def list_imports(
    _reader: ReaderDep,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most imports per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> ImportPage:
    """Every import attempt: completed, validated and failed. Each item says how many errors
    a refused file had; `GET /imports/{id}` lists them."""
    before = decode_cursor(cursor) if cursor else None

    def load(session: Session) -> ImportPage:
        rows = ImportRepository(session).page(limit, before_id=before)
        page, next_cursor = split_page(rows, limit, lambda record: record.id)
        items = [ImportListItem.model_validate(record) for record in page]
        return ImportPage(items=items, next_cursor=next_cursor)

    return await db.run(load)


def _record(session: Session, import_id: int) -> ImportRecord:
    record = ImportRepository(session).get(import_id)
    if record is None:
        raise NotFoundError(f"There is no import {import_id}.")
    return ImportRecord.model_validate(record)


ImportId = Annotated[int, Path(ge=1, le=MAX_ID, description="The import's id.")]


@router.get(
    "/imports/{import_id}",
    response_model=ImportRecord,
    summary="Show one import",
    responses=problem_responses(401, 404, 422, 503),
)
async def get_import(_reader: ReaderDep, db: DatabaseDep, import_id: ImportId) -> ImportRecord:
    """The record of an attempt, with its errors when it was refused."""
    return await db.run(lambda session: _record(session, import_id))


def _cancel(session: Session, import_id: int) -> ImportRecord:
    record = ImportRepository(session).lock(import_id)
    if record is None:
        raise NotFoundError(f"There is no import {import_id}.")
    if not status.is_unfinished(record):
        raise ImportFinishedError(
            f"Import {import_id} has ended ({record.status}); only a queued or running job "
            "can be cancelled."
        )
    tasks.cancel(session, record)
    return ImportRecord.model_validate(record)


@router.post(
    "/imports/{import_id}/cancel",
    response_model=ImportRecord,
    summary="Cancel a queued or running import job",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def cancel_import(_admin: AdminDep, db: DatabaseDep, import_id: ImportId) -> ImportRecord:
    """Stop a job: its status becomes `cancelled`, no user is added and its staged data is
    deleted at once; tasks of it still queued or running end without effect. An import that
    has ended (completed, failed, validated, cancelled) answers 409."""
    return await db.run(lambda session: _cancel(session, import_id))
