"""The SCIM User this service keeps: the core schema's attributes it stores, and no others (a
provider's other attributes, the enterprise extension among them, are dropped as they come).
What it tolerates of a provider (ScimPolicy): unknown attributes dropped, a PATCH `remove`
whose value selects what to remove (Entra), a PATCH path filter that matches nothing creates
the entry it describes (Entra's `emails[type eq "work"].value`). Op names are read in any
letter case and booleans as strings ("False") by scim2-models itself."""

from typing import Annotated, Any, ClassVar

from scim2_models import (
    URN,
    CaseExact,
    ComplexAttribute,
    Email,
    Mutability,
    Name,
    Required,
    Resource,
    Returned,
    ScimPolicy,
    Uniqueness,
)

TOLERANT = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


class ScimUser(Resource[Any]):
    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The user's primary address (the service's Email)."""

    name: Name | None = None
    """The components of the user's real name, as the provider sent them."""

    Name: ClassVar[type[ComplexAttribute]] = Name

    display_name: str | None = None
    """The name shown: the service's Name."""

    active: bool | None = None
    """False: disabled (its addresses stay reserved)."""

    password: Annotated[str | None, Mutability.write_only, Returned.never, CaseExact.true] = None
    """Write-only: hashed with argon2id, never returned."""

    emails: list[Email] | None = None
    """The primary address (primary: true) and the user's aliases."""

    Emails: ClassVar[type[ComplexAttribute]] = Email
