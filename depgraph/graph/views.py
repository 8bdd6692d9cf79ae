"""Views: the part of the dependency graph that one question needs, small enough to draw.

Each function takes a graph of :mod:`depgraph.graph.schema`'s schema and returns a new one (its
input is never changed), with nodes and edges added in sorted order so the same question
always gives the same graph:

* :func:`focus`: the neighbourhood of a node, ``depth`` edges away. Forward follows the
  graph's edges, the way a change flows: what the node makes make redo. Reverse goes
  against them: what the node depends on; from a file that is the files it
  ``#include``\\s and the symbols it names (:mod:`depgraph.questions.includes`).
* :func:`paths`: every shortest path between two nodes, either way round; an edge into a
  compiled target becomes the shortest ``#include`` chains that explain it.
* :func:`collapse`: draws several nodes as one: the headers and symbols nearly every
  object depends on (:func:`common_nodes`), whole directories, or every directory below
  a depth.

The view-only node and edge kinds (``group``, ``include``, ``mention``, ``relink``) are
part of the schema in :mod:`depgraph.graph.schema`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import networkx as nx

from depgraph.model import DepgraphError, EdgeKind, NodeKind, Target, ViewNodeKind
from depgraph.questions.includes import IncludeResolver

COMMON_HEADERS = "group:common headers"
COMMON_SYMBOLS = "group:common symbols"

# Node kinds that are files (a target's own are too), whose text a view reads for its
# #include lines and CONFIG_ mentions.
_FILE_KINDS = frozenset({NodeKind.SOURCE, NodeKind.HEADER, NodeKind.GENERATED})
# Node kinds that are paths, so that directories can fold them: every kind but a symbol
# and a command line.
PATH_KINDS = frozenset(NodeKind) - {NodeKind.CONFIG, NodeKind.COMMAND}
# When one edge of a view stands for edges of several kinds, it keeps the commonest;
# ties go to the first kind here (the one that explains most).
EDGE_KIND_ORDER = (
    EdgeKind.SOURCE,
    EdgeKind.INCLUDE,
    EdgeKind.FILE,
    EdgeKind.MENTION,
    EdgeKind.CONFIG,
    EdgeKind.MEMBER,
    EdgeKind.RELINK,
    EdgeKind.COMMAND,
)


class ViewError(DepgraphError):
    """A view that cannot be drawn: a node the graph lacks, no path; one line."""


def node_of(graph: nx.DiGraph[str], ident: str) -> str:
    """``ident`` if the graph holds it, else :class:`ViewError`."""
    if ident in graph:
        return ident
    what = "symbol" if ident.startswith("CONFIG_") else "file or target"
    raise ViewError(f"{ident}: no such {what} in the dependency graph")


def _sorted_copy(
    graph: nx.DiGraph[str],
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str, dict[str, Any]]],
) -> nx.DiGraph[str]:
    """A new graph of ``nodes`` (attributes from ``graph``) and ``edges``, both sorted."""
    view: nx.DiGraph[str] = nx.DiGraph()
    for node in sorted(set(nodes)):
        view.add_node(node, **graph.nodes[node])
    for u, v, data in sorted(edges, key=lambda e: (e[0], e[1])):
        if not view.has_edge(u, v):
            view.add_edge(u, v, **data)
    return view


def _include_in_edges(
    resolver: IncludeResolver, graph: nx.DiGraph[str], target: Target, file: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """The in-edges a file has in a view: the files it includes and the symbols it
    names (first mention of each), resolved in the context of ``target``."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for edge in resolver.edges_from(target, file):
        found.append((edge.included, file, _include_attrs(edge.line, edge.text)))
    if file == target.source:
        for edge in resolver.forced(target):
            found.append((edge.included, file, _include_attrs(0, edge.text)))
    seen: set[str] = set()
    for mention in resolver.mentions(file):
        if mention.symbol in seen or mention.symbol not in graph:
            continue
        seen.add(mention.symbol)
        attrs = {"kind": EdgeKind.MENTION.value, "line": mention.line, "text": mention.text}
        found.append((mention.symbol, file, attrs))
    return found


def _include_attrs(line: int, text: str) -> dict[str, Any]:
    """An ``include`` edge's attributes: the line in the including file (0 for a
    ``-include FILE`` of the command line) and the directive."""
    return {"kind": EdgeKind.INCLUDE.value, "line": line, "text": text}


