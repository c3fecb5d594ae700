"""HTTP routes for the template and for imports."""

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Response
from fastapi.responses import JSONResponse

from app.db import SessionDep
from app.dependencies import HasherDep, JobsDep, SettingsDep
from app.errors import NotFoundError, problem_response, problem_responses, problem_type
from app.imports.jobs import interrupt, is_stale
from app.imports.repository import ImportRepository
from app.imports.schemas import ImportPage, ImportRecord, ImportStatus, ImportSummary
from app.imports.service import new_record, run_import
from app.imports.template import TEMPLATE_BYTES, TEMPLATE_FILENAME
from app.imports.upload import UPLOAD_REQUEST_BODY, UploadDep
from app.imports.validation import count_user_rows
from app.models import MAX_ID, UserImport, utcnow
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
def get_template() -> Response:
    """The header row every import file starts with, UTF-8 with a BOM."""
    return Response(
        TEMPLATE_BYTES,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_FILENAME}"'},
    )


def refused(record: UserImport) -> Problem:
    return Problem(
        type=problem_type("import_refused"),
        title="The file was refused",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        detail=(
            f"The file has {record.error_count} problem(s) and nothing was added. "
            "Fix them and upload the file again."
        ),
        code="import_refused",
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
        **problem_responses(401, 403, 413, 415, 422),
    },
    openapi_extra=UPLOAD_REQUEST_BODY,
)
def create_import(
    principal: AdminDep,
    session: SessionDep,
    hasher: HasherDep,
    settings: SettingsDep,
    upload: UploadDep,
    jobs: JobsDep,
    background: BackgroundTasks,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="Only check the file: answer 200 and add nothing.")
    ] = False,
) -> ImportSummary | JSONResponse:
    """Add every user of the file in one transaction, or none and list every problem.

    The answer to a refused file is a 422 problem whose `errors` give each problem's
    spreadsheet row, template column and stable code. A file with more rows than
    USERIMPORT_SYNC_MAX_ROWS is accepted as a job (202): poll `Location` until it is
    `completed` or `failed`. Dry runs are always answered at once.
    """
    rows = None if dry_run else count_user_rows(upload.data)
    if rows is not None and settings.sync_max_rows < rows <= settings.max_rows:
        queued = jobs.queue(
            session, new_record(upload, dry_run=False, created_by=principal.key_name), rows
        )
        background.add_task(jobs.submit, queued.id, upload)  # after the commit
        response.status_code = HTTPStatus.ACCEPTED
        response.headers["Location"] = f"/imports/{queued.id}"
        return ImportSummary.model_validate(queued)
    record = run_import(
        session, hasher, upload, settings, dry_run=dry_run, created_by=principal.key_name
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
    responses=problem_responses(400, 401, 422),
)
def list_imports(
    _reader: ReaderDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most imports per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> ImportPage:
    """Every import attempt: completed, validated and failed."""
    before = decode_cursor(cursor) if cursor else None
    rows = ImportRepository(session).page(limit, before_id=before)
    page, next_cursor = split_page(rows, limit, lambda record: record.id)
    return ImportPage(
        items=[ImportRecord.model_validate(record) for record in page], next_cursor=next_cursor
    )


def valid_import(
    _reader: ReaderDep,
    session: SessionDep,
    jobs: JobsDep,
    import_id: Annotated[int, Path(ge=1, le=MAX_ID, description="The import's id.")],
) -> UserImport:
    record = ImportRepository(session).get(import_id)
    if record is None:
        raise NotFoundError(f"There is no import {import_id}.")
    if is_stale(record, utcnow(), jobs.stale_after):
        interrupt(record)  # its process is gone: say so rather than "running" forever
    return record


@router.get(
    "/imports/{import_id}",
    response_model=ImportRecord,
    summary="Show one import",
    responses=problem_responses(401, 404, 422),
)
def get_import(record: Annotated[UserImport, Depends(valid_import)]) -> ImportRecord:
    """The record of an attempt, with its errors when it was refused."""
    return ImportRecord.model_validate(record)
