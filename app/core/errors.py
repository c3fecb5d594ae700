"""Errors that carry their HTTP status and stable code (answered as problem+json by
app/http/problems.py): the service's own base class, and the errors any part may raise."""

from http import HTTPStatus
from typing import ClassVar

from app.core.codes import ProblemCode
from app.core.schemas import InvalidParam, Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"


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
