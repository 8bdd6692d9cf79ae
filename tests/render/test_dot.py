"""DOT output: golden text for sample_tree views, byte-identical whatever order the graph
was built in, a round trip through pydot with awkward ids, and real pictures by dot."""

from __future__ import annotations

import os
import random
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pydot
import pytest
from conftest import Build

from depgraph.graph import views
from depgraph.graph.schema import build_graph
from depgraph.model import EdgeKind, NodeKind, ViewNodeKind
from depgraph.questions.includes import IncludeResolver
from depgraph.render.dot import (
    EDGE_STYLE,
    NODE_STYLE,
    GraphvizError,
    quote,
    render_dot,
    render_image,
)
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare with tests/fixtures/golden/NAME; DEPGRAPH_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("DEPGRAPH_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


@pytest.fixture(scope="module")
def sample(sample_build: Build) -> tuple[nx.DiGraph, IncludeResolver]:
    layout = locate(str(sample_build.obj), {}, "/")
    tree = load_tree(layout)
    return build_graph(tree, commands=False), IncludeResolver(tree, SourceReader(layout))


def chain_view(graph: nx.DiGraph, resolver: IncludeResolver) -> str:
    view = views.paths(graph, "init/main.o", "include/linux/kern_levels.h", resolver=resolver)
    return render_dot(
        view,
        title="why init/main.o depends on include/linux/kern_levels.h",
        highlight=["init/main.o", "include/linux/kern_levels.h"],
    )


def test_golden_include_chain(sample):
    check_golden("include_chain.dot", chain_view(*sample))


def test_golden_collapsed_neighbourhood(sample):
    graph, resolver = sample
    view = views.focus(graph, "init/main.o", 1, reverse=True, resolver=resolver)
    drawn = views.collapse(
        view,
        common=views.common_nodes(graph, 0.8),
        directories=["include/linux"],
        keep={"init/main.o"},
    )
    check_golden(
        "collapsed_focus.dot", render_dot(drawn, title="init/main.o", highlight=["init/main.o"])
    )


def shuffled(graph: nx.DiGraph, seed: int) -> nx.DiGraph:
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    random.Random(seed).shuffle(nodes)
    random.Random(seed).shuffle(edges)
    copy: nx.DiGraph = nx.DiGraph()
    copy.add_nodes_from(nodes)
    copy.add_edges_from(edges)
    return copy


def test_same_dot_whatever_the_insertion_order(sample):
    graph, resolver = sample
    first = chain_view(graph, resolver)
    whole = render_dot(graph)
    for seed in range(3):
        assert chain_view(shuffled(graph, seed), resolver) == first
        assert render_dot(shuffled(graph, seed)) == whole


AWKWARD = [
    "include/linux/a.b-c+d.h",
    "cmd:init/main.o",
    "drivers/some dir/with space.h",
    "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h",
    "node",
    "graph",
    "lib/x:y.o",
    'odd "quoted" \\ name.h',
    "CONFIG_FOO",
    "group:drivers/net/",
]


def awkward_graph() -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    for i, ident in enumerate(AWKWARD):
        kind = ("header", "command", "header", "header", "object", "archive", "object",
                "header", "config", "group")[i]  # fmt: skip
        graph.add_node(ident, kind=kind, value="y", command="gcc -c", members=2, label="net/ (2)")
    for u, v in zip(AWKWARD, AWKWARD[1:], strict=False):
        graph.add_edge(u, v, kind="file")
    return graph


def all_nodes(graph: pydot.Dot) -> set[str]:
    found = {n.get_name() for n in graph.get_nodes()} - {"graph", "node", "edge"}
    for sub in graph.get_subgraphs():
        found |= all_nodes(sub)
    return found


def all_edges(graph: pydot.Dot) -> set[tuple[str, str]]:
    found = {(e.get_source(), e.get_destination()) for e in graph.get_edges()}
    for sub in graph.get_subgraphs():
        found |= all_edges(sub)
    return found


def test_round_trip_through_pydot_with_awkward_ids():
    graph = awkward_graph()
    text = render_dot(graph)
    (parsed,) = pydot.graph_from_dot_data(text)
    nodes = {n for n in all_nodes(parsed) if not n.startswith('"legend:')}
    assert nodes == {quote(i) for i in AWKWARD}
    edges = {e for e in all_edges(parsed) if not e[0].startswith('"legend:')}
    assert edges == {(quote(u), quote(v)) for u, v in graph.edges}
    # Written again from what pydot read, the text is the same.
    assert parsed.to_string() == text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_draws_svg_with_every_node(sample):
    graph = awkward_graph()
    svg = render_image(render_dot(graph), "svg")
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    titles = {
        g.find("svg:title", ns).text
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "node"
    }
    # DOT unescapes only \" in an id, so dot keeps a backslash written doubled.
    assert {i.replace("\\", "\\\\") for i in AWKWARD} <= titles
    png = render_image(chain_view(*sample), "png")
    assert png.startswith(b"\x89PNG")


def test_missing_dot_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizError, match="install the Debian package graphviz"):
        render_image("digraph {}", "svg")


def test_every_node_and_edge_kind_has_a_look():
    assert set(NODE_STYLE) == set(NodeKind) | set(ViewNodeKind)
    assert set(EDGE_STYLE) == set(EdgeKind)


def test_the_legend_draws_each_kind_of_the_view_in_style_order():
    graph: nx.DiGraph = nx.DiGraph()
    for kind in (*NodeKind, *ViewNodeKind):
        graph.add_node(f"n/{kind.value}", kind=kind.value)
    nodes = list(graph.nodes)
    for i, kind in enumerate(EdgeKind):
        graph.add_edge(nodes[i], nodes[i + 1], kind=kind.value)
    text = render_dot(graph)
    node_legend = re.findall(r'^"legend:(\w+)" \[', text, re.M)
    edge_legend = re.findall(r'^"legend:(\w+):from" -> ', text, re.M)
    assert node_legend == [k.value for k in NODE_STYLE]
    assert edge_legend == [k.value for k in EDGE_STYLE]
