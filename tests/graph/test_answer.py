"""why-rebuild answers on a real sample_tree build, as graphs: every redone target is
reached from the change, through the include chains and the link cascade."""

from __future__ import annotations

import networkx as nx
import pytest
from conftest import Build

from depgraph.graph.answer import answer_graph
from depgraph.graph.schema import build_graph
from depgraph.model import EdgeKind, NodeKind, ReasonKind
from depgraph.questions.why import Answer, Change, Reason, Rebuild, why_rebuild
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader


@pytest.fixture(scope="module")
def loaded(sample_build: Build):
    layout = locate(str(sample_build.obj), {}, "/")
    tree = load_tree(layout)
    return tree, SourceReader(layout), build_graph(tree, commands=False)


@pytest.mark.parametrize(
    "change",
    ["drivers/common/helper.h", "include/linux/kern_levels.h", "init/main.c",
     "CONFIG_DEFAULT_LOGLEVEL", "CONFIG_NET_DEBUG", "drivers/misc/mymod_util.c"],
)  # fmt: skip
def test_every_redone_target_is_reached_from_the_change(loaded, change: str):
    tree, reader, graph = loaded
    answer = why_rebuild(tree, [Change(change)], reader)
    view = answer_graph(answer, graph)
    reached = nx.descendants(view, change)
    assert {r.target for r in (*answer.compile, *answer.link)} <= reached
    for node, data in view.nodes(data=True):
        assert data == graph.nodes[node]  # the schema's kinds and attributes


def test_a_header_change_draws_its_include_chains_and_the_cascade(loaded):
    tree, reader, graph = loaded
    answer = why_rebuild(tree, [Change("drivers/common/helper.h")], reader)
    view = answer_graph(answer, graph)
    assert view.edges["drivers/common/helper.h", "drivers/net/netdev.c"] == {
        "kind": "include", "line": 4, "text": '#include "../common/helper.h"'
    }  # fmt: skip
    assert view.edges["drivers/net/netdev.c", "drivers/net/netdev.o"]["kind"] == "source"
    assert view.edges["drivers/net/netdev.o", "drivers/net/built-in.a"]["kind"] == "member"
    assert view.edges["vmlinux", "init/version-timestamp.o"] == {"kind": "relink"}
    assert view.edges["arch/boot/voffset.h", "arch/boot/misc.c"]["kind"] == "include"


def test_a_symbol_change_goes_through_the_file_that_names_it(loaded):
    tree, reader, graph = loaded
    answer = why_rebuild(tree, [Change("CONFIG_NET_DEBUG")], reader)
    view = answer_graph(answer, graph)
    assert list(view.successors("CONFIG_NET_DEBUG")) == ["drivers/common/helper.h"]
    mention = view.edges["CONFIG_NET_DEBUG", "drivers/common/helper.h"]
    assert mention["kind"] == "mention" and mention["line"] == 8


@pytest.mark.parametrize("kind", list(ReasonKind))
def test_every_reason_kind_draws_an_edge_of_a_schema_kind(kind: ReasonKind):
    rebuild = Rebuild("lib/t.o", NodeKind.OBJECT, (Reason(kind, "lib/cause"),))
    view = answer_graph(Answer((Change("lib/cause"),), (rebuild,), ()), nx.DiGraph())
    assert view.edges["lib/cause", "lib/t.o"]["kind"] in set(EdgeKind)
