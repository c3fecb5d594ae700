"""The house's shape, drawn from the code's own imports: small files, folders a newcomer can
take in at a glance, every package saying what it holds, and in every package its parts
importing one way only (no circle, so they stand on floors, every arrow pointing down)."""

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

APP = ROOT / "app"
MAX_LINES = 250
MAX_MODULES = 12


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in APP.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """The app modules a module imports (anywhere in it: functions and type checks too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _child(package: str, module: str) -> str | None:
    """The direct part of package (module or sub-package) that holds module."""
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1 :].split(".")[0]


def _circles(package: str) -> list[list[str]]:
    """Circles among the package's direct parts, each module standing for the part it is in."""
    arrows: dict[str, set[str]] = defaultdict(set)
    for module, imported in IMPORTS.items():
        source = _child(package, module)
        for target in imported:
            into = _child(package, target)
            if source and into and source != into:
                arrows[source].add(into)
    found, state = [], dict.fromkeys(arrows, 0)  # 0 unseen, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for after in sorted(arrows.get(node, ())):
            if state.get(after, 0) == 1:
                found.append([*path[path.index(after) :], after] if after in path else [after])
            elif state.get(after, 0) == 0:
                visit(after, [*path, after])
        state[node] = 2

    for node in sorted(arrows):
        if state[node] == 0:
            visit(node, [node])
    return found


PACKAGES = sorted(name for name, path in MODULES.items() if path.name == "__init__.py")


def test_no_file_in_app_is_over_250_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in MODULES.values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_holds_more_than_12_modules_of_its_own() -> None:
    crowded = {
        str(folder.relative_to(ROOT)): count
        for folder in [APP, *(path for path in APP.rglob("*") if path.is_dir())]
        if (count := len([p for p in folder.glob("*.py") if p.name != "__init__.py"])) > MAX_MODULES
    }
    assert crowded == {}


def test_every_package_says_what_it_holds_and_what_may_import_it() -> None:
    silent = [
        package
        for package in PACKAGES
        if not ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8")))
    ]
    assert silent == []


def test_no_import_circle_in_app_or_any_package() -> None:
    circles = {package: found for package in PACKAGES if (found := _circles(package))}
    assert circles == {}
