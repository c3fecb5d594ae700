"""The errors an import, a job, a revert or an Idempotency-Key answers with (each its status
and stable code)."""

from http import HTTPStatus
from typing import ClassVar

from app.core.codes import ProblemCode
from app.core.errors import ProblemError
from app.core.schemas import Problem


class TooManyImportsError(ProblemError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code: ClassVar[ProblemCode] = ProblemCode.TOO_MANY_IMPORTS
    title = "Too many imports at once"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


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
