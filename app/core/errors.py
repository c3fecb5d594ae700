"""Errors that carry their HTTP status and code, and the handlers that answer problem+json."""

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.codes import ProblemCode
from app.core.logs import request_id
from app.core.schemas import InvalidParam, Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("userimport.errors")


def problem_type(code: ProblemCode) -> str:
    """A URI per problem code; generic HTTP errors use about:blank."""
    return f"urn:user-import:problem:{code}"


class ProblemError(Exception):
    """An error the client can act on; subclasses fix status, code and title."""

    status: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    code: ClassVar[ProblemCode] = ProblemCode.INTERNAL_ERROR
    title: ClassVar[str] = "Internal server error"
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def response_headers(self) -> dict[str, str]:
        return self.headers

    def to_problem(self) -> Problem:
        return Problem(
            type=problem_type(self.code),
            title=self.title,
            status=self.status,
            detail=self.detail,
            code=self.code,
        )


class InvalidRequestError(ProblemError):
    """Parameters or form fields the operation does not take, or takes once."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code: ClassVar[ProblemCode] = ProblemCode.INVALID_REQUEST
    title = "Invalid request"

    def __init__(self, params: list[InvalidParam]) -> None:
        super().__init__("The request's parameters are not valid; see invalid_params.")
        self.params = params

    def to_problem(self) -> Problem:
        return super().to_problem().model_copy(update={"invalid_params": self.params})


class UnauthorizedError(ProblemError):
    status = HTTPStatus.UNAUTHORIZED
    code: ClassVar[ProblemCode] = ProblemCode.UNAUTHORIZED
    title = "Unauthorized"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class ForbiddenError(ProblemError):
    status = HTTPStatus.FORBIDDEN
    code: ClassVar[ProblemCode] = ProblemCode.FORBIDDEN
    title = "Forbidden"


class NotFoundError(ProblemError):
    status = HTTPStatus.NOT_FOUND
    code: ClassVar[ProblemCode] = ProblemCode.NOT_FOUND
    title = "Not found"


class InvalidCursorError(ProblemError):
    status = HTTPStatus.BAD_REQUEST
    code: ClassVar[ProblemCode] = ProblemCode.INVALID_CURSOR
    title = "Invalid cursor"


class DatabaseUnavailableError(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code: ClassVar[ProblemCode] = ProblemCode.DATABASE_UNAVAILABLE
    title = "Database unavailable"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


class SchemaOutdatedError(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code: ClassVar[ProblemCode] = ProblemCode.SCHEMA_OUTDATED
    title = "Database not migrated"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


class TooManyImportsError(ProblemError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code: ClassVar[ProblemCode] = ProblemCode.TOO_MANY_IMPORTS
    title = "Too many imports at once"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


class OverloadedError(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code: ClassVar[ProblemCode] = ProblemCode.OVERLOADED
    title = "Service overloaded"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class UnsupportedMediaTypeError(ProblemError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code: ClassVar[ProblemCode] = ProblemCode.UNSUPPORTED_MEDIA_TYPE
    title = "Unsupported media type"


class UploadTooLargeError(ProblemError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code: ClassVar[ProblemCode] = ProblemCode.UPLOAD_TOO_LARGE
    title = "Upload too large"


class ClientDisconnectedError(ProblemError):
    status = HTTPStatus.BAD_REQUEST
    code: ClassVar[ProblemCode] = ProblemCode.CLIENT_DISCONNECTED
    title = "Client disconnected"


class MissingFileError(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code: ClassVar[ProblemCode] = ProblemCode.MISSING_FILE
    title = "Missing file"


class InvalidMultipartError(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code: ClassVar[ProblemCode] = ProblemCode.INVALID_MULTIPART
    title = "Invalid multipart body"


class ImportFinishedError(ProblemError):
    status = HTTPStatus.CONFLICT
    code: ClassVar[ProblemCode] = ProblemCode.IMPORT_FINISHED
    title = "Import already finished"


class ImportNotRevertibleError(ProblemError):
    status = HTTPStatus.CONFLICT
    code: ClassVar[ProblemCode] = ProblemCode.IMPORT_NOT_REVERTIBLE
    title = "Import cannot be reverted"


class UsersChangedSinceError(ProblemError):
    status = HTTPStatus.CONFLICT
    code: ClassVar[ProblemCode] = ProblemCode.USERS_CHANGED_SINCE
    title = "Users changed since the import"

    def __init__(self, detail: str, users: list[str], count: int) -> None:
        super().__init__(detail)
        self.users, self.count = users, count

    def to_problem(self) -> Problem:
        update = {"users": self.users, "user_count": self.count}
        return super().to_problem().model_copy(update=update)


class JobsUnavailableError(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code: ClassVar[ProblemCode] = ProblemCode.JOBS_UNAVAILABLE
    title = "Large imports unavailable"


class IdempotencyInProgressError(ProblemError):
    status = HTTPStatus.CONFLICT
    code: ClassVar[ProblemCode] = ProblemCode.IDEMPOTENCY_IN_PROGRESS
    title = "Request in progress"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class IdempotencyKeyReusedError(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code: ClassVar[ProblemCode] = ProblemCode.IDEMPOTENCY_KEY_REUSED
    title = "Idempotency key reused"


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


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
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
    # Anything else is answered by app.http.middleware.UnhandledErrorAsProblem.
