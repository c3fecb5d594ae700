"""What the API shows of a user (never a password or its hash), what it takes to change one,
and a user's events."""

from datetime import datetime

from pydantic import ConfigDict, Field, SecretStr

from app.core.schemas import Schema


class UserOut(Schema):
    id: int = Field(description="The user's id (never given to another user).")
    email: str = Field(description="The primary address as written (domain lower-cased).")
    aliases: list[str] = Field(
        default_factory=list, description="The user's other addresses, linked to it."
    )
    name: str = Field(description="Display name.")
    force_change_password: bool = Field(description="Must change the password at next sign-in.")
    active: bool = Field(description="False: disabled (its addresses stay reserved).")
    version: int = Field(description="Goes up with every write; the ETag of GET /users/{id}.")
    created_at: datetime = Field(description="When the user was added (UTC).")
    updated_at: datetime | None = Field(description="When the user was last written (UTC).")
    import_id: int | None = Field(
        description="The import that added the user; null when an API call added it, or once "
        "that import's record has been pruned (USERIMPORT_RETENTION_DAYS)."
    )


class UserPage(Schema):
    items: list[UserOut] = Field(description="Users in the order they were added.")
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page; null at the end."
    )


class UserPatch(Schema):
    """The fields to change; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="Display name: one line.")
    force_change_password: bool | None = Field(default=None)
    active: bool | None = Field(
        default=None, description="false disables the user (its addresses stay reserved)."
    )
    aliases: list[str] | None = Field(
        default=None,
        description="The whole alias set (an empty list removes them): each checked as a "
        "file's Email is, free (no other user's address), at most USERIMPORT_MAX_ALIASES.",
    )
    password: SecretStr | None = Field(
        default=None,
        json_schema_extra={"writeOnly": True},
        description="A new password, under the same policy as a file's; hashed with argon2id, "
        "never shown or echoed.",
    )


class EventOut(Schema):
    id: int | None = Field(
        description="Events are numbered in the order they happened; null for `added`, "
        "always the first."
    )
    at: datetime = Field(description="When (UTC).")
    kind: str = Field(
        description="added, updated, disabled, enabled, aliases_changed, deleted or reverted."
    )
    actor: str | None = Field(description="The API key's name that made the change.")
    import_id: int | None = Field(description="The import (or reverted import) that made it.")
    fields: list[str] = Field(
        description="The names of the changed fields (never their values): name, "
        "force_change_password, password, active, aliases."
    )


class EventPage(Schema):
    items: list[EventOut] = Field(description="The user's events, newest first.")
    next_cursor: str | None = Field(description="Pass as cursor for older events; null at the end.")
