"""What ``depgraph graph`` and ``why-rebuild --graph`` share: the picture options, the
collapsing and the node guard, and writing a view in the format a file name asks for."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgraph.cli.common import UsageError
from depgraph.cli.output import write_output
from depgraph.model import NodeKind

if TYPE_CHECKING:  # networkx and pydot cost a fifth of a second to import: only to draw
    import networkx as nx

FORMATS = ("dot", "svg", "png", "pdf", "json", "graphml")
SUFFIXES = {
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".json": "json",
    ".graphml": "graphml",
}
DEFAULT_MAX_NODES = 200
DEFAULT_COMMON = 80.0
NODE_KINDS = tuple(NodeKind)  # what --hide takes: a group is made after hiding


class DrawError(UsageError):
    """A picture that cannot be drawn as asked; the message is one line."""


def add_view_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Collapsing, the node guard and the look, the same for every picture."""
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"refuse to draw more than N nodes after collapsing (default: {DEFAULT_MAX_NODES})",
    )
    parser.add_argument(
        "--common",
        type=float,
        default=DEFAULT_COMMON,
        metavar="PCT",
        help="draw the headers that at least PCT%% of the objects depend on as one node, and "
        f"the symbols likewise (default: {DEFAULT_COMMON:g}; 0: never)",
    )
    parser.add_argument(
        "--collapse",
        action="append",
        default=[],
        metavar="DIR",
        help="draw the files and targets below DIR (relative to the trees, like "
        "include/linux) as one node (repeatable)",
    )
    parser.add_argument(
        "--dir-depth",
        type=int,
        metavar="N",
        help="draw every directory N levels deep as one node (1: one per top-level directory)",
    )
    parser.add_argument(
        "--hide",
        default="",
        metavar="KINDS",
        help=f"leave out nodes of these kinds, comma-separated ({', '.join(NODE_KINDS)})",
    )
    parser.add_argument("--no-legend", action="store_true", help="draw no legend")
    parser.add_argument("--no-clusters", action="store_true", help="draw no directory boxes")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        dest="output",
        metavar="FILE",
        help="write to FILE; its suffix picks the format (.dot .svg .png .pdf .json "
        ".graphml); default: DOT on standard output",
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="the output format, whatever the file is called"
    )


def output_format(path: str | None, chosen: str | None) -> str:
    """The format ``--format`` names, else the one the file's suffix names, else DOT."""
    if chosen:
        return chosen
    if path is None:
        return "dot"
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        known = " ".join(SUFFIXES)
        raise DrawError(f"{path}: unknown picture format {suffix or '(none)'}; use {known}")
    return SUFFIXES[suffix]


@dataclass(frozen=True, slots=True)
class Shaping:
    """The options that turn a view into what is drawn."""

    max_nodes: int
    common: float
    directories: tuple[str, ...]
    dir_depth: int | None
    hide: frozenset[str]

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Shaping:
        hide = frozenset(k.strip() for k in args.hide.split(",") if k.strip())
        unknown = sorted(hide - set(NODE_KINDS))
        if unknown:
            raise DrawError(f"--hide {','.join(unknown)}: no such kind; use {','.join(NODE_KINDS)}")
        if args.max_nodes < 1:
            raise DrawError("--max-nodes must be at least 1")
        if args.dir_depth is not None and args.dir_depth < 1:
            raise DrawError("--dir-depth must be at least 1")
        return cls(
            max_nodes=args.max_nodes,
            common=args.common,
            directories=tuple(d.strip("/") for d in args.collapse),
            dir_depth=args.dir_depth,
            hide=hide,
        )


def shape(
    view: nx.DiGraph[str],
    graph: nx.DiGraph[str],
    options: Shaping,
    keep: Collection[str],
    *,
    fold_common: bool = True,
) -> nx.DiGraph[str]:
    """Hide kinds, collapse, then apply the node guard: :class:`DrawError` with advice
    when the picture would still be larger than ``--max-nodes``.

    ``fold_common`` False leaves common headers and symbols as they are: on a view of
    paths every node is on a chain the question asks about."""
    from depgraph.graph import views

    if options.hide:
        view = views.without_kinds(view, options.hide, keep)
    common: frozenset[str] = frozenset()
    if fold_common and options.common > 0:
        common = views.common_nodes(graph, options.common / 100)
    drawn = views.collapse(
        view,
        common=common,
        directories=options.directories,
        dir_depth=options.dir_depth,
        keep=keep,
    )
    count = drawn.number_of_nodes()
    if count <= options.max_nodes:
        return drawn
    raise DrawError(
        f"the picture would have {count} nodes, more than --max-nodes {options.max_nodes}; "
        f"{_advice(view, options, common, keep)}"
    )


def _advice(
    view: nx.DiGraph[str], options: Shaping, common: Collection[str], keep: Collection[str]
) -> str:
    """The first of the usual ways to shrink a view that fits under the guard: folding
    directories, then leaving symbols out as well."""
    from depgraph.graph import views

    depths: list[int | None] = [
        d for d in (3, 2, 1) if options.dir_depth is None or d < options.dir_depth
    ]
    variants = [("", view, depths)]
    if any(d.get("kind") == NodeKind.CONFIG and n not in keep for n, d in view.nodes(data=True)):
        hidden = views.without_kinds(view, {NodeKind.CONFIG}, keep)
        variants.append(("--hide config ", hidden, [options.dir_depth, *depths]))
    smallest = None
    for flag, variant, tries in variants:
        for depth, nodes in views.directory_sizes(
            variant, tries, common=common, directories=options.directories, keep=keep
        ):
            option = f"{flag}--dir-depth {depth}" if depth else flag.strip()
            if nodes <= options.max_nodes:
                return f"try {option} ({nodes} nodes), or narrow the view"
            if smallest is None or nodes < smallest[1]:
                smallest = (option, nodes)
    tail = "narrow the view (--depth, --collapse DIR, --hide KINDS) or raise --max-nodes"
    if smallest is None:
        return tail
    return f"even {smallest[0]} leaves {smallest[1]}; {tail}"


def write(
    view: nx.DiGraph[str],
    fmt: str,
    path: str | None,
    cwd: str,
    *,
    title: str,
    highlight: Collection[str],
    legend: bool,
    clusters: bool,
) -> None:
    """Render the view as ``fmt`` to ``path`` (relative to ``cwd``), or standard output."""
    from depgraph.graph.export import render_graphml, render_node_link
    from depgraph.render.dot import IMAGE_FORMATS, GraphvizError, render_dot, render_image

    if fmt == "json":
        data: str | bytes = render_node_link(view)
    elif fmt == "graphml":
        data = render_graphml(view)
    else:
        text = render_dot(view, title=title, highlight=highlight, legend=legend, clusters=clusters)
        data = text
        if fmt in IMAGE_FORMATS:
            try:
                data = render_image(text, fmt)
            except GraphvizError as exc:
                raise DrawError(str(exc)) from None
    if path is None or path == "-":
        if isinstance(data, str):
            sys.stdout.write(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    write_output(os.path.join(cwd, path), data, shown=path)
