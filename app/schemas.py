"""Response models shared by every router: the problem document and its row errors."""

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RowError(Schema):
    row: int | None = Field(
        description="Row number as a spreadsheet shows it (header = 1); null for the whole file."
    )
    column: str | None = Field(description="Template column name, or null for the whole row/file.")
    code: str = Field(description="Stable machine-readable code, e.g. invalid_email.")
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
    code: str = Field(description="Stable machine-readable code of the problem.")
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
