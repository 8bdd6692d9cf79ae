"""The NetworkX graph of a real sample_tree build follows the one schema in
depgraph/graph/schema.py, and is the same graph whatever order the targets were read in."""

from __future__ import annotations

import random

import networkx as nx
from conftest import Build

from depgraph.graph.schema import build_graph, command_id
from depgraph.model import BuildTree, NodeKind
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree

EDGE_KINDS = {"source", "file", "config", "command", "member"}


def load(build: Build) -> BuildTree:
    return load_tree(locate(str(build.obj), {}, "/"))


def test_every_node_and_edge_has_a_schema_kind(sample_build: Build):
    graph = build_graph(load(sample_build))
    kinds = {k.value for k in NodeKind}
    assert {d["kind"] for _, d in graph.nodes(data=True)} == kinds
    assert {d["kind"] for *_, d in graph.edges(data=True)} == EDGE_KINDS
    for node, data in graph.nodes(data=True):
        if data["kind"] == "config":
            assert node.startswith("CONFIG_") and "value" in data
        if data["kind"] == "command":
            assert node.startswith("cmd:") and data["command"]
    for _, _, data in graph.edges(data=True):
        if data["kind"] == "config":
            assert data["via"]


def test_worked_example_of_the_schema(sample_build: Build):
    graph = build_graph(load(sample_build))
    assert graph.edges["init/main.c", "init/main.o"]["kind"] == "source"
    assert graph.edges["include/linux/printk.h", "init/main.o"]["kind"] == "file"
    assert graph.edges[command_id("init/main.o"), "init/main.o"]["kind"] == "command"
    assert graph.nodes["include/linux/printk.h"]["kind"] == "header"
    assert graph.nodes["include/generated/utsrelease.h"]["kind"] == "generated"
    assert graph.edges["CONFIG_DEFAULT_LOGLEVEL", "init/main.o"]["via"] == (
        "include/linux/printk.h"
    )
    chain = nx.shortest_path(graph, "init/main.o", "vmlinux")
    assert chain == ["init/main.o", "init/built-in.a", "built-in.a", "vmlinux.a",
                     "vmlinux.o", "vmlinux"]  # fmt: skip
    assert nx.has_path(graph, "drivers/common/helper.h", "arch/boot/bzImage")


def test_same_graph_whatever_the_reading_order(sample_build: Build):
    tree = load(sample_build)
    first = build_graph(tree)
    names = list(tree.targets)
    random.Random(7).shuffle(names)
    tree.targets = {name: tree.targets[name] for name in names}
    second = build_graph(tree)
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))
