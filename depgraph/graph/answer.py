"""A why-rebuild answer as a view graph to draw (``depgraph why-rebuild --graph``).

Each reason of the answer becomes the edges that explain it, in the schema of
:mod:`depgraph.graph.schema`: a ``file`` reason its ``#include`` chain (``include`` edges from
the changed header up to the source, then the ``source`` edge into the object), a
``config`` reason the file that names the symbol (``mention``) and that file's chain,
an ``input`` reason (and those of a configuration change) a ``member`` edge, a ``relink``
reason a ``relink`` edge (:class:`~depgraph.model.ReasonKind`). So the
picture reads from the change, left, to the last link product, right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

import networkx as nx

from depgraph.model import EdgeKind, NodeKind, ReasonKind
from depgraph.questions.why import Answer, Reason, Step

AddEdge = Callable[[str, str, dict[str, Any]], None]


def answer_graph(answer: Answer, graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
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

    view: nx.DiGraph[str] = nx.DiGraph()
    for node in sorted(nodes):
        if node in graph:
            view.add_node(node, **graph.nodes[node])
        else:
            kind = NodeKind.CONFIG if node.startswith("CONFIG_") else NodeKind.HEADER
            view.add_node(node, kind=kind.value)
    for u, v in sorted(edges):
        view.add_edge(u, v, **edges[(u, v)])
    return view


def _graph_edge(graph: nx.DiGraph[str], u: str, v: str, kind: EdgeKind) -> dict[str, Any]:
    if graph.has_edge(u, v):
        return dict(graph.edges[u, v])
    return {"kind": kind.value}


def _chain_edges(
    chain: tuple[Step, ...], target: str, graph: nx.DiGraph[str], add: AddEdge
) -> None:
    for step in chain:
        include = {"kind": EdgeKind.INCLUDE.value, "line": step.line, "text": step.text}
        add(step.to, step.file, include)
    source = chain[0].file
    add(source, target, _graph_edge(graph, source, target, EdgeKind.SOURCE))


def _reason_edges(reason: Reason, target: str, graph: nx.DiGraph[str], add: AddEdge) -> None:
    cause = reason.cause
    kind = reason.kind
    match kind:
        case ReasonKind.SOURCE:
            add(cause, target, _graph_edge(graph, cause, target, EdgeKind.SOURCE))
        case ReasonKind.FILE:
            if reason.chain:
                _chain_edges(reason.chain, target, graph, add)
            else:
                add(cause, target, _graph_edge(graph, cause, target, EdgeKind.FILE))
        case ReasonKind.CONFIG:
            if not reason.mentions:
                add(cause, target, _graph_edge(graph, cause, target, EdgeKind.CONFIG))
                return
            first = reason.mentions[0]
            mention = {"kind": EdgeKind.MENTION.value, "line": first.line, "text": first.text}
            add(cause, first.file, mention)
            if reason.chain:
                _chain_edges(reason.chain, target, graph, add)
            else:
                add(first.file, target, _graph_edge(graph, first.file, target, EdgeKind.FILE))
        case ReasonKind.RELINK:
            add(cause, target, {"kind": EdgeKind.RELINK.value})
        case (
            ReasonKind.INPUT
            | ReasonKind.MISSING
            | ReasonKind.ADDED
            | ReasonKind.SWITCHED
            | ReasonKind.DROPPED
            | ReasonKind.COMMAND
            | ReasonKind.EXPORTS
        ):
            # An input redone, or what a configuration change makes of the target: the
            # graph's own edge between the two when it has one, else a member edge.
            add(cause, target, _graph_edge(graph, cause, target, EdgeKind.MEMBER))
        case _:
            assert_never(kind)
