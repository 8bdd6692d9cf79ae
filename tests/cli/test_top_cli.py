"""``depgraph top`` on a real sample_tree build: the table, the JSON list, -n."""

from __future__ import annotations

import json

import pytest
from conftest import Build

from depgraph.cli import main
from depgraph.questions import rank
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Keep the load cache of these runs out of the user's ~/.cache."""
    monkeypatch.setenv("DEPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def test_json_lists_every_row_largest_first(sample_build: Build, capsys):
    tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    assert main(["top", "headers", "-C", str(sample_build.obj), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["objects"]) for r in rows] == [
        (r.name, r.objects) for r in rank.rank_headers(tree)
    ]
    total = len(rank.objects(tree))
    kconfig = next(r for r in rows if r["name"] == "include/linux/kconfig.h")
    assert kconfig == {"name": "include/linux/kconfig.h", "objects": total, "share": 1.0}
    assert all(r["share"] == round(r["objects"] / total, 4) for r in rows)
    assert [r["objects"] for r in rows] == sorted((r["objects"] for r in rows), reverse=True)

    assert main(["top", "symbols", "-C", str(sample_build.obj), "--json", "-n", "2"]) == 0
    symbols = json.loads(capsys.readouterr().out)
    assert len(symbols) == 2 and set(symbols[0]) == {"name", "objects", "share"}
    assert main(["top", "objects", "-C", str(sample_build.obj), "--json", "-n", "3"]) == 0
    objects = json.loads(capsys.readouterr().out)
    assert [set(o) for o in objects] == [{"name", "files", "symbols"}] * 3


def test_text_table(sample_build: Build, capsys):
    assert main(["top", "headers", "-C", str(sample_build.obj), "-n", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Headers by the objects that recompile when they change (of ")
    assert len(lines) == 2 + 3 + 1 and lines[-1].startswith("  … and ")
    assert main(["top", "objects", "-C", str(sample_build.obj), "-n", "0"]) == 0
    assert "init/main.o" in capsys.readouterr().out


def test_negative_count_is_a_one_line_error(sample_build: Build, capsys):
    assert main(["top", "headers", "-C", str(sample_build.obj), "-n", "-1"]) == 2
    assert capsys.readouterr().err.strip() == "depgraph: error: -n must be 0 or more"
