"""What the API shows of an import attempt."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from app.core.models import UserImport
from app.core.schemas import RowError, Schema


class ImportStatus(StrEnum):
    QUEUED = "queued"
    VALIDATING = "validating"
    HASHING = "hashing"
    INSERTING = "inserting"
    COMPLETED = "completed"
    VALIDATED = "validated"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNFINISHED = (
    ImportStatus.QUEUED,
    ImportStatus.VALIDATING,
    ImportStatus.HASHING,
    ImportStatus.INSERTING,
)


class Progress(Schema):
    done: int = Field(
        description="Rows through the current step: a job's rows hashed so far, across all "
        "its workers (a chunk at a time)."
    )
    total: int = Field(description="Rows in the file.")


class ImportSummary(Schema):
    id: int = Field(description="The import's id; GET /imports/{id} shows it again.")
    status: ImportStatus = Field(
        description=(
            "completed: users added; validated: dry run of a valid file; failed: refused or "
            "interrupted; cancelled: a job stopped by POST /imports/{id}/cancel; a job is "
            "queued, then validating, hashing and inserting."
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
        description="Users added (0 when refused); for a dry run, the users it would add."
    )
    updated: int = Field(
        description="Existing users whose name, password and Force Change Password were set "
        "(on_existing=update)."
    )
    skipped: int = Field(
        description="Rows left out because the directory holds their address (on_existing=skip)."
    )
    on_existing: str = Field(
        description="What the import did with addresses the directory held: error, skip, update."
    )
    created_at: datetime = Field(description="When the import was attempted (UTC).")
    created_by: str | None = Field(description="Name of the API key that made the import.")
    progress: Progress = Field(description="How far the import is: rows through its step.")

    @model_validator(mode="before")
    @classmethod
    def _progress_of_record(cls, data: Any) -> Any:
        if isinstance(data, UserImport):
            return {
                **{name: getattr(data, name) for name in cls.model_fields if hasattr(data, name)},
                "progress": {"done": data.progress_done, "total": data.progress_total},
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
