"""The state machine refuses a move its diagram does not have, and the database column takes
exactly its statuses."""

import pytest

from app.db.models.imports import IMPORT_STATUSES
from app.imports.records import status
from app.imports.records.status import Counts, IllegalTransitionError, ImportStatus


def test_the_column_takes_exactly_the_machines_statuses() -> None:
    assert set(IMPORT_STATUSES) == {member.value for member in ImportStatus}


def test_an_ended_import_cannot_move_again() -> None:
    record = status.new_record(dry_run=False, on_existing="error", filename=None, created_by="t")
    status.inserting(record, Counts(added=2))
    status.completed(record, Counts(added=2))

    with pytest.raises(IllegalTransitionError):
        status.cancelled(record)
    with pytest.raises(IllegalTransitionError):
        status.refused(record, [], 0, 10)
    assert (record.status, record.added, record.planned_added) == ("completed", 2, 2)


def test_a_queued_job_cannot_skip_its_validation() -> None:
    record = status.new_record(dry_run=False, on_existing="skip", filename=None, created_by="t")
    status.queued(record, rows=10)

    with pytest.raises(IllegalTransitionError):
        status.completed(record, Counts(added=10))
    assert (record.status, record.added) == ("queued", 0)
