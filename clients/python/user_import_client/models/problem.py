from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.invalid_param import InvalidParam
  from ..models.row_error import RowError





T = TypeVar("T", bound="Problem")



@_attrs_define
class Problem:
    """ RFC 9457 problem details, served as application/problem+json.

        Attributes:
            title (str): Short summary of the problem type.
            status (int): HTTP status code.
            detail (str): Explanation of this occurrence.
            code (str): Stable machine-readable code of the problem. One of:
                - `import_refused`: 422: the file was refused; see errors
                - `invalid_request`: 422: a parameter or form field is unknown, repeated or invalid
                - `unauthorized`: 401: no valid API key
                - `forbidden`: 403: the key's role may not do this
                - `not_found`: 404: no such resource
                - `method_not_allowed`: 405: the path does not take this method
                - `http_error`: another HTTP error
                - `invalid_cursor`: 400: the cursor is not one this service returned
                - `unsupported_media_type`: 415: the upload is not multipart/form-data
                - `upload_too_large`: 413: the body is over USERIMPORT_MAX_UPLOAD_BYTES
                - `invalid_multipart`: 422: the multipart body cannot be read
                - `missing_file`: 422: no part named file
                - `client_disconnected`: 400: the client went away mid-upload
                - `too_many_imports`: 429: the import queue is full; see Retry-After
                - `overloaded`: 503: too many requests or connections; see Retry-After
                - `database_unavailable`: 503: the database does not answer; see Retry-After
                - `internal_error`: 500: an unexpected error, logged
                - `headers_too_large`: 431: request line and headers over 16 KiB
                - `request_timeout`: 408: the request head did not arrive in time
                - `invalid_http`: 400: the request is not valid HTTP/1.1
                - `import_finished`: 409: the import has ended already; it cannot be cancelled
                - `jobs_unavailable`: 503: a job-sized file, but no staging key is configured
                - `idempotency_in_progress`: 409: the first request with this Idempotency-Key still runs; see Retry-After
                - `idempotency_key_reused`: 422: the Idempotency-Key was used for another file or other options
                - `import_not_revertible`: 409: only a completed import can be reverted (not a dry run, a refused, cancelled or
                running one, nor one reverted already)
                - `users_changed_since`: 409: a later import has changed users this import wrote; see users; nothing was
                reverted
                - `schema_outdated`: 503 (readiness): the database was not migrated to this version's schema: run `userimport
                migrate`
                - `invalid_user`: 422: a value of a user is not valid; see errors (their column is the field)
                - `address_taken`: 409: an address is held by another user (its primary or an alias); nothing was changed
                - `version_mismatch`: 412: If-Match does not name the user's version (it changed since it was read); nothing was
                changed
            type_ (str | Unset): URI naming the problem type. Default: 'about:blank'.
            import_id (int | None | Unset): The import record of a refused file.
            errors (list[RowError] | None | Unset): Every problem found in a refused file.
            error_count (int | None | Unset): Total number of errors (errors may hold only the first ones).
            invalid_params (list[InvalidParam] | None | Unset): Request parameters that were refused.
            users (list[str] | None | Unset): The addresses of the users that stop a revert (changed by a later import, or
                gone): the first ones, in order.
            user_count (int | None | Unset): How many users stop the revert (users may hold fewer).
            request_id (None | str | Unset): The request's id (its X-Request-ID, or one made for it): quote it when asking
                about this answer; it is in the service's log lines too.
     """

    title: str
    status: int
    detail: str
    code: str
    type_: str | Unset = 'about:blank'
    import_id: int | None | Unset = UNSET
    errors: list[RowError] | None | Unset = UNSET
    error_count: int | None | Unset = UNSET
    invalid_params: list[InvalidParam] | None | Unset = UNSET
    users: list[str] | None | Unset = UNSET
    user_count: int | None | Unset = UNSET
    request_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.invalid_param import InvalidParam # noqa: PLC0415
        from ..models.row_error import RowError # noqa: PLC0415
        title = self.title

        status = self.status

        detail = self.detail

        code = self.code

        type_ = self.type_

        import_id: int | None | Unset
        if isinstance(self.import_id, Unset):
            import_id = UNSET
        else:
            import_id = self.import_id

        errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = []
            for errors_type_0_item_data in self.errors:
                errors_type_0_item = errors_type_0_item_data.to_dict()
                errors.append(errors_type_0_item)


        else:
            errors = self.errors

        error_count: int | None | Unset
        if isinstance(self.error_count, Unset):
            error_count = UNSET
        else:
            error_count = self.error_count

        invalid_params: list[dict[str, Any]] | None | Unset
        if isinstance(self.invalid_params, Unset):
            invalid_params = UNSET
        elif isinstance(self.invalid_params, list):
            invalid_params = []
            for invalid_params_type_0_item_data in self.invalid_params:
                invalid_params_type_0_item = invalid_params_type_0_item_data.to_dict()
                invalid_params.append(invalid_params_type_0_item)


        else:
            invalid_params = self.invalid_params

        users: list[str] | None | Unset
        if isinstance(self.users, Unset):
            users = UNSET
        elif isinstance(self.users, list):
            users = self.users


        else:
            users = self.users

        user_count: int | None | Unset
        if isinstance(self.user_count, Unset):
            user_count = UNSET
        else:
            user_count = self.user_count

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
        })
        if type_ is not UNSET:
            field_dict["type"] = type_
        if import_id is not UNSET:
            field_dict["import_id"] = import_id
        if errors is not UNSET:
            field_dict["errors"] = errors
        if error_count is not UNSET:
            field_dict["error_count"] = error_count
        if invalid_params is not UNSET:
            field_dict["invalid_params"] = invalid_params
        if users is not UNSET:
            field_dict["users"] = users
        if user_count is not UNSET:
            field_dict["user_count"] = user_count
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invalid_param import InvalidParam # noqa: PLC0415
        from ..models.row_error import RowError # noqa: PLC0415
        d = dict(src_dict)
        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        code = d.pop("code")

        type_ = d.pop("type", UNSET)

        def _parse_import_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        import_id = _parse_import_id(d.pop("import_id", UNSET))


        def _parse_errors(data: object) -> list[RowError] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = []
                _errors_type_0 = data
                for errors_type_0_item_data in (_errors_type_0):
                    errors_type_0_item = RowError.from_dict(errors_type_0_item_data)



                    errors_type_0.append(errors_type_0_item)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RowError] | None | Unset, data)

        errors = _parse_errors(d.pop("errors", UNSET))


        def _parse_error_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        error_count = _parse_error_count(d.pop("error_count", UNSET))


        def _parse_invalid_params(data: object) -> list[InvalidParam] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                invalid_params_type_0 = []
                _invalid_params_type_0 = data
                for invalid_params_type_0_item_data in (_invalid_params_type_0):
                    invalid_params_type_0_item = InvalidParam.from_dict(invalid_params_type_0_item_data)



                    invalid_params_type_0.append(invalid_params_type_0_item)

                return invalid_params_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[InvalidParam] | None | Unset, data)

        invalid_params = _parse_invalid_params(d.pop("invalid_params", UNSET))


        def _parse_users(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                users_type_0 = cast(list[str], data)

                return users_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        users = _parse_users(d.pop("users", UNSET))


        def _parse_user_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        user_count = _parse_user_count(d.pop("user_count", UNSET))


        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))


        problem = cls(
            title=title,
            status=status,
            detail=detail,
            code=code,
            type_=type_,
            import_id=import_id,
            errors=errors,
            error_count=error_count,
            invalid_params=invalid_params,
            users=users,
            user_count=user_count,
            request_id=request_id,
        )


        problem.additional_properties = d
        return problem

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
