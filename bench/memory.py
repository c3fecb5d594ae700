"""Peak memory of the server while it is sent 5 MiB of garbage, 5 MiB of valid rows (dry run)
and bodies over the limit (over-limit bodies must be refused before they are read), then of a
fresh server sent eight 5 MiB uploads at once.

    .venv/bin/python -m bench.memory
"""

import os
import random
import select
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.server import Server, running_server

KEY = "bench-memory-key-31f0"
AUTH_LINE = f"Authorization: Bearer {KEY}\r\n".encode()
LIMIT = 5 * 1024 * 1024
MULTIPART_SLACK = 1024  # room for the multipart framing around the file
TARGET_PEAK_MB = 150  # the server process
TARGET_CONCURRENT_PEAK_MB = 600  # the server and its worker processes, 8 uploads at once
CONCURRENT_UPLOADS = 8


def garbage(size: int) -> bytes:
    return random.Random(7).randbytes(size)


def valid_rows(size: int) -> bytes:
    lines = ["Email,Name,Password,Force Change Password"]
    total, n = len(lines[0]) + 2, 0
    while True:
        line = f"user{n}@bench.example.com,Bench User {n},Bench-Password-{n:07d},TRUE"
        if total + len(line) + 2 > size:
            break
        lines.append(line)
        total += len(line) + 2
        n += 1
    return ("\r\n".join(lines) + "\r\n").encode()


def post_file(server: Server, data: bytes, dry_run: bool) -> tuple[int, float, str]:
    started = time.perf_counter()
    response = httpx.post(
        f"{server.url}/imports",
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("bench.csv", data, "text/csv")},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=300,
    )
    summary = response.json().get("code") or f"rows={response.json().get('rows')}"
    return response.status_code, time.perf_counter() - started, summary


def _status_of(sock: socket.socket) -> int:
    head = sock.recv(65536).split(b"\r\n", 1)[0]
    return int(head.split()[1]) if head else 0


def declared_too_large(server: Server) -> tuple[int, int]:
    """Declare 50 MiB, send none of it, and wait for the answer: (status, body bytes sent)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /imports HTTP/1.1\r\nHost: bench\r\n"
            + AUTH_LINE
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode()
        )
        return _status_of(sock), 0


def chunked_too_large(server: Server) -> tuple[int, int]:
    """Stream a file part with no length until the server answers: (status, body bytes sent)."""
    chunk = b"a" * 65536
    sent = 0
    preamble = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /imports HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n"
            + AUTH_LINE
            + b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
            + f"{len(preamble):x}\r\n".encode()
            + preamble
            + b"\r\n"
        )
        while sent < 20 * LIMIT:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break  # the server stopped reading: its answer is waiting
            sent += len(chunk)
        return _status_of(sock), sent


def row(case: str, status: object, seconds: str, server: Server, detail: str = "") -> None:
    print(
        f"{case:<38} {status!s:>6} {seconds:>8} {server.server_peak_rss_mb():>10.1f}"
        f" {server.peak_rss_mb():>10.1f}  {detail}"
    )


def short_lines(size: int) -> bytes:
    header = b"Email,Name,Password,Force Change Password\r\n"
    line = b"a@b.c,N,P,T\r\n"
    return header + line * ((size - len(header)) // len(line))


def concurrent_uploads(url: str, settings: dict[str, str]) -> None:
    """Eight 5 MiB files of short lines at once, with the default row limit (each is refused
    as too_many_rows after every line is counted)."""
    data = short_lines(LIMIT - MULTIPART_SLACK)
    with running_server(url, {**settings, "USERIMPORT_MAX_ROWS": "500"}) as server:
        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENT_UPLOADS) as pool:
            answers = list(
                pool.map(lambda _: post_file(server, data, False), range(CONCURRENT_UPLOADS))
            )
        seconds = f"{time.perf_counter() - started:.2f}"
        statuses = "/".join(sorted({str(status) for status, _, _ in answers}))
        row(f"{CONCURRENT_UPLOADS} x 5 MiB of short lines at once", statuses, seconds, server,
            answers[0][2])  # fmt: skip
        peak = server.peak_rss_mb()
        verdict = "OK" if peak < TARGET_CONCURRENT_PEAK_MB else "OVER"
        target = f"target < {TARGET_CONCURRENT_PEAK_MB} MB"
        print(f"peak RSS, server and workers {peak:.1f} MB ({target}): {verdict}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = {
            "USERIMPORT_API_KEY": KEY,
            "USERIMPORT_MAX_ROWS": "200000",
            "USERIMPORT_MAX_UPLOAD_BYTES": str(LIMIT),
        }
        with running_server(url, settings) as server:
            print(f"server pid {server.process.pid}, {os.cpu_count()} cores; limit {LIMIT} bytes")
            print("peak RSS in MB: the server process; the server and its worker processes")
            print(f"{'case':<38} {'status':>6} {'seconds':>8} {'server':>10} {'all':>10}  detail")
            row("idle after start", "", "", server)
            size = LIMIT - MULTIPART_SLACK
            for case, data in (
                ("5 MiB of random bytes", garbage(size)),
                ("5 MiB of valid rows, dry run", valid_rows(size)),
            ):
                status, seconds, detail = post_file(server, data, dry_run=True)
                row(case, status, f"{seconds:.2f}", server, detail)
            before = server.server_peak_rss_mb()
            status, sent = declared_too_large(server)
            row("Content-Length 50 MiB", status, "", server, f"body bytes sent first: {sent}")
            status, sent = chunked_too_large(server)
            detail = f"client wrote {sent} bytes (kernel buffers included) before the answer"
            row("chunked body, no length", status, "", server, detail)
            peak = server.server_peak_rss_mb()
            verdict = "OK" if peak < TARGET_PEAK_MB else "OVER"
            print(f"server peak RSS {peak:.1f} MB (target < {TARGET_PEAK_MB} MB): {verdict}")
            print(f"over-limit bodies raised the peak by {peak - before:.1f} MB")
        concurrent_uploads(url, settings)


if __name__ == "__main__":
    main()
