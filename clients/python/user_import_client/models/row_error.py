from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="RowError")



@_attrs_define
class RowError:
    """ 
        Attributes:
            row (int | None): Row number as a spreadsheet shows it (header = 1); null for the whole file.
            column (None | str): Template column name, or null for the whole row/file.
            code (str): Stable machine-readable code of the problem. One of:
                - `invalid_email`: not a valid address (syntax, a local part over 64 or a label over 63 characters, no dot in
                the domain, a control character, tab or line break)
                - `multiple_addresses`: more than one address in the cell
                - `domain_not_allowed`: the domain is not in USERIMPORT_ALLOWED_DOMAINS
                - `missing_value`: a required cell is empty
                - `value_too_long`: longer than the column allows
                - `invalid_value`: a name with a control character or line break; a password with a line break
                - `invalid_boolean`: Force Change Password is not TRUE or FALSE
                - `password_too_short`: shorter than USERIMPORT_MIN_PASSWORD_LENGTH
                - `password_contains_email`: the password holds the address's name part
                - `password_too_common`: one of the 30,000 most common passwords
                - `duplicate_in_file`: the address is on an earlier row too (any letter case)
                - `already_exists`: the directory has the address already (a user's primary address or alias)
                - `too_many_rows`: more rows than one import may hold (the only error then)
                - `empty_file`: no header, or no user rows
                - `not_csv`: a workbook, PDF or other binary file, or text holding NUL characters
                - `encoding_not_utf8`: not UTF-8 and holds a £ that would be read wrongly
                - `encoding_mixed`: UTF-8 with some bytes that are not (row of the first one)
                - `malformed_csv`: broken quoting, or more cells than the header has
                - `row_too_long`: a row over 64 KiB
                - `too_many_columns`: a row of more than 64 cells
                - `missing_header`: the first row is not the template's header
                - `delimiter_mismatch`: the header and the rows use different separators
                - `unknown_column`: a header cell that is no template column
                - `duplicate_column`: two header cells name the same column
                - `missing_column`: a template column is missing from the header
                - `conflicting_values`: a row gives both a Password and a Password Hash
                - `invalid_password_hash`: a Password Hash that is not argon2id/argon2i, bcrypt or scrypt, or is malformed;
                Google's MD5 and SHA-1
                - `directory_changed`: the user this row was to update or skip was deleted by another writer (a revert) while
                the import ran; nothing was added: upload the file again
                - `too_many_aliases`: more aliases than USERIMPORT_MAX_ALIASES (30) for one user
                - `managed_by_provisioning`: on_existing=update of a user an identity provider manages (SCIM): change it there
                (on_existing=skip skips it)
                - `interrupted`: a job's tasks kept failing (workers killed, database lost) until their retries ran out; nothing
                was added
            message (str): What is wrong and how to fix it. Never quotes a password.
     """

    row: int | None
    column: None | str
    code: str
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        row: int | None
        row = self.row

        column: None | str
        column = self.column

        code = self.code

        message = self.message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "row": row,
            "column": column,
            "code": code,
            "message": message,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_row(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        row = _parse_row(d.pop("row"))


        def _parse_column(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        column = _parse_column(d.pop("column"))


        code = d.pop("code")

        message = d.pop("message")

        row_error = cls(
            row=row,
            column=column,
            code=code,
            message=message,
        )


        row_error.additional_properties = d
        return row_error

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
