"""A directory user as a SCIM User, and a SCIM User as the values of a directory user: checked
by the same rules as a file's row (userName as Email, each other address of emails[] as an
alias, the name derived as the Name column, the password under the same policy), each problem a
400 invalidValue that names the attribute and quotes no value."""

import json
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError
from scim2_models import Email

from app.core.config import Settings
from app.directory.addresses import AddressValidator
from app.directory.rules import Domains, check_address, check_aliases, check_name, check_password
from app.scim.errors import ScimError
from app.scim.model import ScimUser
from app.scim.repository import UserView


def etag(version: int) -> str:
    return f'W/"{version}"'


def location(base_url: str, scim_id: str) -> str:
    return f"{base_url}/scim/v2/Users/{scim_id}"


def user_body(user: UserView, base_url: str) -> dict[str, Any]:
    """The user as a provider sees it, as SCIM's JSON (its datetimes as objects): what the
    provider last sent of name, displayName, emails and active while the directory still says
    the same, else what the directory says. Equal to ScimUser's own answer (to_scim), built
    directly: every answer with no attributes asked for is this."""
    profile = json.loads(user.profile) if user.profile else {}
    display_name: str | None = user.name
    if "displayName" in profile and profile.get("nameWritten") == user.name:
        display_name = profile["displayName"]
    emails = [{"value": user.email, "type": "work", "primary": True}] + [
        {"value": alias, "type": "other", "primary": False} for alias in user.aliases
    ]
    sent_emails = profile.get("emails")
    if sent_emails is not None and _same_addresses(sent_emails, user):
        emails = [_email(entry) for entry in sent_emails]
    unstated = "activeUnstated" in profile and profile["activeUnstated"] == user.active
    body = {
        "schemas": [USER_SCHEMA],
        "id": user.scim_id,
        "externalId": user.external_id,
        "meta": {
            "resourceType": "User",
            "created": user.created_at,
            "lastModified": user.updated_at or user.created_at,
            "location": location(base_url, user.scim_id),
            "version": etag(user.version),
        },
        "userName": user.email,
        "name": profile.get("name") or None,
        "displayName": display_name,
        "active": None if unstated else user.active,
        "emails": emails or None,
    }
    return {key: value for key, value in body.items() if value is not None}


def to_scim(user: UserView, base_url: str) -> ScimUser:
    """The user as scim2-models' User (to patch it, or to answer only some attributes). Its
    emails are built as they are, not checked again (email-validator would rewrite them)."""
    body = user_body(user, base_url)
    emails = [Email.model_construct(**_typed(entry)) for entry in body.pop("emails", ())]
    return ScimUser.model_validate({**body, "emails": emails or None})


def _typed(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "type": Email.Type(entry["type"])} if "type" in entry else entry


def _email(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry of emails[] a provider sent (checked then), its keys in the schema's order."""
    return {key: entry[key] for key in _EMAIL_KEYS if entry.get(key) is not None}


_EMAIL_KEYS = ("value", "display", "type", "primary")
USER_SCHEMA = str(ScimUser.__schema__)


def _same_addresses(sent: list[dict[str, Any]], user: UserView) -> bool:
    held = {address.lower() for address in user.addresses}
    return {user.email.lower(), *(str(entry.get("value", "")).lower() for entry in sent)} == held


@dataclass(frozen=True, slots=True)
class Incoming:
    """A SCIM User's values as the directory keeps them (the password still to hash)."""

    email: str
    aliases: list[str]
    name: str
    sent: dict[str, Any]
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


def _sent(user: ScimUser) -> dict[str, Any]:
    """What the provider sent of what the directory keeps its own way (the name parts,
    displayName, each email's type, display and primary), to answer it back as sent."""
    name = user.name.model_dump(exclude_none=True, by_alias=True) if user.name else {}
    emails = [email.model_dump(exclude_none=True, by_alias=True) for email in user.emails or ()]
    return {"name": name or None, "displayName": user.display_name, "emails": emails}


def profile(values: "Incoming", unstated_active: bool | None) -> str:
    """The profile a provider's write keeps: what it sent, the Name written from it, and,
    when a replace left `active` out, the state the user kept (answered as unstated, as the
    provider left it, until a writer changes it)."""
    kept: dict[str, Any] = {**values.sent, "nameWritten": values.name}
    if unstated_active is not None:
        kept["activeUnstated"] = unstated_active
    return json.dumps(kept, sort_keys=True)


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
        sent=_sent(user),
        active=user.active,
        external_id=user.external_id,
        password=password,
    )
