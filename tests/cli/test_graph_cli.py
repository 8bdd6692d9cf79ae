"""``depgraph graph`` as a user runs it on a real sample_tree build: formats by suffix,
pictures by Graphviz's dot, the node guard after collapsing, one-line errors."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pydot
import pytest
from conftest import Build, snapshot

from depgraph.cli import main


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Keep the load cache of these runs out of the user's ~/.cache."""
    monkeypatch.setenv("DEPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


CHAIN = ["--from", "init/main.o", "--to", "include/linux/kern_levels.h"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is absent")


def graph(build: Build, *argv: str) -> int:
    return main(["graph", "-C", str(build.obj), *argv])


def one_line_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("depgraph: error: "), err
    for word in words:
        assert word in lines[0], err


def test_dot_on_stdout_either_argument_order(sample_build: Build, capsys):
    assert graph(sample_build, *CHAIN) == 0
    first = capsys.readouterr().out
    assert graph(sample_build, "--to", CHAIN[1], "--from", CHAIN[3]) == 0
    assert capsys.readouterr().out == first
    (parsed,) = pydot.graph_from_dot_data(first)
    assert "why init/main.o depends on include/linux/kern_levels.h" in first
    assert '"include/linux/printk.h" -> "include/linux/kernel.h"' in first
    assert parsed.get_name() == '"depgraph"'


@needs_dot
def test_svg_by_suffix_through_dot(sample_build: Build, tmp_path: Path, capsys):
    out = tmp_path / "why.svg"
    assert graph(sample_build, *CHAIN, "-o", str(out)) == 0
    assert capsys.readouterr().out == ""
    root = ET.fromstring(out.read_bytes())
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    assert {"init/main.o", "init/main.c", "include/linux/kern_levels.h"} <= titles
    pdf = tmp_path / "why.pdf"
    assert graph(sample_build, *CHAIN, "-o", str(pdf)) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_json_and_graphml_by_suffix_or_format(sample_build: Build, tmp_path: Path, capsys):
    assert graph(sample_build, *CHAIN, "-o", str(tmp_path / "x.json")) == 0
    data = json.loads((tmp_path / "x.json").read_text())
    assert {n["id"] for n in data["nodes"]} == {
        "init/main.o", "init/main.c", "include/linux/kernel.h", "include/linux/printk.h",
        "include/linux/kern_levels.h",
    }  # fmt: skip
    assert graph(sample_build, *CHAIN, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == data
    assert graph(sample_build, *CHAIN, "-o", str(tmp_path / "x.graphml")) == 0
    back = nx.read_graphml(tmp_path / "x.graphml")
    assert back.edges["include/linux/kernel.h", "init/main.c"]["line"] == 2


def test_unknown_suffix_is_a_one_line_error(sample_build: Build, tmp_path: Path, capsys):
    assert graph(sample_build, *CHAIN, "-o", str(tmp_path / "x.jpeg")) == 2
    one_line_error(capsys.readouterr().err, "x.jpeg", ".jpeg", ".svg")
    assert not (tmp_path / "x.jpeg").exists()


def test_guard_refuses_with_advice_and_writes_nothing(sample_build: Build, tmp_path, capsys):
    out = tmp_path / "big.dot"
    argv = ["--focus", "init/main.o", "--reverse", "--max-nodes", "8", "-o", str(out)]
    assert graph(sample_build, *argv) == 2
    one_line_error(capsys.readouterr().err, "more than --max-nodes 8", "--dir-depth")
    assert not out.exists()


def test_collapsing_applies_before_the_guard(sample_build: Build, capsys):
    argv = ["--focus", "init/main.o", "--reverse", "--hide", "config"]
    assert graph(sample_build, *argv, "--common", "0", "--max-nodes", "1000", "--format",
                 "json") == 0  # fmt: skip
    whole = len(json.loads(capsys.readouterr().out)["nodes"])
    assert graph(sample_build, *argv, "--max-nodes", "1000", "--format", "json") == 0
    collapsed = json.loads(capsys.readouterr().out)["nodes"]
    assert "group:common headers" in {n["id"] for n in collapsed}
    limit = str(len(collapsed))
    assert len(collapsed) < whole
    assert graph(sample_build, *argv, "--common", "0", "--max-nodes", limit) == 2
    one_line_error(capsys.readouterr().err, f"--max-nodes {limit}")
    assert graph(sample_build, *argv, "--max-nodes", limit) == 0
    capsys.readouterr()
    folded = ["--dir-depth", "1", "--collapse", "init", "--max-nodes", "1000", "--format", "json"]
    assert graph(sample_build, *argv, *folded) == 0
    ids = {n["id"] for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert {"group:include/", "group:init/", "init/main.o"} <= ids  # the focus stays
    assert "init/main.c" not in ids


def test_missing_dot_names_the_debian_package(sample_build: Build, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert graph(sample_build, *CHAIN, "-o", str(tmp_path / "why.svg")) == 2
    one_line_error(capsys.readouterr().err, "graphviz", "apt-get install graphviz")
    assert graph(sample_build, *CHAIN, "-o", str(tmp_path / "why.dot")) == 0


def test_bad_questions_are_one_line_errors(sample_build: Build, capsys):
    assert graph(sample_build, "--focus", "include/no/such.h") == 2
    one_line_error(capsys.readouterr().err, "include/no/such.h")
    assert graph(sample_build, "--focus", "init/main.o", *CHAIN) == 2
    one_line_error(capsys.readouterr().err, "--focus")
    assert graph(sample_build, "--from", "init/main.o") == 2
    one_line_error(capsys.readouterr().err, "--to")
    assert graph(sample_build, "--from", "include/linux/kernel.h", "--to", "lib/crc8.c") == 2
    one_line_error(capsys.readouterr().err, "no path")
    assert graph(sample_build, "--focus", "init/main.o", "--hide", "headers") == 2
    one_line_error(capsys.readouterr().err, "--hide headers")


def test_whole_sample_tree_fits_and_nothing_is_written_into_it(sample_build: Build, capsys):
    before_obj, before_src = snapshot(sample_build.obj), snapshot(sample_build.src)
    assert graph(sample_build, "--commands") == 0
    text = capsys.readouterr().out
    assert '"cmd:init/main.o" -> "init/main.o"' in text
    assert graph(sample_build, "--focus", "CONFIG_HZ", "--depth", "2") == 0
    assert '"CONFIG_HZ" -> ' in capsys.readouterr().out
    assert snapshot(sample_build.obj) == before_obj
    assert snapshot(sample_build.src) == before_src