def focus(
    graph: nx.DiGraph[str],
    node: str,
    depth: int,
    *,
    reverse: bool = False,
    resolver: IncludeResolver | None = None,
) -> nx.DiGraph[str]:
    """Every node at most ``depth`` edges from ``node`` and the edges between them.

    Forward follows edges (what ``node`` makes make redo); ``reverse`` goes against them
    (what ``node`` depends on). In reverse, with a ``resolver``, a file also leads to the
    files it includes and the symbols it names, resolved for the compiled target the
    walk came through (for a file the walk starts at: the first target listing it)."""
    node_of(graph, node)
    reached = {node: 0}
    extra: list[tuple[str, str, dict[str, Any]]] = []
    context: dict[str, Target | None] = {}
    if reverse and resolver is not None:
        context[node] = resolver.context(node)
    queue = deque([node])
    while queue:
        current = queue.popleft()
        if reached[current] >= depth:
            continue
        if not reverse:
            neighbours = sorted(graph.successors(current))
        else:
            neighbours = sorted(graph.predecessors(current))
            kind = graph.nodes[current].get("kind")
            target = context.get(current)
            if resolver is not None and graph.nodes[current].get("compiled"):
                target = resolver.context(current)
            if resolver is not None and kind in _FILE_KINDS and target is not None:
                edges = _include_in_edges(resolver, graph, target, current)
                extra.extend(edges)
                neighbours = sorted(set(neighbours) | {u for u, _, _ in edges})
            for neighbour in neighbours:
                context.setdefault(neighbour, target)
        for neighbour in neighbours:
            if neighbour not in reached:
                reached[neighbour] = reached[current] + 1
                queue.append(neighbour)
    edges = [(u, v, d) for u, v, d in graph.subgraph(reached).edges(data=True)]
    edges.extend(e for e in extra if e[0] in reached and e[1] in reached)
    return _sorted_copy(graph, reached, edges)


def reaches(view: nx.DiGraph[str], source: str, sink: str) -> bool:
    """Whether a path leads from ``source`` to ``sink``."""
    return bool(nx.has_path(view, source, sink))


def paths(
    graph: nx.DiGraph[str], first: str, second: str, *, resolver: IncludeResolver | None = None
) -> nx.DiGraph[str]:
    """Every shortest path between two nodes, from whichever of them reaches the other
    (the graph's edges run from an input to what is made of it, so "this object depends
    on that header" is a path from the header to the object).

    With a ``resolver``, an edge from a file or symbol into a compiled target becomes the
    shortest ``#include`` chains from the target's source to the file (to the file that
    names the symbol, for a symbol), so the view shows why the target lists it."""
    node_of(graph, first)
    node_of(graph, second)
    if first == second:
        return _sorted_copy(graph, [first], [])
    source, sink = first, second
    ahead = nx.single_source_shortest_path_length(graph, source)
    if sink not in ahead:
        source, sink = second, first
        ahead = nx.single_source_shortest_path_length(graph, source)
        if sink not in ahead:
            raise ViewError(f"no path between {first} and {second} in either direction")
    behind = nx.single_source_shortest_path_length(graph.reverse(copy=False), sink)
    length = ahead[sink]
    on_path = {n for n, d in ahead.items() if d + behind.get(n, length + 1) == length}
    edges: list[tuple[str, str, dict[str, Any]]] = []
    for u in sorted(on_path):
        for v in sorted(graph.successors(u)):
            if v in on_path and ahead[u] + 1 == ahead[v]:
                data = graph.edges[u, v]
                chain = _explain(graph, resolver, u, v, data) if resolver else []
                edges.extend(chain or [(u, v, dict(data))])
    nodes = on_path | {n for u, v, _ in edges for n in (u, v)}
    return _sorted_copy(graph, nodes, edges)


def _explain(
    graph: nx.DiGraph[str],
    resolver: IncludeResolver | None,
    u: str,
    v: str,
    data: dict[str, Any],
) -> list[tuple[str, str, dict[str, Any]]]:
    """The include chains that stand for the edge ``u -> v`` into a compiled target,
    ending with its source edge; empty when there is nothing to explain or no chain."""
    if resolver is None or not graph.nodes[v].get("compiled") or data["kind"] == EdgeKind.SOURCE:
        return []
    target = resolver.context(v)
    if target is None or target.name != v or target.source is None:
        return []
    if data["kind"] == EdgeKind.CONFIG:
        via = data.get("via") or target.source
        mention = next((m for m in resolver.mentions(via) if m.symbol == u), None)
        attrs: dict[str, Any] = {"kind": EdgeKind.MENTION.value}
        if mention is not None:
            attrs.update(line=mention.line, text=mention.text)
        head = [(u, via, attrs)]
        file = via
    elif data["kind"] == EdgeKind.FILE:
        head = []
        file = u
    else:
        return []
    if file == target.source:
        chain = []
    else:
        chain = [
            (e.included, e.includer, _include_attrs(e.line, e.text))
            for e in resolver.shortest_chains(target, file)
        ]
        if not chain:
            return []
    source_attrs = dict(graph.edges[target.source, v])
    return head + chain + [(target.source, v, source_attrs)]


def common_nodes(graph: nx.DiGraph[str], threshold: float) -> frozenset[str]:
    """The headers and symbols that at least ``threshold`` (a share, 0 < t ≤ 1) of the
    live compiled targets depend on: what nearly every object includes, so what a
    picture of one question can draw as one node. ``threshold`` 0 gives none."""
    if threshold <= 0:
        return frozenset()
    compiled = {n for n, d in graph.nodes(data=True) if d.get("compiled") and not d.get("stale")}
    if not compiled:
        return frozenset()
    needed = threshold * len(compiled)
    found: set[str] = set()
    for node, data in graph.nodes(data=True):
        if data.get("kind") not in (NodeKind.HEADER, NodeKind.GENERATED, NodeKind.CONFIG):
            continue
        users = sum(1 for user in graph.successors(node) if user in compiled)
        if users >= needed:
            found.add(node)
    return frozenset(found)


