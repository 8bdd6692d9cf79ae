"""The command line as a user meets it: answers, exit codes, and one-line errors for bad
input (never a traceback), on real sample_tree builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import Build, snapshot

from depgraph.cli import main


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """depgraph as a separate process, the way a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "depgraph", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("depgraph: error: ")
    for word in words:
        assert word in lines[0]


def test_missing_directory(tmp_path):
    result = run("why-rebuild", "-C", str(tmp_path / "nope"), "include/x.h")
    assert_one_line_error(result, "nope", "no such directory")


def test_directory_that_is_not_a_kbuild_tree(tmp_path):
    (tmp_path / "README").write_text("hello\n")
    result = run("why-rebuild", "-C", str(tmp_path), "include/x.h")
    assert_one_line_error(result, str(tmp_path), "not a kbuild object tree")


def test_usage_error_is_one_line_exit_2():
    result = run("why-rebuild")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_main_returns_exit_code_instead_of_exiting(tmp_path, capsys):
    assert main(["why-rebuild", "-C", str(tmp_path / "gone"), "x.h"]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_kbuild_output_is_honoured(sample_build: Build, tmp_path):
    header = next(sample_build.src.rglob("*.h"))
    env = dict(os.environ, KBUILD_OUTPUT=str(sample_build.obj))
    result = subprocess.run(
        [sys.executable, "-m", "depgraph", "why-rebuild", "--json", str(header)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == [str(header.relative_to(sample_build.src))]


def test_change_that_names_nothing(sample_build: Build):
    result = run("why-rebuild", "-C", str(sample_build.obj), "include/no/such/file.h")
    assert_one_line_error(result, "include/no/such/file.h")
    result = run("why-rebuild", "-C", str(sample_build.obj), "CONFIG_NO_SUCH_SYMBOL")
    assert_one_line_error(result, "CONFIG_NO_SUCH_SYMBOL")


def test_depgraph_writes_nothing_into_the_tree(sample_build: Build):
    before_obj, before_src = snapshot(sample_build.obj), snapshot(sample_build.src)
    header = next(sample_build.src.rglob("*.h"))
    assert run("why-rebuild", "-C", str(sample_build.obj), str(header)).returncode == 0
    assert run("why-rebuild", "-C", str(sample_build.obj), "--json", str(header)).returncode == 0
    assert snapshot(sample_build.obj) == before_obj
    assert snapshot(sample_build.src) == before_src


def test_a_subcommand_imports_only_its_own_module(sample_build: Build, tmp_path):
    """Start-up is part of every answer: a warm file question must not import the other
    subcommands, the configuration or Makefile readers or networkx; ``--help`` still lists
    them all."""
    code = (
        "import sys, contextlib, io\n"
        "from depgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(sys.argv[1:])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(('depgraph', 'networkx'))))\n"
    )
    argv = ["why-rebuild", "-C", str(sample_build.obj), "--json", "include/linux/kernel.h"]
    env = dict(os.environ, DEPGRAPH_CACHE_DIR=str(tmp_path))
    # the first run reads the tree's Makefiles (the prerequisites only their rules
    # name), and keeps them in the cache; the warm run after it does not
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                                text=True, env=env, check=True)  # fmt: skip
    status, modules = result.stdout.split(" ", 1)
    assert status == "0", result.stderr
    assert "depgraph.cli.why" in modules and "depgraph.questions.why" in modules
    for unwanted in ("depgraph.cli.status", "depgraph.cli.watch", "depgraph.cli.diff",
                     "depgraph.watch.session", "depgraph.questions.configchange",
                     "depgraph.tree.kconfig",
                     "depgraph.tree.makefiles", "networkx"):  # fmt: skip
        assert f"'{unwanted}'" not in modules, unwanted
    listing = run("--help").stdout
    for name in ("why-rebuild", "status", "watch", "graph", "top", "compile-commands", "diff"):
        assert name in listing
