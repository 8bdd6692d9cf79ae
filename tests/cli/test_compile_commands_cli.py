"""``depgraph compile-commands`` on a real sample_tree build: stdout by default, a file
with -o, nothing written into the tree."""

from __future__ import annotations

import json

import pytest
from conftest import Build, snapshot

from depgraph.cli import main


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Keep the load cache of these runs out of the user's ~/.cache."""
    monkeypatch.setenv("DEPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def test_stdout_and_file_hold_the_same_database(sample_build: Build, tmp_path, capsys):
    before = snapshot(sample_build.obj)
    assert main(["compile-commands", "-C", str(sample_build.obj)]) == 0
    printed = capsys.readouterr().out
    entries = json.loads(printed)
    assert {e["file"].rsplit("/", 1)[-1] for e in entries} >= {"main.c", "netdev.c", "misc.c"}
    assert all(set(e) == {"directory", "file", "command"} for e in entries)
    assert {e["directory"] for e in entries} == {str(sample_build.obj.resolve())}
    out = tmp_path / "compile_commands.json"
    assert main(["compile-commands", "-C", str(sample_build.obj), "-o", str(out)]) == 0
    assert out.read_text() == printed
    assert snapshot(sample_build.obj) == before


def test_unwritable_output_is_a_one_line_error(sample_build: Build, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "compile_commands.json"
    assert main(["compile-commands", "-C", str(sample_build.obj), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("depgraph: error: ") and "cannot write" in err[0]
