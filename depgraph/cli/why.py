"""``depgraph why-rebuild``: what make will redo after a change, and why."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from depgraph.cli import drawing
from depgraph.cli.common import EXIT_OK, UsageError, add_tree_options, look, note_line
from depgraph.questions.why import Answer, Change, resolve_change, why_rebuild
from depgraph.render.json import render_json
from depgraph.render.text import render_text

if TYPE_CHECKING:
    import networkx as nx

    from depgraph.questions.configchange import ConfigAnswer


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "why-rebuild",
        help="what make will recompile and relink if files or CONFIG_ symbols change",
        description=(
            "List every target make will redo after CHANGE, with the chain of reasons. "
            "A CHANGE is a file (absolute, relative to the working directory, or relative to "
            "the source tree), a symbol CONFIG_FOO taken as changed, or an edit "
            "CONFIG_FOO=VALUE of .config (y, m, n, a number or a string). Edits and --config "
            "are expanded as make olddefconfig would, by running the tree's own "
            "scripts/kconfig/conf on a scratch copy (the only program depgraph runs from a "
            "tree): choices, selects, defaults and unmet dependencies included."
        ),
    )
    add_tree_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all", action="store_true", help="list every target, not the first few")
    parser.add_argument(
        "--graph",
        metavar="FILE",
        help="also draw the answer's include chains and link cascade into FILE; its suffix "
        "picks the format (.dot .svg .png .pdf .json .graphml)",
    )
    drawing.add_view_options(parser.add_argument_group("the picture (with --graph)"))
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a whole new .config (its pending edit: BUILD_DIR/.config); resolved, like "
        "CONFIG_FOO=VALUE changes, by the tree's own scripts/kconfig/conf",
    )
    parser.add_argument("changes", nargs="*", metavar="CHANGE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    options = None
    if args.graph:  # bad picture options fail before the tree is read
        drawing.output_format(args.graph, None)
        options = drawing.Shaping.from_args(args)
    if not args.changes and not args.config:
        raise UsageError("give a CHANGE or --config FILE")
    workspace, seen = look(args, cwd)
    tree, reader = seen.tree, seen.reader
    changes: list[Change] = []
    assignments: dict[str, str] = {}
    for raw in args.changes:
        if raw.startswith("CONFIG_") and "=" in raw:
            # Only a configuration question pays for importing its readers.
            from depgraph.questions.configchange import parse_assignment

            symbol, value = parse_assignment(raw)
            assignments[symbol] = value
        elif raw.startswith("CONFIG_"):
            changes.append(resolve_change(tree, raw, False))
        else:
            ident = reader.ident(raw, cwd)
            changes.append(resolve_change(tree, ident, reader.exists(ident)))
    config: ConfigAnswer | None = None
    if assignments or args.config:
        from depgraph.questions.configchange import config_change

        new_config = None
        if args.config:
            new_config = workspace.read_input(os.path.join(cwd, args.config), args.config)
        config = config_change(
            tree,
            tree.srctree,
            reader,
            assignments=assignments,
            config_text=new_config,
            files=changes,
            fs=workspace.fs,
        )
        answer = config.answer
    else:
        answer = why_rebuild(tree, changes, reader)
    note_line(reader.save())
    if args.graph and options is not None:
        from depgraph.graph.schema import build_graph  # networkx: only when a picture is asked for

        _draw(answer, args, options, cwd, build_graph(tree, commands=False))
    if args.json:
        sys.stdout.write(render_json(answer, config))
    else:
        sys.stdout.write(render_text(answer, limit=None if args.all else 8, config=config))
    return EXIT_OK


def _draw(
    answer: Answer,
    args: argparse.Namespace,
    options: drawing.Shaping,
    cwd: str,
    graph: nx.DiGraph[str],
) -> None:
    """Draw the answer into ``--graph FILE``, collapsed and guarded like ``depgraph graph``."""
    from depgraph.graph.answer import answer_graph

    keep = [change.ident for change in answer.changes]
    view = drawing.shape(answer_graph(answer, graph), graph, options, keep)
    what = ", ".join(keep)
    drawing.write(
        view,
        drawing.output_format(args.graph, None),
        args.graph,
        cwd,
        title=f"changing {what}: {len(answer.compile)} to recompile, {len(answer.link)} "
        "to relink or regenerate",
        highlight=keep,
        legend=not args.no_legend,
        clusters=not args.no_clusters,
    )
