"""A helper process that must not outlive the process it works for."""

import os
import threading
import time
from pathlib import Path

WATCH_SECONDS = 0.5


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has ended: only its exit status waits to be read
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def end_with(pid: int) -> None:
    """End this process within about WATCH_SECONDS of process pid's end, however it ends
    (SIGKILL too): a thread of this process watches it."""

    def watch() -> None:
        while _alive(pid):
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-server", daemon=True).start()
