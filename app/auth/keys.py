"""API keys: generated once, stored only as a SHA-256 digest with a name and a role."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from app.db.models.base import utcnow
from app.db.models.keys import ApiKey

KEY_PREFIX = "uik_"
# last_used_at is written at most this often per key, so reads do not all become writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Role(StrEnum):
    ADMIN = "admin"  # may import, and read
    READER = "reader"  # may list users and imports
    PROVISIONER = "provisioner"  # an identity provider: /scim/v2, and nothing else


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ActiveKey(NamedTuple):
    id: int
    name: str
    role: Role
    last_used_at: datetime | None


_ACTIVE_BY_DIGEST = select(ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.last_used_at).where(
    ApiKey.digest == bindparam("digest"), ApiKey.revoked_at.is_(None)
)


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """The stored key and the key itself, which is shown this once and never again."""
        key = new_key()
        record = ApiKey(name=name, role=role, digest=key_digest(key), created_at=utcnow())
        self.session.add(record)
        self.session.flush()
        return record, key

    def active_by_digest(self, digest: str) -> ActiveKey | None:
        """The active key with this digest: read on every request, so as columns on the
        session's connection, with no ORM object built."""
        row = self.session.connection().execute(_ACTIVE_BY_DIGEST, {"digest": digest}).first()
        return (
            None if row is None else ActiveKey(row.id, row.name, Role(row.role), row.last_used_at)
        )

    def active_by_name(self, name: str) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
        return self.session.scalars(query).one_or_none()

    def count_active(self) -> int:
        query = select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))
        return self.session.scalar(query) or 0

    def all(self) -> Sequence[ApiKey]:
        return self.session.scalars(select(ApiKey).order_by(ApiKey.id)).all()

    def revoke(self, key: ApiKey) -> None:
        key.revoked_at = utcnow()

    @staticmethod
    def is_due_for_touch(last_used_at: datetime | None, now: datetime) -> bool:
        return last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION

    def touch(self, key_id: int, now: datetime) -> None:
        """Record a use; a no-op when another request recorded one within the resolution."""
        query = (
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_RESOLUTION
                ),
            )
            .values(last_used_at=now)
        )
        self.session.execute(query)
