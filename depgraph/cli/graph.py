"""``depgraph graph``: a picture of one question, in DOT, SVG/PNG/PDF, JSON or GraphML."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from depgraph.cli import drawing
from depgraph.cli.common import EXIT_OK, UsageError, add_tree_options, look

if TYPE_CHECKING:  # imported when a picture is drawn: networkx alone costs 0.1-0.2 s
    import networkx as nx

    from depgraph.tree.sources import SourceReader


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "graph",
        help="draw the dependency graph around a node, or the paths between two",
        description=(
            "Write the part of the dependency graph that answers one question: around a "
            "node (--focus), or the paths between two nodes (--from, --to: why does this "
            "object depend on that header). A node is a file (absolute, relative to the "
            "working directory, or relative to the trees), a target, or CONFIG_FOO. "
            "Headers and symbols nearly every object depends on, and directories, can be "
            "drawn as one node; a picture larger than --max-nodes is refused."
        ),
    )
    add_tree_options(parser)
    view = parser.add_argument_group("what to draw (default: the whole tree)")
    view.add_argument("--focus", metavar="NODE", help="the neighbourhood of NODE")
    view.add_argument(
        "--depth", type=int, default=1, metavar="N", help="with --focus: N edges away (default 1)"
    )
    view.add_argument(
        "--reverse",
        action="store_true",
        help="with --focus: what NODE depends on (its includes, for a file), "
        "instead of what it makes make redo",
    )
    view.add_argument("--from", dest="source", metavar="NODE", help="paths between this node…")
    view.add_argument("--to", dest="sink", metavar="NODE", help="…and this one (either order)")
    view.add_argument(
        "--commands", action="store_true", help="draw the command-line nodes (cmd:TARGET) too"
    )
    drawing.add_output_options(parser)
    drawing.add_view_options(parser.add_argument_group("collapsing and look"))
    parser.set_defaults(run=run)


def _node(raw: str, reader: SourceReader, cwd: str, graph: nx.DiGraph[str]) -> str:
    from depgraph.graph import views

    if raw.startswith("CONFIG_") and "/" not in raw:
        return views.node_of(graph, raw)
    return views.node_of(graph, reader.ident(raw, cwd))


def run(args: argparse.Namespace, cwd: str) -> int:
    from depgraph.graph import views
    from depgraph.graph.schema import build_graph
    from depgraph.questions.includes import IncludeResolver

    if args.focus and (args.source or args.sink):
        raise UsageError("--focus and --from/--to ask different questions; give one")
    if bool(args.source) != bool(args.sink):
        raise UsageError("--from and --to go together")
    if args.depth < 0:
        raise UsageError("--depth must be 0 or more")
    if args.reverse and not args.focus:
        raise UsageError("--reverse goes with --focus")
    fmt = drawing.output_format(args.output, args.format)
    options = drawing.Shaping.from_args(args)
    _, seen = look(args, cwd)
    tree, reader = seen.tree, seen.reader
    graph = build_graph(tree, commands=args.commands)
    resolver = IncludeResolver(tree, reader)
    if args.focus:
        node = _node(args.focus, reader, cwd, graph)
        view = views.focus(graph, node, args.depth, reverse=args.reverse, resolver=resolver)
        keep = [node]
        what = "what it depends on" if args.reverse else "what it makes make redo"
        title = f"{node}: {what} (depth {args.depth})"
    elif args.source:
        first = _node(args.source, reader, cwd, graph)
        second = _node(args.sink, reader, cwd, graph)
        view = views.paths(graph, first, second, resolver=resolver)
        keep = [first, second]
        if first != second and views.reaches(view, first, second):
            first, second = second, first
        title = f"why {first} depends on {second}: the shortest paths"
    else:
        view = graph
        keep = []
        title = "the whole tree"
    # Every node of a view of paths lies on a path asked about: none is "common".
    drawn = drawing.shape(view, graph, options, keep, fold_common=not args.source)
    drawing.write(
        drawn,
        fmt,
        args.output,
        cwd,
        title=title,
        highlight=keep,
        legend=not args.no_legend,
        clusters=not args.no_clusters,
    )
    return EXIT_OK
