from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.import_status import ImportStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.import_summary_columns import ImportSummaryColumns
  from ..models.planned import Planned
  from ..models.progress import Progress





T = TypeVar("T", bound="ImportSummary")



@_attrs_define
class ImportSummary:
    """ 
        Attributes:
            id (int): The import's id; GET /imports/{id} shows it again.
            status (ImportStatus):
            dry_run (bool): True when the file was only checked.
            filename (None | str): The uploaded file's name (metadata only).
            encoding (None | str): How the file was decoded: utf-8, utf-16 or windows-1252.
            delimiter (None | str): The cell separator: comma, semicolon or tab.
            columns (ImportSummaryColumns): Each header as written in the file and the template column it was read as.
            rows (int): User rows found in the file (blank rows not counted).
            added (int): Users added: written in the import's one transaction, so 0 until it is `completed` (a dry run, a
                refused, cancelled or running import: 0).
            updated (int): Existing users whose name, password and Force Change Password were set (on_existing=update); 0
                until `completed`.
            skipped (int): Rows left out because the directory holds their address (on_existing=skip); 0 until `completed`.
            planned (Planned):
            on_existing (str): What the import did with addresses the directory held: error, skip, update.
            created_at (datetime.datetime): When the import was attempted (UTC).
            created_by (None | str): Name of the API key that made the import.
            progress (Progress):
            reverted_at (datetime.datetime | None | Unset): When the import was reverted (UTC); null unless reverted.
            reverted_by (None | str | Unset): Name of the API key that reverted it; null unless reverted.
     """

    id: int
    status: ImportStatus
    dry_run: bool
    filename: None | str
    encoding: None | str
    delimiter: None | str
    columns: ImportSummaryColumns
    rows: int
    added: int
    updated: int
    skipped: int
    planned: Planned
    on_existing: str
    created_at: datetime.datetime
    created_by: None | str
    progress: Progress
    reverted_at: datetime.datetime | None | Unset = UNSET
    reverted_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_summary_columns import ImportSummaryColumns # noqa: PLC0415
        from ..models.planned import Planned # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        id = self.id

        status = self.status.value

        dry_run = self.dry_run

        filename: None | str
        filename = self.filename

        encoding: None | str
        encoding = self.encoding

        delimiter: None | str
        delimiter = self.delimiter

        columns = self.columns.to_dict()

        rows = self.rows

        added = self.added

        updated = self.updated

        skipped = self.skipped

        planned = self.planned.to_dict()

        on_existing = self.on_existing

        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        progress = self.progress.to_dict()

        reverted_at: None | str | Unset
        if isinstance(self.reverted_at, Unset):
            reverted_at = UNSET
        elif isinstance(self.reverted_at, datetime.datetime):
            reverted_at = self.reverted_at.isoformat()
        else:
            reverted_at = self.reverted_at

        reverted_by: None | str | Unset
        if isinstance(self.reverted_by, Unset):
            reverted_by = UNSET
        else:
            reverted_by = self.reverted_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "status": status,
            "dry_run": dry_run,
            "filename": filename,
            "encoding": encoding,
            "delimiter": delimiter,
            "columns": columns,
            "rows": rows,
            "added": added,
            "updated": updated,
            "skipped": skipped,
            "planned": planned,
            "on_existing": on_existing,
            "created_at": created_at,
            "created_by": created_by,
            "progress": progress,
        })
        if reverted_at is not UNSET:
            field_dict["reverted_at"] = reverted_at
        if reverted_by is not UNSET:
            field_dict["reverted_by"] = reverted_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_summary_columns import ImportSummaryColumns # noqa: PLC0415
        from ..models.planned import Planned # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        status = ImportStatus(d.pop("status"))




        dry_run = d.pop("dry_run")

        def _parse_filename(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        filename = _parse_filename(d.pop("filename"))


        def _parse_encoding(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        encoding = _parse_encoding(d.pop("encoding"))


        def _parse_delimiter(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delimiter = _parse_delimiter(d.pop("delimiter"))


        columns = ImportSummaryColumns.from_dict(d.pop("columns"))




        rows = d.pop("rows")

        added = d.pop("added")

        updated = d.pop("updated")

        skipped = d.pop("skipped")

        planned = Planned.from_dict(d.pop("planned"))




        on_existing = d.pop("on_existing")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))


        progress = Progress.from_dict(d.pop("progress"))




        def _parse_reverted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reverted_at_type_0 = datetime.datetime.fromisoformat(data)



                return reverted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reverted_at = _parse_reverted_at(d.pop("reverted_at", UNSET))


        def _parse_reverted_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reverted_by = _parse_reverted_by(d.pop("reverted_by", UNSET))


        import_summary = cls(
            id=id,
            status=status,
            dry_run=dry_run,
            filename=filename,
            encoding=encoding,
            delimiter=delimiter,
            columns=columns,
            rows=rows,
            added=added,
            updated=updated,
            skipped=skipped,
            planned=planned,
            on_existing=on_existing,
            created_at=created_at,
            created_by=created_by,
            progress=progress,
            reverted_at=reverted_at,
            reverted_by=reverted_by,
        )


        import_summary.additional_properties = d
        return import_summary

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
