"""What the API shows of a user: never a password or its hash."""

from datetime import datetime

from pydantic import Field

from app.core.schemas import Schema


class UserOut(Schema):
    id: int = Field(description="The user's id.")
    email: str = Field(description="The address as imported (domain lower-cased).")
    name: str = Field(description="Display name.")
    force_change_password: bool = Field(description="Must change the password at next sign-in.")
    created_at: datetime = Field(description="When the user was added (UTC).")
    import_id: int | None = Field(
        description="The import that added the user; null once that import's record has been "
        "pruned (USERIMPORT_RETENTION_DAYS)."
    )


class UserPage(Schema):
    items: list[UserOut] = Field(description="Users in the order they were added.")
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null at the end."
    )
