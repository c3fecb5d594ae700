"""Who may provision: provisioner keys only (admin and reader keys are refused, 403)."""

from typing import Annotated

from fastapi import Depends

from app.auth.deps import Principal, authenticate
from app.auth.keys import Role
from app.core.errors import ForbiddenError


async def require_provisioner(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if principal.role != Role.PROVISIONER:
        raise ForbiddenError(
            "Only a provisioner key may use /scim/v2 (userimport keys create --role provisioner)."
        )
    return principal


ProvisionerDep = Annotated[Principal, Depends(require_provisioner)]
