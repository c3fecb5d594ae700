from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="UserOut")



@_attrs_define
class UserOut:
    """ 
        Attributes:
            id (int): The user's id.
            email (str): The address as imported (domain lower-cased).
            name (str): Display name.
            force_change_password (bool): Must change the password at next sign-in.
            created_at (datetime.datetime): When the user was added (UTC).
            import_id (int | None): The import that added the user; null once that import's record has been pruned
                (USERIMPORT_RETENTION_DAYS).
     """

    id: int
    email: str
    name: str
    force_change_password: bool
    created_at: datetime.datetime
    import_id: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        name = self.name

        force_change_password = self.force_change_password

        created_at = self.created_at.isoformat()

        import_id: int | None
        import_id = self.import_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "email": email,
            "name": name,
            "force_change_password": force_change_password,
            "created_at": created_at,
            "import_id": import_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        name = d.pop("name")

        force_change_password = d.pop("force_change_password")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_import_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        import_id = _parse_import_id(d.pop("import_id"))


        user_out = cls(
            id=id,
            email=email,
            name=name,
            force_change_password=force_change_password,
            created_at=created_at,
            import_id=import_id,
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
