"""A why-rebuild answer as a view graph to draw (``depgraph why-rebuild --graph``).

Each reason of the answer becomes the edges that explain it, in the schema of
:mod:`depgraph.graph.schema`: a ``file`` reason its ``#include`` chain (``include`` edges from
the changed header up to the source, then the ``source`` edge into the object), a
``config`` reason the file that names the symbol (``mention``) and that file's chain,
an ``input`` reason a ``member`` edge, a ``relink`` reason a ``relink`` edge. So the
picture reads from the change, left, to the last link product, right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from depgraph.questions.why import Answer, Reason, Step

AddEdge = Callable[[str, str, dict[str, Any]], None]


def answer_graph(answer: Answer, graph: nx.DiGraph) -> nx.DiGraph:
    """The answer's chains and link cascade; node attributes come from ``graph`` (the
    tree's whole graph), so the view keeps the schema's kinds."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    nodes: set[str] = {change.ident for change in answer.changes}

    def add(u: str, v: str, attrs: dict[str, Any]) -> None:
        nodes.update((u, v))
        edges.setdefault((u, v), attrs)

    for rebuild in (*answer.compile, *answer.link):
        for reason in rebuild.reasons:
            _reason_edges(reason, rebuild.target, graph, add)

    view: nx.DiGraph = nx.DiGraph()
    for node in sorted(nodes):
        if node in graph:
            view.add_node(node, **graph.nodes[node])
        else:
            view.add_node(node, kind="config" if node.startswith("CONFIG_") else "header")
    for u, v in sorted(edges):
        view.add_edge(u, v, **edges[(u, v)])
    return view


def _graph_edge(graph: nx.DiGraph, u: str, v: str, kind: str) -> dict[str, Any]:
    if graph.has_edge(u, v):
        return dict(graph.edges[u, v])
    return {"kind": kind}


def _chain_edges(chain: tuple[Step, ...], target: str, graph: nx.DiGraph, add: AddEdge) -> None:
    for step in chain:
        add(step.to, step.file, {"kind": "include", "line": step.line, "text": step.text})
    source = chain[0].file
    add(source, target, _graph_edge(graph, source, target, "source"))


def _reason_edges(reason: Reason, target: str, graph: nx.DiGraph, add: AddEdge) -> None:
    cause = reason.cause
    if reason.kind == "source":
        add(cause, target, _graph_edge(graph, cause, target, "source"))
    elif reason.kind == "file":
        if reason.chain:
            _chain_edges(reason.chain, target, graph, add)
        else:
            add(cause, target, _graph_edge(graph, cause, target, "file"))
    elif reason.kind == "config":
        if not reason.mentions:
            add(cause, target, _graph_edge(graph, cause, target, "config"))
            return
        first = reason.mentions[0]
        add(cause, first.file, {"kind": "mention", "line": first.line, "text": first.text})
        if reason.chain:
            _chain_edges(reason.chain, target, graph, add)
        else:
            kind = _graph_edge(graph, first.file, target, "file")
            add(first.file, target, kind)
    elif reason.kind == "relink":
        add(cause, target, {"kind": "relink"})
    else:
        add(cause, target, _graph_edge(graph, cause, target, "member"))
