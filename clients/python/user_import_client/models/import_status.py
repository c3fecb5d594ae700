from enum import StrEnum

class ImportStatus(StrEnum):
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    HASHING = "hashing"
    INSERTING = "inserting"
    QUEUED = "queued"
    RECEIVING = "receiving"
    REVERTED = "reverted"
    VALIDATED = "validated"
    VALIDATING = "validating"

    def __str__(self) -> str:
        return str(self.value)
