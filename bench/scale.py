"""`make bench-scale`: big jobs of pre-hashed users (bcrypt, so the time is the service's own,
not argon2's) on PostgreSQL through `userimport serve` and `userimport worker` processes, and a
dry run of the same file: wall time against csv.reader decoding and parsing the same bytes,
rows/s, the peak resident memory (VmHWM) of every process: the server, the largest of its
children (the file-checking processes), each worker; and how many of the machine's cores were
busy from each status to the next (on a machine with few cores, what bounds 2 workers vs 1).

TEST_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.scale [ROWS ...]
    [--workers N ...] [--dry-run-rows N] [--aliases]
"""

import argparse
import csv
import io
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.prehashed import prehashed_csv
from bench.run import AUTH, SERVER_SETTINGS, Row, print_table
from bench.server import _status_kib, postgres_schema, running_server, running_workers

# The file as administrators send it: UTF-8 (CSV UTF-8), a spreadsheet's "Unicode text"
# (UTF-16 with tabs), or an older "CSV" save (Windows-1252; each name with an accent).
SHAPES = {"utf-8": "utf-8", "utf-16": "utf-16", "windows-1252": "cp1252"}


def shaped(data: bytes, shape: str) -> bytes:
    if shape == "utf-16":
        return data.decode().replace(",", "\t").encode("utf-16")
    if shape == "windows-1252":
        return data.decode().replace("Bench User", "Bench Usér").encode("cp1252")
    return data


def parse_floor(data: bytes, repeat: int = 3, shape: str = "utf-8") -> float:
    """The fastest of a few csv.reader passes over the decoded bytes, nothing kept."""
    best = float("inf")
    delimiter = "\t" if shape == "utf-16" else ","
    for _ in range(repeat):
        started = time.perf_counter()
        for _row in csv.reader(io.StringIO(data.decode(SHAPES[shape])), delimiter=delimiter):
            pass
        best = min(best, time.perf_counter() - started)
    return best


def busy_jiffies() -> tuple[int, int]:
    """The whole machine's CPU time so far (/proc/stat, in clock ticks): (busy, total)."""
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def cores_busy(marks: list[tuple[str, tuple[int, int]]]) -> str:
    """How many of the machine's cores were busy, on average, from each status seen to the
    next (every process: the service's, PostgreSQL's, and whatever else runs)."""
    cores = os.cpu_count() or 1
    spans = []
    for (name, (busy, total)), (_next, (busy2, total2)) in itertools.pairwise(marks):
        if total2 > total:
            spans.append(f"{name} {cores * (busy2 - busy) / (total2 - total):.1f}")
    return f"cores busy (of {cores}): " + ", ".join(spans)


def settings_for(rows: int) -> dict[str, str]:
    return {
        **SERVER_SETTINGS,
        "USERIMPORT_MAX_ROWS": str(rows),
        # The synchronous limit stays as it is: a larger file is staged in parts as it arrives.
        "USERIMPORT_MAX_JOB_UPLOAD_BYTES": str(2**31 - 1),
        "USERIMPORT_EMBEDDED_WORKER": "false",
    }


