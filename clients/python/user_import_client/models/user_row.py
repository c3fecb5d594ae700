from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UserRow")



@_attrs_define
class UserRow:
    """ One user row of the CSV file, by the template's column names (header names other consoles use are read as these
    columns). Each rule's failure is an error with the row, the column and one of the codes listed on RowError.

        Attributes:
            email (str): One mail-enabled address (a distribution list too); stored with its domain lower-cased; unique in
                the directory, whatever its letter case.
            name (str): Display name: one line, no control characters.
            password (None | str): Kept exactly as written (spaces too), hashed with argon2id, never shown. At least
                USERIMPORT_MIN_PASSWORD_LENGTH characters, not containing the address's name part, not a common password, no
                line break. Empty on a row that gives a Password Hash instead.
            force_change_password (bool): TRUE or FALSE, in any letter case.
            password_hash (None | str | Unset): Optional column (not in the template): a password already hashed elsewhere,
                kept as it is so the user keeps their password. argon2id or argon2i (PHC), bcrypt ($2a$, $2b$, $2y$) or scrypt
                ($scrypt$ PHC); the password policy does not apply. A row gives a Password or a Password Hash, never both.
            aliases (list[str] | None | Unset): Optional column (not in the template): the user's other addresses, linked to
                it, separated by ;, commas or spaces; `smtp:` prefixes understood (an `SMTP:` entry is the primary address and
                must be the row's Email), `X500:` and `SIP:` entries skipped. Each is checked as Email is and must be free. When
                the column is there, its cell is the user's whole alias set (empty: none); when it is not, aliases are left as
                they are. At most USERIMPORT_MAX_ALIASES (30).
            active (bool | None | Unset): Optional column: TRUE or FALSE (a disabled user keeps its addresses reserved);
                empty or absent: a new user is active, an existing one left as it is.
     """

    email: str
    name: str
    password: None | str
    force_change_password: bool
    password_hash: None | str | Unset = UNSET
    aliases: list[str] | None | Unset = UNSET
    active: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        password: None | str
        password = self.password

        force_change_password = self.force_change_password

        password_hash: None | str | Unset
        if isinstance(self.password_hash, Unset):
            password_hash = UNSET
        else:
            password_hash = self.password_hash

        aliases: list[str] | None | Unset
        if isinstance(self.aliases, Unset):
            aliases = UNSET
        elif isinstance(self.aliases, list):
            aliases = self.aliases


        else:
            aliases = self.aliases

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "Email": email,
            "Name": name,
            "Password": password,
            "Force Change Password": force_change_password,
        })
        if password_hash is not UNSET:
            field_dict["Password Hash"] = password_hash
        if aliases is not UNSET:
            field_dict["Aliases"] = aliases
        if active is not UNSET:
            field_dict["Active"] = active

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("Email")

        name = d.pop("Name")

        def _parse_password(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        password = _parse_password(d.pop("Password"))


        force_change_password = d.pop("Force Change Password")

        def _parse_password_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password_hash = _parse_password_hash(d.pop("Password Hash", UNSET))


        def _parse_aliases(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                aliases_type_0 = cast(list[str], data)

                return aliases_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        aliases = _parse_aliases(d.pop("Aliases", UNSET))


        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("Active", UNSET))


        user_row = cls(
            email=email,
            name=name,
            password=password,
            force_change_password=force_change_password,
            password_hash=password_hash,
            aliases=aliases,
            active=active,
        )


        user_row.additional_properties = d
        return user_row

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
