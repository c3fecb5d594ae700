"""The errors a write to one user answers with, each its status and stable code."""

from typing import ClassVar

from app.core.codes import ProblemCode
from app.core.errors import ProblemError
from app.core.schemas import Problem, RowError


class InvalidUserError(ProblemError):
    status = 422
    code: ClassVar[ProblemCode] = ProblemCode.INVALID_USER
    title = "Invalid user"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} value(s) of the user are not valid; see errors.")
        self.errors = errors

    def to_problem(self) -> Problem:
        update = {"errors": self.errors, "error_count": len(self.errors)}
        return super().to_problem().model_copy(update=update)


class AddressTakenError(ProblemError):
    status = 409
    code: ClassVar[ProblemCode] = ProblemCode.ADDRESS_TAKEN
    title = "Address taken"


class VersionMismatchError(ProblemError):
    status = 412
    code: ClassVar[ProblemCode] = ProblemCode.VERSION_MISMATCH
    title = "Precondition failed"
