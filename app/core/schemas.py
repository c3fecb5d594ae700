"""Response models shared by every router: the problem document and its row errors."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.core.codes import (
    PROBLEM_CODE_MEANINGS,
    ROW_CODE_MEANINGS,
    ProblemCode,
    RowCode,
    described,
)


def _open_code(meanings: dict[RowCode, str] | dict[ProblemCode, str], what: str) -> WithJsonSchema:
    """A code documented as a string with every value listed, not as an enum: a client
    generated from the document keeps working when a code is added."""
    return WithJsonSchema(
        {
            "type": "string",
            "description": f"{what} One of:\n{described(meanings)}",
            "examples": [code.value for code in meanings],
        }
    )


ErrorCode = Annotated[
    RowCode, _open_code(ROW_CODE_MEANINGS, "Stable machine-readable code of the problem.")
]
ProblemCodeField = Annotated[
    ProblemCode, _open_code(PROBLEM_CODE_MEANINGS, "Stable machine-readable code of the problem.")
]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RowError(Schema):
    row: int | None = Field(
        description="Row number as a spreadsheet shows it (header = 1); null for the whole file."
    )
    column: str | None = Field(description="Template column name, or null for the whole row/file.")
    code: ErrorCode
    message: str = Field(description="What is wrong and how to fix it. Never quotes a password.")


class InvalidParam(Schema):
    name: str = Field(description="Where the bad value was, e.g. query.limit.")
    reason: str = Field(description="Why it was refused.")


class Problem(Schema):
    """RFC 9457 problem details, served as application/problem+json."""

    type: str = Field(default="about:blank", description="URI naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="Explanation of this occurrence.")
    code: ProblemCodeField
    import_id: int | None = Field(default=None, description="The import record of a refused file.")
    errors: list[RowError] | None = Field(
        default=None, description="Every problem found in a refused file."
    )
    error_count: int | None = Field(
        default=None, description="Total number of errors (errors may hold only the first ones)."
    )
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="Request parameters that were refused."
    )
    users: list[str] | None = Field(
        default=None,
        description="The addresses of the users that stop a revert (changed by a later import, "
        "or gone): the first ones, in order.",
    )
    user_count: int | None = Field(
        default=None, description="How many users stop the revert (users may hold fewer)."
    )
    request_id: str | None = Field(
        default=None,
        description="The request's id (its X-Request-ID, or one made for it): quote it when "
        "asking about this answer; it is in the service's log lines too.",
    )
