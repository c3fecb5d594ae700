"""One row of an import file as a pydantic model, `UserRow`: its fields carry the template's
column names as aliases (the template and the header aliases other consoles use come from
here), their limits, and the cell rules (app/imports/reading/cells.py) as validators. A row
that fails becomes `RowError`s (field alias -> column). Rules across rows (duplicates in the
file, addresses in the directory) live in app/imports/reading/file_rules.py."""

from typing import Annotated, NamedTuple

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
)

from app.db.models.base import MAX_EMAIL_LENGTH
from app.directory.rules import MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH
from app.imports.reading.cells import (
    _active,
    _address,
    _alias_set,
    _boolean,
    _in_context,
    _name,
    _password,
    _password_hash,
)
from app.passwords.imported import MAX_HASH_LENGTH


class UserRow(BaseModel):
    """A user row of the import file, by the template's column names."""

    model_config = ConfigDict(frozen=True, populate_by_name=False, hide_input_in_errors=True)

    email: Annotated[
        str,
        Field(
            alias="Email",
            validation_alias=AliasChoices(
                "Email", "E-mail", "E-mail Address", "Email Address", "Email Address [Required]",
                "User Name", "Username", "Mail", "Primary Email",
            ),
            json_schema_extra={"maxLength": MAX_EMAIL_LENGTH},
            description="One mail-enabled address (a distribution list too); stored with its "
            "domain lower-cased; unique in the directory, whatever its letter case.",
            examples=["ana@example.com"],
        ),
        AfterValidator(_in_context(_address)),
    ]  # fmt: skip
    name: Annotated[
        str,
        Field(
            alias="Name",
            validation_alias=AliasChoices("Name", "Display Name", "Full Name"),
            json_schema_extra={"maxLength": MAX_NAME_LENGTH},
            description="Display name: one line, no control characters.",
            examples=["Ana Lima"],
        ),
        AfterValidator(_name),
    ]
    password: Annotated[
        SecretStr | None,
        Field(
            alias="Password",
            validation_alias=AliasChoices("Password", "Password [Required]"),
            json_schema_extra={"maxLength": MAX_PASSWORD_LENGTH, "writeOnly": True},
            description="Kept exactly as written (spaces too), hashed with argon2id, never "
            "shown. At least USERIMPORT_MIN_PASSWORD_LENGTH characters, not containing the "
            "address's name part, not a common password, no line break. Empty on a row that "
            "gives a Password Hash instead.",
        ),
        BeforeValidator(_in_context(_password)),
    ]
    force_change_password: Annotated[
        bool,
        Field(
            alias="Force Change Password",
            validation_alias=AliasChoices(
                "Force Change Password", "Change Password at Next Sign-In",
                "Change Password at Next Sign In", "Force Password Change",
            ),
            description="TRUE or FALSE, in any letter case.",
        ),
        BeforeValidator(_boolean),
    ]  # fmt: skip
    password_hash: Annotated[
        str | None,
        Field(
            alias="Password Hash",
            validation_alias=AliasChoices("Password Hash", "Hashed Password", "PasswordHash"),
            json_schema_extra={"maxLength": MAX_HASH_LENGTH},
            description="Optional column (not in the template): a password already hashed "
            "elsewhere, kept as it is so the user keeps their password. argon2id or argon2i "
            "(PHC), bcrypt ($2a$, $2b$, $2y$) or scrypt ($scrypt$ PHC); the password policy "
            "does not apply. A row gives a Password or a Password Hash, never both.",
        ),
        BeforeValidator(_password_hash),
    ] = None
    aliases: Annotated[
        list[str] | None,
        Field(
            alias="Aliases",
            validation_alias=AliasChoices(
                "Aliases",
                "Alias",
                "Email Aliases",
                "ProxyAddresses",
                "EmailAddresses",
            ),
            description="Optional column (not in the template): the user's other addresses, "
            "linked to it, separated by ;, commas or spaces; `smtp:` prefixes understood (an "
            "`SMTP:` entry is the primary address and must be the row's Email), `X500:` and "
            "`SIP:` entries skipped. Each is checked as Email is and must be free. When the "
            "column is there, its cell is the user's whole alias set (empty: none); when it "
            "is not, aliases are left as they are. At most USERIMPORT_MAX_ALIASES (30).",
            examples=[["asmith@example.com", "ana.smith@example.com"]],
        ),
        BeforeValidator(_in_context(_alias_set)),
    ] = None
    active: Annotated[
        bool | None,
        Field(
            alias="Active",
            validation_alias=AliasChoices("Active", "Enabled", "Account Enabled"),
            description="Optional column: TRUE or FALSE (a disabled user keeps its addresses "
            "reserved); empty or absent: a new user is active, an existing one left as it is.",
        ),
        BeforeValidator(_active),
    ] = None


def _aliases(name: str) -> tuple[str, ...]:
    choices = UserRow.model_fields[name].validation_alias
    assert isinstance(choices, AliasChoices)
    return tuple(str(choice) for choice in choices.choices)


# The template's columns (the required fields), in order; the optional ones; the header names
# read as each of them.
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(
    str(info.alias) for info in UserRow.model_fields.values() if info.is_required()
)
EMAIL, NAME, PASSWORD, FORCE_CHANGE = TEMPLATE_COLUMNS


PASSWORD_HASH = str(UserRow.model_fields["password_hash"].alias)
ALIASES = str(UserRow.model_fields["aliases"].alias)
ACTIVE = str(UserRow.model_fields["active"].alias)
# Google Workspace's pairing: this column says "crypt" where its Password cell holds a hash.
HASH_FUNCTION = "Password Hash Function"
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    str(info.alias): _aliases(name) for name, info in UserRow.model_fields.items()
} | {HASH_FUNCTION: (HASH_FUNCTION, "Password Hash Function [UPLOAD ONLY]")}
OPTIONAL_COLUMNS = (PASSWORD_HASH, HASH_FUNCTION, ALIASES, ACTIVE)


class Extras(NamedTuple):
    """A row's cells of the optional columns: "" where the hash columns are absent, None where
    Aliases or Active is (absent is not empty: an empty Aliases cell removes the aliases)."""

    password_hash: str = ""
    hash_function: str = ""
    aliases: str | None = None
    active: str | None = None


NO_EXTRAS = Extras()
