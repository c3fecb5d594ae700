"""Every error answered as problem+json (RFC 9457): the service's own (ProblemError), FastAPI's
validation errors (a JSON body that is not UTF-8 among them), Starlette's HTTP errors (a 405
names every method of its path) and the database out of reach (503)."""

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.codes import ProblemCode
from app.core.errors import (
    PROBLEM_MEDIA_TYPE,
    DatabaseUnavailableError,
    InvalidRequestError,
    ProblemError,
)
from app.core.logs import request_id
from app.core.schemas import InvalidParam, Problem

logger = logging.getLogger("userimport.errors")


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> JSONResponse:
    # Members that do not apply are left out; nested nulls (a whole-file row) are kept.
    body = {
        key: value for key, value in problem.model_dump(mode="json").items() if value is not None
    }
    if (rid := request_id.get()) is not None:
        body["request_id"] = rid
    return JSONResponse(
        body,
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting the given error statuses with the Problem schema."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }


_HTTP_CODES = {404: ProblemCode.NOT_FOUND, 405: ProblemCode.METHOD_NOT_ALLOWED}


def _param_name(location: Iterable[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _on_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.to_problem(), exc.response_headers())


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    params = [InvalidParam(name=_param_name(e["loc"]), reason=e["msg"]) for e in exc.errors()]
    return problem_response(InvalidRequestError(params).to_problem())


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method the request's path takes, over all its routes (Starlette names only the
    first route's: GET /imports and POST /imports are two)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL
               for route in routes)
    )  # fmt: skip


def _unreadable_body(exc: StarletteHTTPException) -> bool:
    """FastAPI's 400 for a JSON body whose bytes are not UTF-8 (invalid JSON text is its 422)."""
    return exc.status_code == HTTPStatus.BAD_REQUEST and isinstance(
        exc.__cause__, UnicodeDecodeError
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if _unreadable_body(exc):
        reason = "The body is not JSON: its bytes are not UTF-8."
        return problem_response(
            InvalidRequestError([InvalidParam(name="body", reason=reason)]).to_problem()
        )
    status = HTTPStatus(exc.status_code)
    headers = exc.headers
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        headers = {**(headers or {}), "Allow": allowed_methods(request)}
    problem = Problem(
        title=status.phrase,
        status=status,
        detail=str(exc.detail),
        code=_HTTP_CODES.get(status, ProblemCode.HTTP_ERROR),
    )
    return problem_response(problem, headers=headers)


async def _on_database_error(_request: Request, exc: Exception) -> JSONResponse:
    # The message names the failure, never the statement's values (hide_parameters).
    logger.error("database unavailable: %s", type(exc).__name__, exc_info=exc)
    error = DatabaseUnavailableError("The database does not answer; try again shortly.")
    return problem_response(error.to_problem(), error.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    # Errors that say the database is out of reach, not that a statement was wrong.
    for database_error in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(database_error, _on_database_error)
