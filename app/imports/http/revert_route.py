"""HTTP route for undoing an import (the decision: app/imports/records/revert.py)."""

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Header, Response
from sqlalchemy.orm import Session

from app.auth.deps import AdminDep
from app.http.problems import problem_responses
from app.imports.http.deps import ImportServicesDep
from app.imports.http.record_routes import ImportId
from app.imports.http.schemas import ImportRecord
from app.imports.records.idempotency_keys import HEADER as IDEMPOTENCY_HEADER
from app.imports.records.idempotency_keys import Answer, check_key
from app.imports.records.revert import revert
from app.imports.records.run_once import run_once

router = APIRouter(tags=["imports"])


def _revert(session: Session, import_id: int, by: str, max_listed: int) -> ImportRecord:
    return ImportRecord.model_validate(revert(session, import_id, by, max_listed))


@router.post(
    "/imports/{import_id}/revert",
    response_model=ImportRecord,
    summary="Undo a completed import",
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def revert_import(
    principal: AdminDep,
    services: ImportServicesDep,
    import_id: ImportId,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            description="As on POST /imports: a retry with the same key gets the first answer "
            "again (`Idempotent-Replayed: true`), and the revert runs once.",
        ),
    ] = None,
) -> Response:
    """Undo a completed import in one transaction: the users it added are deleted, and the
    users it updated (`on_existing=update`) get back the name, Force Change Password and
    password hash they had before it (kept for as long as its record is). Its status becomes
    `reverted`, with who did it and when.

    Refused with 409, changing nothing: `users_changed_since` (listing them) when a later
    import has written any of its users since, or one is gone (revert the later import
    first); `import_not_revertible` when it is a dry run, refused, cancelled, still running,
    or reverted already."""
    db, by = services.db, principal.key_name
    max_listed = services.settings.max_errors

    async def run() -> Answer:
        record = await db.run(lambda session: _revert(session, import_id, by, max_listed))
        return Answer(HTTPStatus.OK, record.model_dump_json())

    if idempotency_key is None:
        return _plain(await run())
    answer, replayed = await run_once(
        db, services.settings, principal.key_scope, check_key(idempotency_key),
        f"revert:{import_id}", run,
        "This Idempotency-Key was used for another request; use a new key.",
    )  # fmt: skip
    return _plain(answer, replayed=replayed)


def _plain(answer: Answer, *, replayed: bool = False) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(answer.body, answer.status_code, headers, media_type="application/json")
