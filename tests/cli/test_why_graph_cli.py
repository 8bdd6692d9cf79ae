"""``depgraph why-rebuild --graph FILE`` on a real sample_tree build: the answer's include
chains and link cascade as a picture (golden DOT), guarded like ``depgraph graph``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import Build

from depgraph.cli import main


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Keep the load cache of these runs out of the user's ~/.cache."""
    monkeypatch.setenv("DEPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def test_golden_picture_of_a_header_change(sample_build: Build, tmp_path: Path, capsys):
    out = tmp_path / "why.dot"
    argv = ["why-rebuild", "-C", str(sample_build.obj), "drivers/common/helper.h"]
    assert main([*argv, "--graph", str(out)]) == 0
    printed = capsys.readouterr().out
    assert main(argv) == 0
    assert printed == capsys.readouterr().out  # the answer is printed as without --graph
    golden = GOLDEN / "why_rebuild_helper_h.dot"
    if os.environ.get("DEPGRAPH_UPDATE_GOLDEN"):
        golden.write_text(out.read_text())
    assert out.read_text() == golden.read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is absent")
def test_svg_of_a_symbol_change(sample_build: Build, tmp_path: Path, capsys):
    out = tmp_path / "why.svg"
    argv = ["why-rebuild", "-C", str(sample_build.obj), "--json", "CONFIG_NET_DEBUG"]
    assert main([*argv, "--graph", str(out)]) == 0
    assert capsys.readouterr().out.startswith("{")
    svg = out.read_text()
    assert "CONFIG_NET_DEBUG" in svg and "drivers/common/helper.h" in svg


def test_guard_and_bad_suffix_are_one_line_errors(sample_build: Build, tmp_path, capsys):
    out = tmp_path / "why.dot"
    argv = ["why-rebuild", "-C", str(sample_build.obj), "include/linux/kernel.h"]
    assert main([*argv, "--graph", str(out), "--max-nodes", "5"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "more than --max-nodes 5" in lines[0]
    assert not out.exists()
    assert main([*argv, "--graph", str(tmp_path / "why.txt")]) == 2
    assert "unknown picture format .txt" in capsys.readouterr().err
    assert main([*argv, "--graph", str(out), "--dir-depth", "1"]) == 0
    assert '"group:drivers/"' in out.read_text()
