from enum import StrEnum

class JobsStatusRunner(StrEnum):
    EMBEDDED = "embedded"
    OFF = "off"
    WORKERS = "workers"

    def __str__(self) -> str:
        return str(self.value)
