"""Project-wide checks: layering contract, lint, and the installed entry points."""

from __future__ import annotations

import os
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
