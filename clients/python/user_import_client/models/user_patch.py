from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UserPatch")



@_attrs_define
class UserPatch:
    """ The fields to change; a field left out stays as it is.

        Attributes:
            name (None | str | Unset): Display name: one line.
            force_change_password (bool | None | Unset):
            active (bool | None | Unset): false disables the user (its addresses stay reserved).
            aliases (list[str] | None | Unset): The whole alias set (an empty list removes them): each checked as a file's
                Email is, free (no other user's address), at most USERIMPORT_MAX_ALIASES.
            password (None | str | Unset): A new password, under the same policy as a file's; hashed with argon2id, never
                shown or echoed.
     """

    name: None | str | Unset = UNSET
    force_change_password: bool | None | Unset = UNSET
    active: bool | None | Unset = UNSET
    aliases: list[str] | None | Unset = UNSET
    password: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        force_change_password: bool | None | Unset
        if isinstance(self.force_change_password, Unset):
            force_change_password = UNSET
        else:
            force_change_password = self.force_change_password

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        aliases: list[str] | None | Unset
        if isinstance(self.aliases, Unset):
            aliases = UNSET
        elif isinstance(self.aliases, list):
            aliases = self.aliases


        else:
            aliases = self.aliases

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if force_change_password is not UNSET:
            field_dict["force_change_password"] = force_change_password
        if active is not UNSET:
            field_dict["active"] = active
        if aliases is not UNSET:
            field_dict["aliases"] = aliases
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_force_change_password(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        force_change_password = _parse_force_change_password(d.pop("force_change_password", UNSET))


        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))


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

        aliases = _parse_aliases(d.pop("aliases", UNSET))


        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))


        user_patch = cls(
            name=name,
            force_change_password=force_change_password,
            active=active,
            aliases=aliases,
            password=password,
        )

        return user_patch

