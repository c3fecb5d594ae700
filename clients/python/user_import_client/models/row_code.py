from enum import StrEnum

class RowCode(StrEnum):
    ALREADY_EXISTS = "already_exists"
    CONFLICTING_VALUES = "conflicting_values"
    DELIMITER_MISMATCH = "delimiter_mismatch"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    DUPLICATE_COLUMN = "duplicate_column"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    EMPTY_FILE = "empty_file"
    ENCODING_MIXED = "encoding_mixed"
    ENCODING_NOT_UTF8 = "encoding_not_utf8"
    INTERRUPTED = "interrupted"
    INVALID_BOOLEAN = "invalid_boolean"
    INVALID_EMAIL = "invalid_email"
    INVALID_PASSWORD_HASH = "invalid_password_hash"
    INVALID_VALUE = "invalid_value"
    MALFORMED_CSV = "malformed_csv"
    MISSING_COLUMN = "missing_column"
    MISSING_HEADER = "missing_header"
    MISSING_VALUE = "missing_value"
    MULTIPLE_ADDRESSES = "multiple_addresses"
    NOT_CSV = "not_csv"
    PASSWORD_CONTAINS_EMAIL = "password_contains_email"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_TOO_SHORT = "password_too_short"
    ROW_TOO_LONG = "row_too_long"
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_COLUMN = "unknown_column"
    VALUE_TOO_LONG = "value_too_long"

    def __str__(self) -> str:
        return str(self.value)
