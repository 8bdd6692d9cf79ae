"""DOT for a view graph (:mod:`depgraph.graph.views`), written through pydot, and pictures
(SVG, PNG, PDF) drawn from it by Graphviz's ``dot``.

The text is deterministic: nodes, clusters and edges in sorted order, ids that are the
graph's own (paths, ``CONFIG_`` names), never addresses. Every id and every attribute
value is quoted here, before pydot sees it: pydot reads an unquoted ``a:b`` as node ``a``
port ``b`` and writes keywords such as ``graph`` bare. pydot is imported only when DOT
is asked for.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, assert_never

from depgraph.model import DepgraphError, EdgeKind, NodeKind, ViewNodeKind

if TYPE_CHECKING:
    import networkx as nx
    import pydot

IMAGE_FORMATS = ("svg", "png", "pdf")
GRAPHVIZ_PACKAGE = "graphviz"  # the Debian package that holds dot

# One look per node kind of the schema (depgraph/graph/schema.py), views' own included,
# and one per edge kind: every kind has one (tests/render/test_dot.py checks). The legend
# lists the kinds in this order.
NODE_STYLE: dict[NodeKind | ViewNodeKind, dict[str, str]] = {
    NodeKind.SOURCE: {"shape": "note", "style": "filled", "fillcolor": "#d8f0d2"},
    NodeKind.HEADER: {"shape": "box", "style": "filled", "fillcolor": "#dae6f7"},
    NodeKind.GENERATED: {"shape": "box", "style": "filled,dashed", "fillcolor": "#fbf1c7"},
    NodeKind.CONFIG: {"shape": "hexagon", "style": "filled", "fillcolor": "#fde0bd"},
    NodeKind.COMMAND: {"shape": "box", "style": "rounded,dotted", "fillcolor": "#f2f2f2"},
    NodeKind.OBJECT: {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff"},
    NodeKind.ARCHIVE: {"shape": "folder", "style": "filled", "fillcolor": "#e8d9bf"},
    NodeKind.MODULE: {"shape": "component", "style": "filled", "fillcolor": "#f2d3e6"},
    NodeKind.LINK: {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#f6c6c6"},
    ViewNodeKind.GROUP: {"shape": "box3d", "style": "filled", "fillcolor": "#e3e3e3"},
}
EDGE_STYLE: dict[EdgeKind, dict[str, str]] = {
    EdgeKind.SOURCE: {"style": "bold", "color": "#2e7d32"},
    EdgeKind.INCLUDE: {"color": "#1f5fbf"},
    EdgeKind.FILE: {"color": "#8a9499"},
    EdgeKind.MENTION: {"style": "dotted", "color": "#d9822b"},
    EdgeKind.CONFIG: {"style": "dashed", "color": "#d9822b"},
    EdgeKind.MEMBER: {"color": "#6d4c41", "arrowhead": "odiamond"},
    EdgeKind.RELINK: {"style": "dashed", "color": "#c0392b"},
    EdgeKind.COMMAND: {"style": "dotted", "color": "#9e9e9e"},
}
# A view's attributes hold a kind as its plain value (see depgraph/graph/schema.py).
_NODE_KINDS: dict[str, NodeKind | ViewNodeKind] = {k.value: k for k in (*NodeKind, *ViewNodeKind)}
_EDGE_KINDS: dict[str, EdgeKind] = {k.value: k for k in EdgeKind}
_HIGHLIGHT = {"penwidth": "2.5", "color": "#c0392b"}
_VALUE_WIDTH = 24
_TOOLTIP_WIDTH = 400

_Item = TypeVar("_Item", bound="pydot.Common")


class GraphvizError(DepgraphError):
    """Graphviz's ``dot`` is missing or failed; the message is one line."""


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string: always quoted, ``"`` and ``\\`` escaped.

    A label reads ``\\\\`` as one backslash; an id keeps it doubled (DOT unescapes only
    ``\\"`` there), the same in every place it is written, so edges still meet."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(values: Mapping[str, Any]) -> dict[str, str]:
    return {key: quote(str(value)) for key, value in values.items()}


def _styled(item: _Item, values: Mapping[str, Any]) -> _Item:
    """``item`` with ``values`` set as its attributes, quoted, in order (as
    ``pydot.Node(name, **attrs)`` would). Set one by one: as ``**attrs``, a mapping could
    also fill pydot's own parameters (``obj_dict``), which its signature rightly refuses."""
    for key, value in _attrs(values).items():
        item.set(key, value)
    return item


def _node_kind(data: Mapping[str, Any]) -> NodeKind | ViewNodeKind | None:
    """The kind of a view's node; None for a node without one the schema knows."""
    return _NODE_KINDS.get(str(data.get("kind")))


def _cluster_of(node: str, data: dict[str, Any]) -> str:
    """The directory a node is drawn in ("" for none): files and targets by their
    directory, a directory group by its parent's."""
    kind = _node_kind(data)
    match kind:
        case ViewNodeKind.GROUP:
            name = node[len("group:") :].rstrip("/")
            if name.startswith("common "):
                return ""
        case (
            NodeKind.SOURCE
            | NodeKind.HEADER
            | NodeKind.GENERATED
            | NodeKind.OBJECT
            | NodeKind.ARCHIVE
            | NodeKind.MODULE
            | NodeKind.LINK
        ):
            name = node
        case NodeKind.CONFIG | NodeKind.COMMAND | None:
            return ""
        case _:
            assert_never(kind)
    head, _, _ = name.rpartition("/")
    return head


def _node_label(node: str, data: dict[str, Any], clustered: bool) -> str:
    kind = _node_kind(data)
    if kind is ViewNodeKind.GROUP:
        return str(data.get("label", node))
    if kind is NodeKind.CONFIG:
        value = str(data.get("value", ""))
        if len(value) > _VALUE_WIDTH:
            value = value[: _VALUE_WIDTH - 1] + "…"
        return f"{node}={value}"
    if kind is NodeKind.COMMAND:
        return "cmd: " + node[len("cmd:") :].rsplit("/", 1)[-1]
    if clustered:
        return node.rsplit("/", 1)[-1]
    return node


def _node_tooltip(node: str, data: dict[str, Any]) -> str:
    kind = _node_kind(data)
    if kind is NodeKind.COMMAND:
        command = str(data.get("command", ""))
        return command[:_TOOLTIP_WIDTH] + ("…" if len(command) > _TOOLTIP_WIDTH else "")
    if kind is ViewNodeKind.GROUP:
        members = int(data.get("members", 0))
        return f"{members} node{'s' if members != 1 else ''} drawn as one"
    return f"{node} ({data.get('kind', '')})"


def _edge_attrs(data: dict[str, Any]) -> dict[str, Any]:
    name = str(data.get("kind", ""))
    kind = _EDGE_KINDS.get(name)
    values: dict[str, Any] = dict(EDGE_STYLE[kind]) if kind is not None else {}
    count = int(data.get("count", 1))
    if count > 1:
        values["label"] = f"×{count}"
        values["tooltip"] = f"{count} {name} edges"
    elif kind in (EdgeKind.INCLUDE, EdgeKind.MENTION) and "line" in data:
        values["label"] = f"line {data['line']}" if data["line"] else "-include"
        values["tooltip"] = str(data.get("text", name))
    elif kind is EdgeKind.CONFIG and data.get("via"):
        values["tooltip"] = f"stamp listed under {data['via']}"
    else:
        values["tooltip"] = name
    return values


def render_dot(
    view: nx.DiGraph[str],
    *,
    title: str = "",
    highlight: Collection[str] = (),
    legend: bool = True,
    clusters: bool = True,
) -> str:
    """The view as DOT text: one cluster a directory, a look per node and edge kind,
    the nodes the question names in ``highlight``, a legend of the kinds drawn."""
    import pydot

    dot = pydot.Dot(graph_name=quote("depgraph"), graph_type="digraph")
    graph_attrs: dict[str, Any] = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": 12}
    if title:
        graph_attrs.update(label=title, labelloc="t")
    dot.set_graph_defaults(**_attrs(graph_attrs))
    dot.set_node_defaults(**_attrs({"fontname": "Helvetica", "fontsize": 10}))
    dot.set_edge_defaults(**_attrs({"fontname": "Helvetica", "fontsize": 9}))

    grouped: dict[str, list[str]] = {}
    for node in sorted(view.nodes):
        key = _cluster_of(node, view.nodes[node]) if clusters else ""
        grouped.setdefault(key, []).append(node)

    def make_node(node: str, clustered: bool) -> pydot.Node:
        data = view.nodes[node]
        kind = _node_kind(data)
        values: dict[str, Any] = dict(NODE_STYLE[kind]) if kind is not None else {}
        values["label"] = _node_label(node, data, clustered)
        values["tooltip"] = _node_tooltip(node, data)
        if node in highlight:
            values.update(_HIGHLIGHT)
        return _styled(pydot.Node(quote(node)), values)

    for index, key in enumerate(sorted(k for k in grouped if k)):
        cluster = _styled(
            pydot.Subgraph(graph_name=f"cluster_{index}"),
            {"label": key + "/", "style": "rounded", "color": "#b0b0b0"},
        )
        for node in grouped[key]:
            cluster.add_node(make_node(node, True))
        dot.add_subgraph(cluster)
    for node in grouped.get("", ()):
        dot.add_node(make_node(node, False))
    for u, v in sorted(view.edges):
        dot.add_edge(_styled(pydot.Edge(quote(u), quote(v)), _edge_attrs(view.edges[u, v])))
    if legend:
        _add_legend(dot, view)
    return str(dot.to_string())


def _add_legend(dot: pydot.Dot, view: nx.DiGraph[str]) -> None:
    """A cluster naming the look of each node and edge kind the view holds."""
    import pydot

    node_kinds = {str(d.get("kind")) for _, d in view.nodes(data=True)}
    edge_kinds = {str(d.get("kind")) for *_, d in view.edges(data=True)}
    if not node_kinds and not edge_kinds:
        return
    box = _styled(
        pydot.Subgraph(graph_name="cluster_legend"),
        {"label": "legend", "style": "rounded", "color": "#b0b0b0"},
    )
    for node_kind in (k for k in NODE_STYLE if k in node_kinds):
        values: dict[str, Any] = dict(NODE_STYLE[node_kind])
        values.update(label=node_kind, tooltip=f"node kind {node_kind}")
        box.add_node(_styled(pydot.Node(quote(f"legend:{node_kind}")), values))
    for edge_kind in (k for k in EDGE_STYLE if k in edge_kinds):
        ends = (quote(f"legend:{edge_kind}:from"), quote(f"legend:{edge_kind}:to"))
        for end in ends:
            box.add_node(_styled(pydot.Node(end), {"shape": "point", "width": "0.05"}))
        values = dict(EDGE_STYLE[edge_kind])
        values.update(label=edge_kind, tooltip=f"edge kind {edge_kind}")
        box.add_edge(_styled(pydot.Edge(*ends), values))
    dot.add_subgraph(box)


def render_image(dot_text: str, fmt: str) -> bytes:
    """The DOT text drawn by Graphviz's ``dot`` as ``fmt`` (``svg``, ``png``, ``pdf``).

    Raises :class:`GraphvizError` when ``dot`` is not installed or fails."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(
            f"Graphviz's dot is needed for .{fmt} output: install the Debian package "
            f"{GRAPHVIZ_PACKAGE} (apt-get install {GRAPHVIZ_PACKAGE}), "
            "or write .dot, .json or .graphml"
        )
    result = subprocess.run(
        [program, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise GraphvizError(f"dot -T{fmt} failed: {message[0] if message else 'no message'}")
    return result.stdout
