from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="UserOut")



@_attrs_define
class UserOut:
    """ 
        Attributes:
            id (int): The user's id (never given to another user).
            email (str): The primary address as written (domain lower-cased).
            name (str): Display name.
            force_change_password (bool): Must change the password at next sign-in.
            active (bool): False: disabled (its addresses stay reserved).
            version (int): Goes up with every write; the ETag of GET /users/{id}.
            created_at (datetime.datetime): When the user was added (UTC).
            updated_at (datetime.datetime | None): When the user was last written (UTC).
            import_id (int | None): The import that added the user; null when an API call added it, or once that import's
                record has been pruned (USERIMPORT_RETENTION_DAYS).
            aliases (list[str] | Unset): The user's other addresses, linked to it.
     """

    id: int
    email: str
    name: str
    force_change_password: bool
    active: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    import_id: int | None
    aliases: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        name = self.name

        force_change_password = self.force_change_password

        active = self.active

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        import_id: int | None
        import_id = self.import_id

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "email": email,
            "name": name,
            "force_change_password": force_change_password,
            "active": active,
            "version": version,
            "created_at": created_at,
            "updated_at": updated_at,
            "import_id": import_id,
        })
        if aliases is not UNSET:
            field_dict["aliases"] = aliases

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        name = d.pop("name")

        force_change_password = d.pop("force_change_password")

        active = d.pop("active")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)



                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))


        def _parse_import_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        import_id = _parse_import_id(d.pop("import_id"))


        aliases = cast(list[str], d.pop("aliases", UNSET))


        user_out = cls(
            id=id,
            email=email,
            name=name,
            force_change_password=force_change_password,
            active=active,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            import_id=import_id,
            aliases=aliases,
        )


        user_out.additional_properties = d
        return user_out

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
