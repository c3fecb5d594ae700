"""The README's curl session, run as written (the key and the address put in) against
`userimport serve`: each step answers what the README shows."""

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from bench.server import Server
from tests.conftest import ADMIN_KEY, ROOT

ServiceFactory = Callable[..., AbstractContextManager[Server]]


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A session with curl") : readme.index("## The Python SDK")]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, re.DOTALL))


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl: apt-get install curl")
def test_the_readme_curl_session_runs_as_written(
    live_service: ServiceFactory, tmp_path: Path
) -> None:
    script = walkthrough()
    assert "KEY=uik_..." in script and "http://127.0.0.1:8000" in script
    with live_service() as server:
        script = script.replace("KEY=uik_...", f"KEY={ADMIN_KEY}")
        script = script.replace("http://127.0.0.1:8000", server.url)
        done = subprocess.run(  # noqa: S603
            ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert done.returncode == 0, done.stderr
    out = done.stdout
    refused, _ = json.JSONDecoder().raw_decode(out)  # step 2 answers first
    assert refused["code"] == "import_refused", out
    assert [e["code"] for e in refused["errors"]] == [
        "invalid_email", "missing_value", "invalid_boolean",
    ]  # fmt: skip
    assert '"status":"validated"' in out  # the dry run
    assert "HTTP/1.1 201 Created" in out
    assert "Idempotent-Replayed: true" in out.replace("idempotent-replayed", "Idempotent-Replayed")
    assert '"Row","Email","Name","Password","Force Change Password","Errors"' in out  # error file
    assert '"email":"ana@example.com"' in out
    assert (tmp_path / "template.csv").read_text(encoding="utf-8-sig").startswith("Email,Name")
    exported = (tmp_path / "everyone.csv").read_text(encoding="utf-8-sig")
    assert exported.startswith('"Email","Name","Password","Force Change Password"')
    assert '"ana@example.com","Ana Smith-Jones","","TRUE"' in exported  # as edited
    reverted, _ = json.JSONDecoder().raw_decode(
        out[out.rindex('{"id":', 0, out.index('"status":"reverted"')) :]
    )
    assert (reverted["status"], reverted["updated"]) == ("reverted", 1), out  # hr@ was unchanged
    assert '"aliases":["asmith@example.com"]' in out and '"active":false' in out  # step 7
    events = json.loads(out[out.rindex('{"items":') :])["items"]  # step 7 answers last
    assert [e["kind"] for e in events][:2] == ["disabled", "reverted"], events
