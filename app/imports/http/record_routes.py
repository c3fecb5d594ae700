"""HTTP routes over the record of imports: the history, one import, and cancelling a job."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from app.auth.deps import AdminDep, ReaderDep
from app.core.errors import NotFoundError
from app.db.models.base import MAX_ID
from app.http.deps import DatabaseDep
from app.http.pagination import decode_cursor, split_page
from app.http.problems import problem_responses
from app.imports.http.schemas import ImportListItem, ImportPage, ImportRecord
from app.imports.jobs.commit import cancel
from app.imports.problems import ImportFinishedError
from app.imports.records import status
from app.imports.records.repository import ImportRepository

router = APIRouter(tags=["imports"])


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
    cancel(session, record)
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
