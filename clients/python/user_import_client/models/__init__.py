""" Contains all the data models used in inputs/outputs """

from .create_import_body import CreateImportBody
from .create_import_body_errors_format import CreateImportBodyErrorsFormat
from .create_import_body_on_existing import CreateImportBodyOnExisting
from .errors_format import ErrorsFormat
from .event_out import EventOut
from .event_page import EventPage
from .health_status import HealthStatus
from .health_status_status import HealthStatusStatus
from .import_list_item import ImportListItem
from .import_list_item_columns import ImportListItemColumns
from .import_page import ImportPage
from .import_record import ImportRecord
from .import_record_columns import ImportRecordColumns
from .import_status import ImportStatus
from .import_summary import ImportSummary
from .import_summary_columns import ImportSummaryColumns
from .invalid_param import InvalidParam
from .jobs_status import JobsStatus
from .jobs_status_runner import JobsStatusRunner
from .on_existing import OnExisting
from .planned import Planned
from .problem import Problem
from .problem_code import ProblemCode
from .progress import Progress
from .readiness import Readiness
from .readiness_status import ReadinessStatus
from .row_code import RowCode
from .row_error import RowError
from .scim_create_user_json_body import ScimCreateUserJsonBody
from .scim_create_user_response_200 import ScimCreateUserResponse200
from .scim_delete_user_response_200 import ScimDeleteUserResponse200
from .scim_error import ScimError
from .scim_patch_user_json_body import ScimPatchUserJsonBody
from .scim_put_user_json_body import ScimPutUserJsonBody
from .scim_search_json_body import ScimSearchJsonBody
from .scim_search_users_json_body import ScimSearchUsersJsonBody
from .user_out import UserOut
from .user_page import UserPage
from .user_patch import UserPatch
from .user_row import UserRow

__all__ = (
    "CreateImportBody",
    "CreateImportBodyErrorsFormat",
    "CreateImportBodyOnExisting",
    "ErrorsFormat",
    "EventOut",
    "EventPage",
    "HealthStatus",
    "HealthStatusStatus",
    "ImportListItem",
    "ImportListItemColumns",
    "ImportPage",
    "ImportRecord",
    "ImportRecordColumns",
    "ImportStatus",
    "ImportSummary",
    "ImportSummaryColumns",
    "InvalidParam",
    "JobsStatus",
    "JobsStatusRunner",
    "OnExisting",
    "Planned",
    "Problem",
    "ProblemCode",
    "Progress",
    "Readiness",
    "ReadinessStatus",
    "RowCode",
    "RowError",
    "ScimCreateUserJsonBody",
    "ScimCreateUserResponse200",
    "ScimDeleteUserResponse200",
    "ScimError",
    "ScimPatchUserJsonBody",
    "ScimPutUserJsonBody",
    "ScimSearchJsonBody",
    "ScimSearchUsersJsonBody",
    "UserOut",
    "UserPage",
    "UserPatch",
    "UserRow",
)
