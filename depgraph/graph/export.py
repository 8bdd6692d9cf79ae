"""A view graph for other tools: networkx node-link JSON and GraphML.

Both keep the graph's own ids and attributes (:mod:`depgraph.graph.schema`); both are
deterministic, since views hold their nodes and edges in sorted order.
"""

from __future__ import annotations

import json

import networkx as nx


def render_node_link(view: nx.DiGraph[str]) -> str:
    """networkx node-link JSON (``nx.node_link_graph(data, edges="edges")`` reads it
    back): ``{"directed": true, "nodes": [{"id": …, "kind": …}], "edges": [{"source":
    …, "target": …, "kind": …}], …}``."""
    data = nx.node_link_data(view, edges="edges")
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def render_graphml(view: nx.DiGraph[str]) -> str:
    """GraphML (``nx.read_graphml`` reads it back); attribute keys are declared in the
    order networkx first meets them, which the sorted view fixes."""
    return "\n".join(nx.generate_graphml(view)) + "\n"
