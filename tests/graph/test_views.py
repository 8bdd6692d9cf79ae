"""Views of a real sample_tree build's graph: neighbourhoods, shortest paths with their
include chains, collapsing, and the same view whatever order the graph was built in."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from conftest import Build

from depgraph.graph import views
from depgraph.graph.schema import build_graph
from depgraph.model import EdgeKind, NodeKind
from depgraph.questions.includes import IncludeResolver
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader


@pytest.fixture(scope="module")
def sample(sample_build: Build) -> tuple[nx.DiGraph, IncludeResolver]:
    layout = locate(str(sample_build.obj), {}, "/")
    tree = load_tree(layout)
    return build_graph(tree, commands=False), IncludeResolver(tree, SourceReader(layout))


def kinds(view: nx.DiGraph) -> list[tuple[str, str, str]]:
    return [(u, v, d["kind"]) for u, v, d in view.edges(data=True)]


def test_focus_forward_is_what_a_header_makes_make_redo(sample):
    graph, _ = sample
    view = views.focus(graph, "drivers/common/helper.h", 2)
    assert kinds(view) == [
        ("drivers/common/helper.h", "drivers/net/netdev.o", "file"),
        ("drivers/common/helper.h", "drivers/net/netqueue.o", "file"),
        ("drivers/net/netdev.o", "drivers/net/built-in.a", "member"),
        ("drivers/net/netqueue.o", "drivers/net/built-in.a", "member"),
    ]
    assert view.nodes["drivers/net/netdev.o"] == graph.nodes["drivers/net/netdev.o"]
    assert list(views.focus(graph, "drivers/common/helper.h", 0).nodes) == [
        "drivers/common/helper.h"
    ]


def test_focus_reverse_from_a_header_follows_its_includes_and_symbols(sample):
    graph, resolver = sample
    view = views.focus(graph, "drivers/common/helper.h", 2, reverse=True, resolver=resolver)
    assert kinds(view) == [
        ("CONFIG_NET_DEBUG", "drivers/common/helper.h", "mention"),
        ("include/linux/kernel.h", "drivers/common/helper.h", "include"),
        ("include/linux/printk.h", "include/linux/kernel.h", "include"),
        ("include/linux/string.h", "include/linux/kernel.h", "include"),
        ("include/linux/types.h", "include/linux/kernel.h", "include"),
    ]
    mention = view.edges["CONFIG_NET_DEBUG", "drivers/common/helper.h"]
    assert mention["line"] == 8 and "CONFIG_NET_DEBUG" in mention["text"]
    # Without a resolver, a header depends on nothing the graph records.
    assert list(views.focus(graph, "drivers/common/helper.h", 2, reverse=True).nodes) == [
        "drivers/common/helper.h"
    ]


def test_focus_reverse_from_an_object_is_its_dependency_list(sample):
    graph, resolver = sample
    view = views.focus(graph, "init/main.o", 1, reverse=True, resolver=resolver)
    assert set(view.predecessors("init/main.o")) == set(view.nodes) - {"init/main.o"}
    assert "include/linux/kern_levels.h" in view and "CONFIG_DEFAULT_LOGLEVEL" in view
    assert view.edges["init/main.c", "init/main.o"]["kind"] == "source"
    # One step further: the include edges among those files, resolved for init/main.o.
    deeper = views.focus(graph, "init/main.o", 2, reverse=True, resolver=resolver)
    assert set(deeper.nodes) == set(view.nodes)
    assert deeper.edges["include/linux/printk.h", "include/linux/kernel.h"]["line"] == 6


def test_paths_give_the_include_chain_in_either_order(sample):
    graph, resolver = sample
    view = views.paths(graph, "init/main.o", "include/linux/kern_levels.h", resolver=resolver)
    assert kinds(view) == [
        ("include/linux/kern_levels.h", "include/linux/printk.h", "include"),
        ("include/linux/kernel.h", "init/main.c", "include"),
        ("include/linux/printk.h", "include/linux/kernel.h", "include"),
        ("init/main.c", "init/main.o", "source"),
    ]
    other = views.paths(graph, "include/linux/kern_levels.h", "init/main.o", resolver=resolver)
    assert list(other.edges(data=True)) == list(view.edges(data=True))
    # Without a resolver: the graph's own edge, the header is in the object's list.
    plain = views.paths(graph, "init/main.o", "include/linux/kern_levels.h")
    assert kinds(plain) == [("include/linux/kern_levels.h", "init/main.o", "file")]


def test_paths_from_a_symbol_go_through_the_file_that_names_it(sample):
    graph, resolver = sample
    view = views.paths(graph, "CONFIG_DEFAULT_LOGLEVEL", "init/main.o", resolver=resolver)
    assert kinds(view) == [
        ("CONFIG_DEFAULT_LOGLEVEL", "include/linux/printk.h", "mention"),
        ("include/linux/kernel.h", "init/main.c", "include"),
        ("include/linux/printk.h", "include/linux/kernel.h", "include"),
        ("init/main.c", "init/main.o", "source"),
    ]
    assert view.edges["CONFIG_DEFAULT_LOGLEVEL", "include/linux/printk.h"]["line"] == 7


def test_every_shortest_path_through_the_link_cascade(sample):
    graph, resolver = sample
    view = views.paths(graph, "vmlinux", "drivers/common/helper.h", resolver=resolver)
    assert set(view.successors("drivers/common/helper.h")) == {
        "drivers/net/netdev.c",
        "drivers/net/netqueue.c",
    }
    assert nx.shortest_path(view, "drivers/net/netdev.o", "vmlinux") == [
        "drivers/net/netdev.o", "drivers/net/built-in.a", "drivers/built-in.a", "built-in.a",
        "vmlinux.a", "vmlinux.o", "vmlinux",
    ]  # fmt: skip


def test_an_include_no_scan_resolves_keeps_the_graph_edge(sample):
    graph, resolver = sample
    view = views.paths(
        graph, "drivers/net/netqueue.o", "drivers/common/hw/queue_regs.h", resolver=resolver
    )
    assert kinds(view) == [("drivers/common/hw/queue_regs.h", "drivers/net/netqueue.o", "file")]


def test_unknown_nodes_and_missing_paths_are_view_errors(sample):
    graph, _ = sample
    with pytest.raises(views.ViewError, match="include/no/such.h: no such file"):
        views.focus(graph, "include/no/such.h", 1)
    with pytest.raises(views.ViewError, match="CONFIG_NOPE: no such symbol"):
        views.paths(graph, "CONFIG_NOPE", "init/main.o")
    with pytest.raises(views.ViewError, match="no path between"):
        views.paths(graph, "include/linux/kernel.h", "include/linux/printk.h")


def test_common_nodes_are_what_nearly_every_object_depends_on(sample_build: Build, sample):
    graph, _ = sample
    tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    compiled = [t for n, t in tree.targets.items() if t.compiled and n not in tree.stale]
    for threshold in (0.5, 0.8, 1.0):
        expected = set()
        for ident in tree.users:
            users = [t for t in compiled if ident in t.deps or ident in dict(t.stamps)]
            if len(users) >= threshold * len(compiled) and ident not in tree.targets:
                expected.add(ident)
        assert views.common_nodes(graph, threshold) == expected
    assert "include/linux/kconfig.h" in views.common_nodes(graph, 0.8)
    assert views.common_nodes(graph, 0) == frozenset()


def test_collapse_common_directories_and_depth(sample):
    graph, resolver = sample
    view = views.focus(graph, "init/main.o", 1, reverse=True, resolver=resolver)
    before = list(view.edges(data=True))
    common = views.common_nodes(graph, 0.8)
    drawn = views.collapse(view, common=common, keep={"include/linux/kconfig.h"})
    assert list(view.edges(data=True)) == before  # the input is left alone
    headers = drawn.nodes[views.COMMON_HEADERS]
    assert headers["kind"] == "group"
    assert headers["members"] == len({n for n in common if n in view} - {"CONFIG_FOO"}) - 1
    assert headers["label"] == f"{headers['members']} common headers"
    assert "include/linux/kconfig.h" in drawn  # kept
    merged = drawn.edges[views.COMMON_HEADERS, "init/main.o"]
    assert merged == {"kind": "file", "count": headers["members"]}
    assert drawn.edges[views.COMMON_SYMBOLS, "init/main.o"] == {"kind": "config", "count": 1}

    folded = views.collapse(view, directories=["include/linux"])
    assert "group:include/linux/" in folded and "include/generated/version.h" in folded
    assert not any(n.startswith("include/linux/") for n in folded)
    by_depth = views.collapse(view, dir_depth=1)
    assert {n for n in by_depth if n.startswith("group:")} == {"group:include/", "group:init/"}
    assert (
        by_depth.edges["group:include/", "group:init/"]["count"]
        == view.in_degree("init/main.o") - sum(1 for n in view if n.startswith("CONFIG_")) - 1
    )  # all but symbols and the source


def test_without_kinds_keeps_the_nodes_asked_for(sample):
    graph, resolver = sample
    view = views.paths(graph, "CONFIG_DEFAULT_LOGLEVEL", "init/main.o", resolver=resolver)
    assert "CONFIG_DEFAULT_LOGLEVEL" not in views.without_kinds(view, {"config"}, ())
    kept = views.without_kinds(view, {"config"}, {"CONFIG_DEFAULT_LOGLEVEL"})
    assert list(kept.nodes) == list(view.nodes)


def shuffled(graph: nx.DiGraph, seed: int) -> nx.DiGraph:
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    random.Random(seed).shuffle(nodes)
    random.Random(seed + 1).shuffle(edges)
    copy: nx.DiGraph = nx.DiGraph()
    copy.add_nodes_from(nodes)
    copy.add_edges_from(edges)
    return copy


def test_same_view_whatever_order_the_graph_was_built_in(sample):
    graph, resolver = sample
    common = views.common_nodes(graph, 0.8)
    for seed in (1, 2, 3):
        other = shuffled(graph, seed)
        for make in (
            lambda g: views.focus(g, "include/linux/kernel.h", 3),
            lambda g: views.focus(g, "init/main.o", 2, reverse=True, resolver=resolver),
            lambda g: views.paths(g, "vmlinux", "include/linux/printk.h", resolver=resolver),
            lambda g: views.collapse(g, common=common, dir_depth=1),
        ):
            first, second = make(graph), make(other)
            assert list(first.nodes(data=True)) == list(second.nodes(data=True))
            assert list(first.edges(data=True)) == list(second.edges(data=True))


def test_every_edge_kind_has_a_place_in_the_tie_break_order():
    assert sorted(views.EDGE_KIND_ORDER) == sorted(EdgeKind)


def test_path_kinds_are_the_kinds_of_the_nodes_named_by_a_path(sample_build: Build):
    graph = build_graph(load_tree(locate(str(sample_build.obj), {}, "/")))
    for node, data in graph.nodes(data=True):
        named_by_path = not node.startswith(("CONFIG_", "cmd:"))
        assert (data["kind"] in views.PATH_KINDS) == named_by_path, node
    assert NodeKind.CONFIG not in views.PATH_KINDS
