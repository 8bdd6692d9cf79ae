"""node-link JSON and GraphML of a sample_tree view read back into the same graph."""

from __future__ import annotations

import io
import json

import networkx as nx
from conftest import Build

from depgraph.graph import views
from depgraph.graph.export import render_graphml, render_node_link
from depgraph.graph.schema import build_graph
from depgraph.questions.includes import IncludeResolver
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader


def view_of(build: Build) -> nx.DiGraph:
    layout = locate(str(build.obj), {}, "/")
    tree = load_tree(layout)
    graph = build_graph(tree)
    resolver = IncludeResolver(tree, SourceReader(layout))
    chains = views.paths(graph, "CONFIG_DEFAULT_LOGLEVEL", "init/main.o", resolver=resolver)
    around = views.focus(graph, "init/main.o", 1, reverse=True)  # with its command node
    return views.collapse(nx.compose(chains, around), dir_depth=2, keep={"init/main.o"})


def test_node_link_json_reads_back_into_the_same_graph(sample_build: Build):
    view = view_of(sample_build)
    text = render_node_link(view)
    data = json.loads(text)
    assert set(data) >= {"directed", "nodes", "edges"}
    back = nx.node_link_graph(data, edges="edges")
    assert dict(back.nodes(data=True)) == dict(view.nodes(data=True))
    assert {(u, v): d for u, v, d in back.edges(data=True)} == {
        (u, v): d for u, v, d in view.edges(data=True)
    }
    assert render_node_link(view) == text


def test_graphml_reads_back_into_the_same_graph(sample_build: Build):
    view = view_of(sample_build)
    text = render_graphml(view)
    back = nx.read_graphml(io.BytesIO(text.encode()))
    assert dict(back.nodes(data=True)) == dict(view.nodes(data=True))
    assert {(u, v): d for u, v, d in back.edges(data=True)} == {
        (u, v): d for u, v, d in view.edges(data=True)
    }
    assert render_graphml(view) == text
