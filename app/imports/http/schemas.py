"""What the API shows of an import attempt."""

from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from app.core.schemas import RowError, Schema
from app.db.models.imports import UserImport
from app.imports.reading.user_row import UserRow
from app.imports.records.status import ImportStatus


class Progress(Schema):
    done: int = Field(
        description="Rows through the current step: a job's rows hashed so far, across all "
        "its workers (a chunk at a time)."
    )
    total: int = Field(description="Rows in the file.")


class Planned(Schema):
    added: int = Field(description="New users it adds (a dry run: would add).")
    updated: int = Field(description="Existing users it updates (on_existing=update).")
    skipped: int = Field(description="Rows it leaves out: the directory holds their address "
                         "(on_existing=skip).")  # fmt: skip


class ImportSummary(Schema):
    id: int = Field(description="The import's id; GET /imports/{id} shows it again.")
    status: ImportStatus = Field(
        description=(
            "completed: users added; validated: dry run of a valid file; failed: refused or "
            "interrupted; cancelled: a job stopped by POST /imports/{id}/cancel; reverted: "
            "undone by POST /imports/{id}/revert. A job is queued, then validating, hashing "
            "and inserting; a file received in parts is receiving while it arrives, then "
            "validating (its parts are checked as they arrive)."
        )
    )
    dry_run: bool = Field(description="True when the file was only checked.")
    filename: str | None = Field(description="The uploaded file's name (metadata only).")
    encoding: str | None = Field(
        description="How the file was decoded: utf-8, utf-16 or windows-1252."
    )
    delimiter: str | None = Field(description="The cell separator: comma, semicolon or tab.")
    columns: dict[str, str] = Field(
        description="Each header as written in the file and the template column it was read as."
    )
    rows: int = Field(description="User rows found in the file (blank rows not counted).")
    added: int = Field(
        description="Users added: written in the import's one transaction, so 0 until it is "
        "`completed` (a dry run, a refused, cancelled or running import: 0)."
    )
    updated: int = Field(
        description="Existing users whose name, password and Force Change Password were set "
        "(on_existing=update); 0 until `completed`."
    )
    skipped: int = Field(
        description="Rows left out because the directory holds their address (on_existing=skip); "
        "0 until `completed`."
    )
    planned: Planned = Field(
        description="What the import writes once its rows and the directory are checked: a dry "
        "run's would-be counts, a job's plan while it hashes (kept when it is cancelled or "
        "interrupted); all 0 before the check and for a refused file."
    )
    on_existing: str = Field(
        description="What the import did with addresses the directory held: error, skip, update."
    )
    created_at: datetime = Field(description="When the import was attempted (UTC).")
    created_by: str | None = Field(description="Name of the API key that made the import.")
    progress: Progress = Field(description="How far the import is: rows through its step.")
    reverted_at: datetime | None = Field(
        default=None, description="When the import was reverted (UTC); null unless reverted."
    )
    reverted_by: str | None = Field(
        default=None, description="Name of the API key that reverted it; null unless reverted."
    )

    @model_validator(mode="before")
    @classmethod
    def _progress_of_record(cls, data: Any) -> Any:
        if isinstance(data, UserImport):
            return {
                **{name: getattr(data, name) for name in cls.model_fields if hasattr(data, name)},
                "progress": {"done": data.progress_done, "total": data.progress_total},
                "planned": {
                    "added": data.planned_added,
                    "updated": data.planned_updated,
                    "skipped": data.planned_skipped,
                },
            }
        return data


class ImportRecord(ImportSummary):
    errors: list[RowError] = Field(description="Why a failed import was refused; empty otherwise.")
    error_count: int = Field(description="Total number of errors.")


class ImportListItem(ImportSummary):
    error_count: int = Field(
        description="How many errors a refused file had; GET /imports/{id} lists them."
    )


class ImportPage(Schema):
    items: list[ImportListItem] = Field(description="Imports, newest first (without errors).")
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null at the end."
    )


def user_row_schema() -> dict[str, Any]:
    """The row contract as an OpenAPI component of its own."""
    row = UserRow.model_json_schema(by_alias=True, mode="validation")
    row["description"] = (
        "One user row of the CSV file, by the template's column names (header names other "
        "consoles use are read as these columns). Each rule's failure is an error with the "
        "row, the column and one of the codes listed on RowError."
    )
    return row
