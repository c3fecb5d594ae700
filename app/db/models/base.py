"""What every table shares: the declarative base with its naming convention, UTC timestamps, and
the limits the columns impose."""

from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    MetaData,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


# Limits the columns below impose, shared with the checks that keep inputs within them.
MAX_EMAIL_LENGTH = 254  # RFC 5321's bound on an address


MAX_ID = 2_147_483_647  # ids are 32-bit integers: a larger one cannot exist


MAX_KEY_NAME_LENGTH = 64


def utcnow() -> datetime:
    return datetime.now(UTC)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """For comparing the models with a database: procrastinate's tables are its own (applied
    from its schema file by a migration), not the models'."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
