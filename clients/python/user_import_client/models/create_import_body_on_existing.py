from enum import StrEnum

class CreateImportBodyOnExisting(StrEnum):
    ERROR = "error"
    SKIP = "skip"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
