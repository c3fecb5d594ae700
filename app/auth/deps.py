"""Bearer API keys on every route that needs them: admin and reader keys on the service's own
routes, provisioner keys on /scim/v2 only (app/scim/auth.py)."""

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth.keys import ActiveKey, ApiKeyRepository, Role, key_digest
from app.core.config import Settings
from app.core.errors import ForbiddenError, UnauthorizedError
from app.db.engine import Database
from app.db.models.base import utcnow
from app.http.deps import DatabaseDep, SettingsDep

ENV_KEY_NAME = "USERIMPORT_API_KEY"
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key: `Authorization: Bearer <key>` (see `userimport keys create`).",
)


@dataclass(frozen=True, slots=True)
class Principal:
    key_name: str
    role: Role
    # Whose Idempotency-Keys these are: the stored key's id (a new key of the same name is
    # another key), or the environment key's digest (a rotated one is another key).
    key_scope: str


class KeyGate:
    """A request's key, looked up the same way whether it is missing, malformed or unknown,
    and checked by `allowed` (which raises 403 for a role that may not pass).

    The lookup is one short read: in a transaction of its own (`checked`, what `authenticate`
    does), or first in the transaction of the work the request asks for (`check`: one trip to
    the database instead of two). `last_used_at` is written in a transaction of its own, at
    most once a minute per key (`touch`), so no request ever holds a key's row lock for long.
    """

    def __init__(
        self,
        credentials: HTTPAuthorizationCredentials | None,
        settings: Settings,
        allowed: Callable[[Principal], Principal] = lambda principal: principal,
    ) -> None:
        self._token = credentials.credentials if credentials is not None else ""
        self._digest = key_digest(self._token)
        env_key = settings.api_key.get_secret_value() if settings.api_key else None
        self._env_digest = key_digest(env_key) if env_key else None
        self._allowed = allowed
        self._stored: ActiveKey | None = None

    def check(self, session: Session) -> Principal:
        stored = ApiKeyRepository(session).active_by_digest(self._digest)
        if self._env_digest and hmac.compare_digest(self._digest, self._env_digest):
            return self._allowed(Principal(ENV_KEY_NAME, Role.ADMIN, f"env:{self._digest[:32]}"))
        if stored is None or not self._token:
            raise UnauthorizedError("Send a valid API key as `Authorization: Bearer <key>`.")
        principal = self._allowed(Principal(stored.name, stored.role, f"key:{stored.id}"))
        self._stored = stored
        return principal

    async def checked(self, db: Database) -> Principal:
        principal = await db.run(self.check)
        await self.touch(db)
        return principal

    async def touch(self, db: Database) -> None:
        stored, now = self._stored, utcnow()
        if stored is not None and ApiKeyRepository.is_due_for_touch(stored.last_used_at, now):
            await db.run(lambda session: ApiKeyRepository(session).touch(stored.id, now))
            self._stored = None


async def authenticate(
    db: DatabaseDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    """The caller's key (KeyGate), checked before the route runs."""
    return await KeyGate(credentials, settings).checked(db)


async def require_reader(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role == Role.PROVISIONER:
        raise ForbiddenError("A provisioner key may only use /scim/v2.")
    return principal


async def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role == Role.PROVISIONER:
        raise ForbiddenError("A provisioner key may only use /scim/v2.")
    if principal.role != Role.ADMIN:
        raise ForbiddenError("This key may only read; importing users needs an admin key.")
    return principal


ReaderDep = Annotated[Principal, Depends(require_reader)]
AdminDep = Annotated[Principal, Depends(require_admin)]
