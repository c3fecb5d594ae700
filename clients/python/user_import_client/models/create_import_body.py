from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.create_import_body_errors_format import CreateImportBodyErrorsFormat
from ..models.create_import_body_on_existing import CreateImportBodyOnExisting
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO






T = TypeVar("T", bound="CreateImportBody")



@_attrs_define
class CreateImportBody:
    """ 
        Attributes:
            file (File): The CSV file, laid out as GET /template.
            on_existing (CreateImportBodyOnExisting | Unset): As the query parameter of the same name.
            errors_format (CreateImportBodyErrorsFormat | Unset): As the query parameter of the same name.
     """

    file: File
    on_existing: CreateImportBodyOnExisting | Unset = UNSET
    errors_format: CreateImportBodyErrorsFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        on_existing: str | Unset = UNSET
        if not isinstance(self.on_existing, Unset):
            on_existing = self.on_existing.value


        errors_format: str | Unset = UNSET
        if not isinstance(self.errors_format, Unset):
            errors_format = self.errors_format.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if on_existing is not UNSET:
            field_dict["on_existing"] = on_existing
        if errors_format is not UNSET:
            field_dict["errors_format"] = errors_format

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.on_existing, Unset):
            files.append(("on_existing",  (None, str(self.on_existing.value).encode(), "text/plain")))



        if not isinstance(self.errors_format, Unset):
            files.append(("errors_format",  (None, str(self.errors_format.value).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        _on_existing = d.pop("on_existing", UNSET)
        on_existing: CreateImportBodyOnExisting | Unset
        if isinstance(_on_existing,  Unset):
            on_existing = UNSET
        else:
            on_existing = CreateImportBodyOnExisting(_on_existing)




        _errors_format = d.pop("errors_format", UNSET)
        errors_format: CreateImportBodyErrorsFormat | Unset
        if isinstance(_errors_format,  Unset):
            errors_format = UNSET
        else:
            errors_format = CreateImportBodyErrorsFormat(_errors_format)




        create_import_body = cls(
            file=file,
            on_existing=on_existing,
            errors_format=errors_format,
        )


        create_import_body.additional_properties = d
        return create_import_body

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