def run_job(database_url: str, data: bytes, rows: int, workers: int, dry_run: bool) -> list[str]:
    settings = settings_for(rows)
    with (
        running_server(database_url, settings) as server,
        tempfile.TemporaryDirectory() as logs,
        running_workers(database_url, settings, workers, os.cpu_count() or 1, Path(logs)) as ps,
    ):
        client = httpx.Client(base_url=server.url, headers=AUTH, timeout=3600)
        started = time.perf_counter()
        marks = [("upload", busy_jiffies())]  # the machine's CPU time as each status begins
        files = {"file": ("big.csv", data, "text/csv")}
        answer = client.post("/imports", files=files, params={"dry_run": str(dry_run).lower()})
        expected = 200 if dry_run else 202
        if answer.status_code != expected:
            raise RuntimeError(f"answered {answer.status_code}: {answer.text[:300]}")
        seen = {"accepted": time.perf_counter() - started}  # when each status was first seen
        if not dry_run:
            location = answer.headers["location"]
            while (record := client.get(location).json())["status"] not in (
                "completed", "failed", "cancelled",
            ):  # fmt: skip
                if record["status"] not in seen:
                    seen[record["status"]] = time.perf_counter() - started
                    marks.append((record["status"], busy_jiffies()))
                time.sleep(0.5)
            if record["status"] != "completed" or record["added"] != rows:
                raise RuntimeError(f"the job ended {record['status']}: {record.get('errors')}")
        elapsed = time.perf_counter() - started
        marks.append(("end", busy_jiffies()))
        print("    first seen: " + ", ".join(f"{k} {v:.1f} s" for k, v in seen.items()), flush=True)
        print(f"    {cores_busy(marks)}", flush=True)
        server_mb = server.server_peak_rss_mb()
        child_mb = server.largest_child_peak_rss_mb()
        worker_mb = [_status_kib(p.pid, "VmHWM") / 1024 for p in ps]
    peaks = f"server {server_mb:,.0f} MB, its largest child {child_mb:,.0f} MB" + "".join(
        f", worker {n} {mb:,.0f} MB" for n, mb in enumerate(worker_mb, 1)
    )
    return [f"{elapsed:.1f}", peaks]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="*", type=int, default=[1_000_000, 5_000_000])
    parser.add_argument("--workers", nargs="*", type=int, default=[2, 1])
    parser.add_argument("--dry-run-rows", type=int, default=1_000_000)
    parser.add_argument("--aliases", action="store_true", help="one alias a user")
    parser.add_argument("--shape", choices=list(SHAPES), default="utf-8", help="the encoding")
    args = parser.parse_args()
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        sys.exit("bench.scale needs PostgreSQL: set TEST_DATABASE_URL")
    table: list[Row] = []
    for rows in args.rows:
        data = shaped(prehashed_csv(rows, aliases=args.aliases), args.shape)
        floor = parse_floor(data, shape=args.shape)
        aliased = (", an alias each" if args.aliases else "") + f", {args.shape}"
        print(f"{rows:,} rows{aliased}, {len(data) / 1e6:,.0f} MB, csv.reader {floor:.2f} s",
              flush=True)  # fmt: skip
        times = {}
        for workers in args.workers:
            with postgres_schema(pg) as url:
                elapsed, peaks = run_job(url, data, rows, workers, dry_run=False)
            times[workers] = float(elapsed)
            print(f"  job, {workers} worker(s): {elapsed} s; {peaks}", flush=True)
            ratio = float(elapsed) / floor
            label = f"job {rows:,} {args.shape}, {workers} worker(s)"
            table.append(Row(label, f"{elapsed} s", f"csv.reader {floor:.2f} s", ratio, "<=25"))
            table.append(Row(f"  rows/s; {peaks}", f"{rows / float(elapsed):,.0f}", "", None, ""))
        if 1 in times and 2 in times:
            table.append(Row(f"speed-up {rows:,}, 2 workers vs 1", f"{times[1] / times[2]:.2f}x",
                             "", times[1] / times[2], ">=1.5"))  # fmt: skip
    if args.dry_run_rows:
        data = prehashed_csv(args.dry_run_rows)
        floor = parse_floor(data)
        with postgres_schema(pg) as url:
            elapsed, peaks = run_job(url, data, args.dry_run_rows, 1, dry_run=True)
        print(f"dry run {args.dry_run_rows:,}: {elapsed} s; {peaks}", flush=True)
        table.append(Row(f"dry run {args.dry_run_rows:,}; {peaks}", f"{elapsed} s",
                         f"csv.reader {floor:.2f} s", None, ""))  # fmt: skip
    print_table(table)


if __name__ == "__main__":
    main()
