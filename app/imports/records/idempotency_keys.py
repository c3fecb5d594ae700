"""Idempotency-Key on POST /imports and a revert (after the IETF httpapi draft): the key, the
request's fingerprint, the answer kept, and all SQL about them; a retry with the same key and
the same request gets the first answer again (app/imports/records/run_once.py runs it once)."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.errors import InvalidRequestError
from app.core.schemas import InvalidParam
from app.db.models.base import utcnow
from app.db.models.imports import IdempotencyRecord
from app.imports.options import ImportOptions

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x20-\x7e]{1,255}")


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        reason = "1 to 255 printable ASCII characters."
        raise InvalidRequestError([InvalidParam(name=f"header.{HEADER}", reason=reason)])
    return key


def fingerprint(digest: str, options: ImportOptions) -> str:
    """The request as far as what it does depends on it: the file's SHA-256 (hex) and the
    options. Not the answer's format: a retry may ask for a refusal as the CSV error file."""
    described = f"{digest}|{options.dry_run}|{options.on_existing}"
    return hashlib.sha256(described.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to an upload, as kept for a retry."""

    status_code: int
    body: str
    location: str | None = None
    csv_errors: bool = False  # sent as the CSV error file, built from the upload again


class IdempotencyRepository:
    """All SQL about idempotency keys."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(
        self, owner: str, key: str, request: str, ttl: timedelta, lease: timedelta
    ) -> IdempotencyRecord | None:
        """Take the key for this request (None), or the record of the one that took it first.
        Expired keys are forgotten first; a claim for the same request whose lease ran out
        (its process died before answering) is taken over."""
        now = utcnow()
        self.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
        record = IdempotencyRecord(
            owner=owner, key=key, fingerprint=request, csv_errors=False, expires_at=now + ttl,
            lease_until=now + lease,
        )  # fmt: skip
        try:
            with self.session.begin_nested():
                self.session.add(record)
        except IntegrityError:
            taken = (
                update(IdempotencyRecord)
                .where(
                    IdempotencyRecord.owner == owner,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.fingerprint == request,
                    IdempotencyRecord.status_code.is_(None),
                    or_(
                        IdempotencyRecord.lease_until.is_(None),
                        IdempotencyRecord.lease_until <= now,
                    ),
                )
                .values(lease_until=now + lease, expires_at=now + ttl)
            )
            if self.session.execute(taken).rowcount:  # type: ignore[attr-defined]
                return None
            return self.session.scalars(self._select(owner, key)).one()
        return None

    def delete_expired(self) -> int:
        deleted = self.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
        )
        return int(deleted.rowcount)  # type: ignore[attr-defined]

    def renew(self, owner: str, key: str, lease: timedelta, ttl: timedelta) -> None:
        """The request still runs: its claim holds for another lease, and is kept a TTL from
        now (a request running longer than the TTL is never forgotten and run twice)."""
        now = utcnow()
        self.session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.owner == owner,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status_code.is_(None),
            )
            .values(lease_until=now + lease, expires_at=now + ttl)
        )

    def complete(self, owner: str, key: str, answer: Answer) -> None:
        record = self._get(owner, key)
        if record is not None:
            record.status_code = answer.status_code
            record.body = answer.body
            record.location = answer.location
            record.csv_errors = answer.csv_errors
            record.lease_until = None

    def release(self, owner: str, key: str) -> None:
        """The request did not get an answer worth keeping: a retry runs it again."""
        self.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
            )
        )

    def _get(self, owner: str, key: str) -> IdempotencyRecord | None:
        return self.session.scalars(self._select(owner, key)).one_or_none()

    @staticmethod
    def _select(owner: str, key: str) -> Select[IdempotencyRecord]:
        return select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
        )
