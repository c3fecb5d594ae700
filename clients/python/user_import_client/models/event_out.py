from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="EventOut")



@_attrs_define
class EventOut:
    """ 
        Attributes:
            id (int | None): Events are numbered in the order they happened; null for `added`, always the first.
            at (datetime.datetime): When (UTC).
            kind (str): added, updated, disabled, enabled, aliases_changed, deleted or reverted.
            actor (None | str): The API key's name that made the change.
            import_id (int | None): The import (or reverted import) that made it.
            fields (list[str]): The names of the changed fields (never their values): name, force_change_password, password,
                active, aliases.
     """

    id: int | None
    at: datetime.datetime
    kind: str
    actor: None | str
    import_id: int | None
    fields: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id: int | None
        id = self.id

        at = self.at.isoformat()

        kind = self.kind

        actor: None | str
        actor = self.actor

        import_id: int | None
        import_id = self.import_id

        fields = self.fields




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "at": at,
            "kind": kind,
            "actor": actor,
            "import_id": import_id,
            "fields": fields,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        id = _parse_id(d.pop("id"))


        at = datetime.datetime.fromisoformat(d.pop("at"))




        kind = d.pop("kind")

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))


        def _parse_import_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        import_id = _parse_import_id(d.pop("import_id"))


        fields = cast(list[str], d.pop("fields"))


        event_out = cls(
            id=id,
            at=at,
            kind=kind,
            actor=actor,
            import_id=import_id,
            fields=fields,
        )


        event_out.additional_properties = d
        return event_out

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
