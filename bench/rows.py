"""How to check a file's rows with the UserRow model: one model_validate per row, or one
TypeAdapter(list[UserRow]) call for the whole file. Prints both, measured in one run.

    .venv/bin/python -m bench.rows
"""

import statistics
import time
from collections.abc import Callable

from pydantic import TypeAdapter

from app.imports.reading.cells import RowContext, RowPolicy
from app.imports.reading.user_row import EMAIL, FORCE_CHANGE, NAME, PASSWORD, UserRow

ROWS = 100_000


def cells(rows: int) -> list[dict[str, str]]:
    return [
        {
            EMAIL: f"user{n}@bench{n % 20}.example.com",
            NAME: f"Bench User {n}",
            PASSWORD: f"Correct-Horse-{n:07d}",
            FORCE_CHANGE: "TRUE" if n % 2 else "FALSE",
        }
        for n in range(rows)
    ]


def per_row(data: list[dict[str, str]]) -> None:
    context = RowContext(RowPolicy())
    for row in data:  # every row is valid: the checker catches ValidationError per row
        UserRow.model_validate(row, context=context)


BATCH = TypeAdapter(list[UserRow])


def batch(data: list[dict[str, str]]) -> None:
    BATCH.validate_python(data, context=RowContext(RowPolicy()))


def median_seconds(
    check: Callable[[list[dict[str, str]]], None], data: list[dict[str, str]]
) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        check(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    data = cells(ROWS)
    one = median_seconds(per_row, data)
    many = median_seconds(batch, data)
    print(f"{ROWS:,} valid rows, median of 5")
    print(f"per row (model_validate):        {one:.3f} s  {one / ROWS * 1e6:.2f} us/row")
    print(f"batch (TypeAdapter(list[...])):  {many:.3f} s  {many / ROWS * 1e6:.2f} us/row")
    print(f"batch / per row: {many / one:.2f}")


if __name__ == "__main__":
    main()
