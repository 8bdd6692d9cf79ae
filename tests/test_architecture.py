"""Project-wide checks: layering contract, lint, and the installed entry points."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    which = shutil.which(name)
    assert which, f"{name} is not installed: run scripts/install.sh --test"
    return which


def test_layers_point_one_way():
    result = subprocess.run(
        [_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean():
    result = subprocess.run(
        [_tool("ruff"), "check", "depgraph", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean():
    """Type hints are checked (strict, as pyproject.toml sets): ``py.typed`` ships."""
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_console_script_and_module_entry_points_load():
    env = dict(os.environ)
    for argv in ([_tool("depgraph"), "--version"], [sys.executable, "-m", "depgraph", "--version"]):
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("depgraph ")


def test_why_rebuild_start_up_does_not_import_networkx_or_pydot():
    """networkx alone costs 0.1-0.2 s to import; only commands that draw may pay it."""
    code = (
        "import sys, depgraph.cli, depgraph.cli.why, depgraph.questions.why; "
        "print(sorted(m for m in ('networkx', 'pydot') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


# What reads, stats or lists files, or runs a program. Only depgraph/tree/ does (through
# its FileSystem port, depgraph/tree/fs.py), cli/output.py writes the user's -o files, and
# render/dot.py runs Graphviz's dot on a picture's text.
_DISK = re.compile(
    r"\bopen\(|\bos\.(?:stat|lstat|listdir|scandir|walk|readlink|access|replace|unlink)\b"
    r"|\bos\.path\.(?:exists|isfile|isdir|islink|getmtime|getsize|realpath)\b"
    r"|(?<!fs)\.read_(?:text|bytes)\(|\.write_(?:text|bytes)\(|\bglob\.|\bshutil\.|\bsubprocess\b"
    r"|\bmmap\b|\btempfile\b"
)
_MAY_TOUCH_DISK = {
    "depgraph/cli/output.py": {"open(", "os.replace", "os.unlink", "tempfile"},
    "depgraph/render/dot.py": {"subprocess", "shutil."},
}


def test_only_the_tree_package_touches_the_disk():
    found = []
    for path in sorted((ROOT / "depgraph").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("depgraph/tree/"):
            continue
        allowed = _MAY_TOUCH_DISK.get(rel, set())
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            for match in _DISK.finditer(code):
                if not any(match.group().startswith(a) or a.startswith(match.group())
                           for a in allowed):  # fmt: skip
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []


def test_the_disk_check_finds_what_it_looks_for():
    """The pattern above is not vacuous: each way of touching the disk is seen."""
    samples = ["open(p)", "os.stat(p)", "os.scandir(d)", "os.path.isfile(p)", "p.read_text()",
               "Path(p).write_bytes(b)", "glob.glob(x)", "shutil.copyfile(a, b)",
               "subprocess.run(x)", "os.listdir(d)", "os.path.realpath(p)"]  # fmt: skip
    assert all(_DISK.search(sample) for sample in samples)
    assert not _DISK.search("fs.read_bytes(path)")  # through the port


def test_networkx_is_imported_only_by_the_graph_package():
    found = []
    for path in sorted((ROOT / "depgraph").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("depgraph/graph/"):
            continue
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = [node.module or ""]
            if any(n.split(".")[0] == "networkx" for n in names):
                found.append(f"{rel}:{node.lineno}")
    assert found == []


def _runtime_imports(module: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports of a module that run: not those under ``if TYPE_CHECKING:`` (names
    for annotations only)."""
    type_only = {
        id(inner)
        for block in ast.walk(module)
        if isinstance(block, ast.If)
        and isinstance(block.test, ast.Name)
        and block.test.id == "TYPE_CHECKING"
        for inner in ast.walk(block)
    }
    return [
        node
        for node in ast.walk(module)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in type_only
    ]
