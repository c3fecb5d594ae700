"""HTTP routes for the template and for imports."""

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy.orm import Session

from app.codes import ProblemCode
from app.dependencies import (
    DatabaseDep,
    GateDep,
    HasherDep,
    JobsDep,
    SettingsDep,
    ValidatorDep,
)
from app.errors import (
    ImportFinishedError,
    JobsUnavailableError,
    NotFoundError,
    problem_response,
    problem_responses,
    problem_type,
)
from app.imports.options import ErrorsFormat, OnExisting, resolve_options
from app.imports.repository import ImportRepository
from app.imports.schemas import (
    UNFINISHED,
    ImportListItem,
    ImportPage,
    ImportRecord,
    ImportStatus,
    ImportSummary,
)
from app.imports.service import import_checked_file, new_record
from app.imports.template import TEMPLATE_BYTES, TEMPLATE_FILENAME
from app.imports.upload import UPLOAD_REQUEST_BODY, UploadDep, check_import_query
from app.imports.validation_pool import JobPlan
from app.jobs import pipeline
from app.models import MAX_ID, UserImport
from app.pagination import decode_cursor, split_page
from app.schemas import Problem, RowError
from app.security.auth import AdminDep, ReaderDep

router = APIRouter(tags=["imports"])


@router.get(
    "/template",
    summary="Download the CSV template",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def get_template() -> Response:
    """The header row every import file starts with, UTF-8 with a BOM."""
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


@router.post(
    "/imports",
    status_code=HTTPStatus.CREATED,
    response_model=ImportSummary,
    summary="Import users from a CSV file",
    responses={
        200: {"model": ImportSummary, "description": "Dry run: the file is valid, nothing added."},
        202: {"model": ImportSummary, "description": "A large file, accepted as a job: poll it."},
        **problem_responses(401, 403, 413, 415, 422, 429, 503),
    },
    openapi_extra=UPLOAD_REQUEST_BODY,
    dependencies=[Depends(check_import_query)],
)
async def create_import(
    principal: AdminDep,
    upload: UploadDep,
    db: DatabaseDep,
    hasher: HasherDep,
    settings: SettingsDep,
    jobs: JobsDep,
    gate: GateDep,
    validator: ValidatorDep,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="Only check the file: answer 200 and add nothing.")
    ] = False,
    on_existing: Annotated[
        OnExisting | None,
        Query(
            description="A row whose address the directory holds already: `error` (default) "
            "refuses the file (`already_exists`), `skip` leaves that user as it is, `update` "
            "sets its name, password and Force Change Password. Also a form field."
        ),
    ] = None,
    errors_format: Annotated[
        ErrorsFormat | None,
        Query(
            description="`csv` answers a refused file with the CSV error file (as "
            "`Accept: text/csv` does); `json` (default) with the problem. Also a form field."
        ),
    ] = None,
    accept: Annotated[str, Header(include_in_schema=False)] = "",
) -> ImportSummary | Response:
    """Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code. A file with more rows than
    USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location` until it is
    `completed`, `failed` or `cancelled`; workers hash it a chunk at a time. Dry runs are
    always answered at once. When the service is already busy with as many imports as it
    queues, the answer is 429 with `Retry-After`.
    """
    options = resolve_options(dry_run, on_existing, errors_format, upload.fields, accept)
    async with gate.admit():
        plan = await validator.plan(upload.data, dry_run)
        if isinstance(plan, JobPlan):
            if jobs is None:
                raise JobsUnavailableError(
                    "Files this large are imported as jobs, which need a staging key "
                    "(USERIMPORT_STAGING_KEY); import at most "
                    f"{settings.sync_max_rows} rows at a time meanwhile."
                )
            record = new_record(upload, options, created_by=principal.key_name)
            record.rows = record.progress_total = plan.rows
            runtime = jobs
            queued = await db.run(
                lambda session: pipeline.submit(runtime, session, record, upload.data)
            )
            response.status_code = HTTPStatus.ACCEPTED
            response.headers["Location"] = f"/imports/{queued.id}"
            return ImportSummary.model_validate(queued)
        record = await import_checked_file(
            db, hasher, upload, plan, settings, options, created_by=principal.key_name
        )
    if record.status == ImportStatus.FAILED:
        return problem_response(refused(record))
    if dry_run:
        response.status_code = HTTPStatus.OK
    else:
        response.headers["Location"] = f"/imports/{record.id}"
    return ImportSummary.model_validate(record)


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
    if record.status not in UNFINISHED:
        raise ImportFinishedError(
            f"Import {import_id} has ended ({record.status}); only a queued or running job "
            "can be cancelled."
        )
    pipeline.cancel(session, record)
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
