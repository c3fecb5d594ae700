"""The directory: its users, the one address space they share (every primary address and alias,
each held by one user: the database refuses an address held twice), and every change to a
user, as events."""

from datetime import datetime

from sqlalchemy import Boolean, FetchedValue, Index, Integer, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import MAX_EMAIL_LENGTH, Base, UTCDateTime, utcnow


class DirectoryUser(Base):
    __tablename__ = "directory_user"
    __table_args__ = (
        # A page of one import's users: filtered by import, ordered by id.
        Index("ix_directory_user_import_id_id", "import_id", "id"),
        Index("ix_directory_user_scim_id", "scim_id", unique=True),
        # Only users that have one (a file's have none): migrations/versions/
        # 2026-12-05-0900_external_id_partial_index.py.
        Index(
            "ix_directory_user_external_id",
            "external_id",
            postgresql_where=text("external_id IS NOT NULL"),
            sqlite_where=text("external_id IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},  # a deleted user's id is never another's
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))  # the primary address
    # The primary address lower-cased; its uniqueness is directory_address's (one address
    # space for primaries and aliases), so no index of its own here.
    email_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(255))
    force_change_password: Mapped[bool] = mapped_column(Boolean)
    # A disabled user keeps its addresses reserved.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Bumped by every write (an import, a revert, an API call): the ETag of GET /users/{id}.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who added the user (an API key's name): with created_at and import_id, its `added` event,
    # read from the user itself (stored as an event only once the user is deleted).
    created_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The import that added the user; None once that import's record was pruned. Not a foreign
    # key: a job's commit adds a million users in one statement, and the database checked the
    # link per row (migrations/versions/2026-12-03-0500_directory_import_link.py).
    import_id: Mapped[int | None] = mapped_column(Integer)
    # The import that wrote the user last (added or updated it); None once anything else wrote
    # it (an API call): a revert undoes only what nothing has changed since.
    updated_by: Mapped[int | None] = mapped_column(Integer)
    # Provisioning (SCIM): the user's opaque id there (32 random hex digits the database draws
    # for every new user, whoever adds it: never another user's), the provider's externalId,
    # the SCIM name parts as sent (JSON; displayName is the Name), and the provisioner key
    # managing the user (a file may then not change it).
    scim_id: Mapped[str] = mapped_column(String(32), server_default=FetchedValue())
    external_id: Mapped[str | None] = mapped_column(String(255))
    profile: Mapped[str | None] = mapped_column(Text)
    managed_by: Mapped[str | None] = mapped_column(String(64))


class DirectoryAddress(Base):
    """Every address of every user, its primary and its aliases, in one address space: the key
    is unique, so an address is held by one user only, whatever wrote it and whatever the
    race."""

    __tablename__ = "directory_address"
    __table_args__ = (Index("ix_directory_address_user_id", "user_id"),)

    address_key: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH), primary_key=True)
    address: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))  # as written
    # No foreign key (a job's commit writes millions in one statement): a user's addresses go
    # with it, in the same transaction.
    user_id: Mapped[int] = mapped_column(Integer)
    primary: Mapped[bool] = mapped_column("is_primary", Boolean)


class DirectoryEvent(Base):
    """A change to a user: when, by whom (an API key's name; an import's id too when an import
    or its revert made it), what kind, and the names of the fields it changed, never their
    values. Kept after the user is deleted; pruned with the import records' retention. A user's
    `added` is read from the user while it exists (a job adding a million users writes no
    million events saying what its users say), and stored here when it is deleted."""

    __tablename__ = "directory_event"
    __table_args__ = (
        Index("ix_directory_event_user_id_id", "user_id", "id"),
        Index("ix_directory_event_at", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[str] = mapped_column(String(255), default="")  # comma-separated names
