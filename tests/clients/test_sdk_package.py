"""The SDK as a user gets it: `pip install ./clients/python` in a fresh virtualenv, then the
README's snippet, as written (only the address and the key put in), against `userimport serve`."""

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from bench.server import Server
from tests.conftest import ADMIN_KEY, ROOT
from tests.helpers import csv_bytes, user_rows

ServiceFactory = Callable[..., AbstractContextManager[Server]]


def readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Python SDK") :]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the README's SDK section has no python snippet"
    return found.group(1)


@pytest.fixture(scope="module")
def sdk_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the SDK installed from a copy of clients/python."""
    root = tmp_path_factory.mktemp("sdk")
    source = shutil.copytree(ROOT / "clients" / "python", root / "python")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)  # noqa: S603
    python = root / "venv" / "bin" / "python"
    subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "install", "--quiet", str(source)],
        check=True,
        capture_output=True,
    )
    return python


def run_snippet(python: Path, folder: Path, url: str, token: str) -> subprocess.CompletedProcess[str]:
    script = readme_snippet()
    assert 'base_url="http://127.0.0.1:8000"' in script and 'token="uik_..."' in script
    script = script.replace("http://127.0.0.1:8000", url)
    if token:
        script = script.replace("uik_...", token)
    (folder / "snippet.py").write_text(script, encoding="utf-8")
    return subprocess.run(  # noqa: S603
        [str(python), "snippet.py"], cwd=folder, capture_output=True, text=True, timeout=60
    )


def test_the_readme_snippet_runs_with_the_installed_package(
    sdk_python: Path, live_service: ServiceFactory, tmp_path: Path
) -> None:
    (tmp_path / "users.csv").write_bytes(csv_bytes(user_rows(3)))
    with live_service() as server:
        checked = run_snippet(sdk_python, tmp_path, server.url, ADMIN_KEY)
        unauthorised = run_snippet(sdk_python, tmp_path, server.url, "")
        (tmp_path / "users.csv").write_bytes(csv_bytes([["nobody", "X", "Long-Enough-1", "no"]]))
        refused = run_snippet(sdk_python, tmp_path, server.url, ADMIN_KEY)

    assert (checked.returncode, checked.stdout) == (0, "validated: 3 rows, 3 to add\n")
    assert unauthorised.returncode == 1
    assert unauthorised.stderr.startswith("401 unauthorized: ")
    assert refused.returncode == 1
    assert refused.stderr.startswith("422 import_refused: ")
    assert "row 2, Email: invalid_email" in refused.stderr
    assert "row 2, Force Change Password: invalid_boolean" in refused.stderr


def test_the_sdk_readme_runs_as_written(
    sdk_python: Path, live_service: ServiceFactory, tmp_path: Path
) -> None:
    """Its own README (clients/templates/README.md.jinja), not the generator's boilerplate:
    connect, import a file, read the directory and undo an import, as written."""
    readme = (ROOT / "clients" / "python" / "README.md").read_text(encoding="utf-8")
    script = "\n".join(re.findall(r"```python\n(.*?)```", readme, re.DOTALL))
    (tmp_path / "users.csv").write_bytes(csv_bytes([*user_rows(2), ["x", "", "", ""]]))
    with live_service() as server:
        script = script.replace("http://127.0.0.1:8000", server.url).replace("uik_...", ADMIN_KEY)
        script = script.replace("dry_run=True", "dry_run=False")  # something to undo
        (tmp_path / "sdk_readme.py").write_text(script, encoding="utf-8")
        refused = subprocess.run(  # noqa: S603
            [str(sdk_python), "sdk_readme.py"], cwd=tmp_path, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        header_only = "Email,Name,Password,Force Change Password\r\n"
        (tmp_path / "users.csv").write_bytes(csv_bytes(user_rows(2)))
        done = subprocess.run(  # noqa: S603
            [str(sdk_python), "sdk_readme.py"], cwd=tmp_path, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        (tmp_path / "users.csv").write_text(header_only)
        whole_file = subprocess.run(  # noqa: S603
            [str(sdk_python), "sdk_readme.py"], cwd=tmp_path, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip

    assert "row 4, Email: invalid_email" in refused.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "completed: 2 rows, 2 to add"
    assert "user0@example.com User 0" in done.stdout
    assert "the file: empty_file" in whole_file.stderr  # not "row None None"
