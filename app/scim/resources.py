"""A directory user as a SCIM User, and a SCIM User as the values of a directory user: checked
by the same rules as a file's row (userName as Email, each other address of emails[] as an
alias, the name derived as the Name column, the password under the same policy), each problem a
400 invalidValue that names the attribute and quotes no value."""

import json
from dataclasses import dataclass

from pydantic_core import PydanticCustomError
from scim2_models import Email, Meta, Name

from app.core.config import Settings
from app.db.models.directory import DirectoryUser
from app.directory.addresses import AddressValidator
from app.directory.rules import Domains, check_address, check_aliases, check_name, check_password
from app.scim.errors import ScimError
from app.scim.model import ScimUser


def etag(version: int) -> str:
    return f'W/"{version}"'


def to_scim(user: DirectoryUser, aliases: list[str], base_url: str) -> ScimUser:
    profile = json.loads(user.profile) if user.profile else {}
    name = Name.model_validate(profile["name"]) if profile.get("name") else None
    emails = [Email(value=user.email, type="work", primary=True)]
    emails += [Email(value=alias, type="other", primary=False) for alias in aliases]
    meta = Meta(
        resource_type="User",
        created=user.created_at,
        last_modified=user.updated_at or user.created_at,
        location=f"{base_url}/scim/v2/Users/{user.scim_id}",
        version=etag(user.version),
    )
    return ScimUser(
        id=user.scim_id,
        external_id=user.external_id,
        meta=meta,
        user_name=user.email,
        name=name,
        display_name=user.name,
        active=user.active,
        emails=emails,
    )


@dataclass(frozen=True, slots=True)
class Incoming:
    """A SCIM User's values as the directory keeps them (the password still to hash)."""

    email: str
    aliases: list[str]
    name: str
    profile: str | None
    active: bool | None
    external_id: str | None
    password: str | None


def _invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def _derived_name(user: ScimUser, email: str) -> str:
    """The service's Name: displayName, else name.formatted, else given and family names,
    else the address."""
    parts = user.name
    joined = " ".join(p for p in (parts.given_name, parts.family_name) if p) if parts else ""
    chosen = user.display_name or (parts.formatted if parts else None) or joined or email
    try:
        return check_name(chosen)
    except PydanticCustomError as exc:
        raise _invalid(f"displayName (or name): {exc.message()}") from None


def _profile(user: ScimUser) -> str | None:
    """The name parts as sent (displayName is the service's Name, kept there)."""
    if user.name is None:
        return None
    name = user.name.model_dump(exclude_none=True, by_alias=True)
    return json.dumps({"name": name}, sort_keys=True) if name else None


def incoming(user: ScimUser, settings: Settings) -> Incoming:
    if not user.user_name:
        raise _invalid("userName is required: map the user's primary email address to it.")
    domains, validator = Domains(tuple(settings.allowed_domains)), AddressValidator()
    try:
        email = check_address(user.user_name, validator, domains)
    except PydanticCustomError as exc:
        raise _invalid(
            f"userName must be the user's email address ({exc.message()}): map mail (or "
            "userPrincipalName when it is the address) to userName."
        ) from None
    entries = [(n, str(e.value), False) for n, e in enumerate(user.emails or (), 1) if e.value]
    kept, problems = check_aliases(entries, email.lower(), validator, domains, settings.max_aliases)
    if problems:
        raise _invalid("emails: " + problems[0].message.replace("Alias", "value", 1))
    password = None
    if user.password is not None:
        try:
            password = check_password(user.password, email, settings.min_password_length)
        except PydanticCustomError as exc:
            raise _invalid(f"password: {exc.message()}") from None
    return Incoming(
        email=email,
        aliases=[alias for _position, alias in kept],
        name=_derived_name(user, email),
        profile=_profile(user),
        active=user.active,
        external_id=user.external_id,
        password=password,
    )