def _directory_group(ident: str, directories: Collection[str], depth: int | None) -> str | None:
    """The directory a path folds into: the longest of ``directories`` holding it, else
    its first ``depth`` directories when it lies that deep; None to keep it."""
    best = ""
    for directory in directories:
        if ident.startswith(directory + "/") and len(directory) > len(best):
            best = directory
    if best:
        return best
    if depth is None:
        return None
    absolute = ident.startswith("/")
    parts = ident.strip("/").split("/")[:-1]
    if len(parts) < depth:
        return None
    prefix = "/".join(parts[:depth])
    return "/" + prefix if absolute else prefix


def group_of(
    ident: str,
    data: dict[str, Any],
    *,
    common: Collection[str],
    directories: Collection[str],
    dir_depth: int | None,
) -> str | None:
    """The group node ``ident`` is drawn in, or None when it is drawn as itself."""
    if ident in common:
        return COMMON_SYMBOLS if data.get("kind") == NodeKind.CONFIG else COMMON_HEADERS
    if data.get("kind") not in PATH_KINDS:
        return None
    directory = _directory_group(ident, directories, dir_depth)
    return f"group:{directory}/" if directory else None


def collapse(
    view: nx.DiGraph[str],
    *,
    common: Collection[str] = frozenset(),
    directories: Collection[str] = (),
    dir_depth: int | None = None,
    keep: Collection[str] = frozenset(),
) -> nx.DiGraph[str]:
    """The view with groups of nodes drawn as one (``keep`` nodes never are):

    * ``common`` headers and symbols (:func:`common_nodes`) become ``group:common
      headers`` and ``group:common symbols``;
    * the files and targets below one of ``directories`` become ``group:DIR/``;
    * with ``dir_depth`` N, those at least N directories deep become the group of their
      first N directories (1: one node for each top-level directory).

    An edge between two groups, or a group and a node, stands for every edge it
    replaces (``count``); edges inside a group are dropped."""
    directories = [d.rstrip("/") for d in directories if d.rstrip("/")]
    representative: dict[str, str] = {}
    members: Counter[str] = Counter()
    for node, data in view.nodes(data=True):
        group = None
        if node not in keep:
            group = group_of(
                node, data, common=common, directories=directories, dir_depth=dir_depth
            )
        representative[node] = group or node
        if group:
            members[group] += 1
    result: nx.DiGraph[str] = nx.DiGraph()
    for node in sorted(set(representative.values())):
        if node in members:
            label = _label(node, members)
            result.add_node(node, kind=ViewNodeKind.GROUP.value, members=members[node], label=label)
        else:
            result.add_node(node, **view.nodes[node])
    merged: dict[tuple[str, str], Counter[str]] = {}
    plain: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, data in view.edges(data=True):
        ru, rv = representative[u], representative[v]
        if ru == rv:
            continue
        if ru in members or rv in members:
            merged.setdefault((ru, rv), Counter())[data["kind"]] += 1
        else:
            plain[(ru, rv)] = dict(data)
    for (u, v), kinds in merged.items():
        plain[(u, v)] = {"kind": _commonest(kinds), "count": sum(kinds.values())}
    for u, v in sorted(plain):
        result.add_edge(u, v, **plain[(u, v)])
    return result


def _commonest(kinds: Counter[str]) -> str:
    order: dict[str, int] = {kind: i for i, kind in enumerate(EDGE_KIND_ORDER)}
    return min(kinds, key=lambda k: (-kinds[k], order.get(k, len(order)), k))


def _label(group: str, members: Counter[str]) -> str:
    count = members[group]
    if group in (COMMON_HEADERS, COMMON_SYMBOLS):
        noun = "header" if group == COMMON_HEADERS else "symbol"
        return f"{count} common {noun}{'s' if count != 1 else ''}"
    return f"{group[len('group:') :]} ({count})"


def without_kinds(
    view: nx.DiGraph[str], kinds: Collection[str], keep: Collection[str]
) -> nx.DiGraph[str]:
    """The view without the nodes of ``kinds`` (``keep`` nodes stay)."""
    nodes = [n for n, d in view.nodes(data=True) if n in keep or d.get("kind") not in kinds]
    sub = view.subgraph(nodes)
    return _sorted_copy(view, nodes, ((u, v, dict(d)) for u, v, d in sub.edges(data=True)))


def directory_sizes(
    view: nx.DiGraph[str],
    depths: Iterable[int | None],
    *,
    common: Collection[str],
    directories: Collection[str],
    keep: Collection[str],
) -> Iterator[tuple[int | None, int]]:
    """``(depth, nodes)`` for each ``dir_depth`` in ``depths`` (None: no folding): what
    collapsing would leave, for advice when a view is too big to draw."""
    for depth in depths:
        folded = collapse(view, common=common, directories=directories, dir_depth=depth, keep=keep)
        yield depth, folded.number_of_nodes()
