"""API keys (their digests, never the keys)."""

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import MAX_KEY_NAME_LENGTH, Base, UTCDateTime, utcnow


class ApiKey(Base):
    __tablename__ = "api_key"
    __table_args__ = (
        # One active key per name; a revoked key's name may be used again.
        Index(
            "uq_api_key_active_name",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_KEY_NAME_LENGTH))
    role: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the key, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
