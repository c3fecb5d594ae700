"""Who may provision: provisioner keys only (admin and reader keys are refused, 403).

The users' routes check the key first in the transaction of the work itself (`as_provisioner`:
one trip to the database, not two); whatever they refuse before that trip (a body, a filter)
is answered only once the key passed (`key_first`), so a caller without a valid key learns
nothing but 401, as on every other route."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session

from app.auth.deps import KeyGate, Principal, authenticate, bearer
from app.auth.keys import Role
from app.core.errors import ForbiddenError
from app.db.engine import Database
from app.http.deps import DatabaseDep, SettingsDep

T = TypeVar("T")


def provisioner_only(principal: Principal) -> Principal:
    if principal.role != Role.PROVISIONER:
        raise ForbiddenError(
            "Only a provisioner key may use /scim/v2 (userimport keys create --role provisioner)."
        )
    return principal


async def require_provisioner(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    return provisioner_only(principal)


async def provisioner_gate(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> KeyGate:
    return KeyGate(credentials, settings, provisioner_only)


ProvisionerDep = Annotated[Principal, Depends(require_provisioner)]
ProvisionerGate = Annotated[KeyGate, Depends(provisioner_gate)]


async def as_provisioner(
    db: DatabaseDep, gate: KeyGate, work: Callable[[Session, Principal], T]
) -> T:
    """work(session, principal) in one transaction that checks the key first."""
    result = await db.run(lambda session: work(session, gate.check(session)))
    await gate.touch(db)
    return result


@asynccontextmanager
async def key_first(db: Database, gate: KeyGate) -> AsyncIterator[None]:
    """A refusal raised inside is answered only if the key passes (else 401 or 403)."""
    try:
        yield
    except Exception:
        await gate.checked(db)
        raise
