"""``depgraph why-rebuild``: what make will redo after a change, and why."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from depgraph.cli import drawing
from depgraph.cli.common import (
    EXIT_OK,
    EXIT_UNCERTAIN,
    UsageError,
    add_tree_options,
    look,
    note_line,
)
from depgraph.questions.why import Answer, Change, resolve_change, why_rebuild
from depgraph.render.json import render_json
from depgraph.render.text import render_text

if TYPE_CHECKING:
    import networkx as nx

    from depgraph.model import BuildTree
    from depgraph.tree.workspace import Look, Workspace


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
    parser.add_argument(
        "--patch",
        action="append",
        default=[],
        metavar="FILE",
        help="a unified diff (git diff, git format-patch, quilt) to answer for before it is "
        "applied; repeat for a series, applied in order; - reads standard input. Nothing "
        "is written into the trees",
    )
    parser.add_argument(
        "-p",
        dest="strip",
        type=int,
        default=1,
        metavar="N",
        help="with --patch: strip N leading components from the patch's file names "
        "(default 1, as git writes them)",
    )
    parser.add_argument(
        "--since",
        metavar="REV",
        help="for a source tree that is a git work tree: REV is what the last build was "
        "made of and the work tree (committed or not) what the next make sees; or A..B: the "
        "changes from A to B applied to the tree as it is (a pull)",
    )
    parser.add_argument("changes", nargs="*", metavar="CHANGE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    options = None
    if args.graph:  # bad picture options fail before the tree is read
        drawing.output_format(args.graph, None)
        options = drawing.Shaping.from_args(args)
    if not args.changes and not args.config and not args.patch and not args.since:
        raise UsageError("give a CHANGE, --config FILE, --patch FILE or --since REV")
    if args.strip < 0:
        raise UsageError("-p must be 0 or more")
    if args.since and args.patch:
        raise UsageError("--since and --patch describe the edits two ways; give one")
    # The next make applies a pending .config edit first: the answer includes it.
    workspace, seen = look(args, cwd, pending=True)
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
    plain = not (args.patch or args.since or assignments or args.config)
    if plain and seen.pending.values is None:
        answer = why_rebuild(tree, changes, reader)
        note_line(reader.save())
        _maybe_draw(answer, args, options, cwd, tree)
        if args.json:
            sys.stdout.write(render_json(answer))
        else:
            sys.stdout.write(render_text(answer, limit=None if args.all else 8))
        return EXIT_OK
    return _predict(args, cwd, workspace, seen, changes, assignments, options)


def _predict(
    args: argparse.Namespace,
    cwd: str,
    workspace: Workspace,
    seen: Look,
    changes: list[Change],
    assignments: dict[str, str],
    options: drawing.Shaping | None,
) -> int:
    """Every question but a plain one about a tree with nothing pending: edits described
    (``--patch``, ``--since``), configuration changes, and any question while a ``.config``
    edit is pending (the next make applies it first)."""
    from depgraph.questions.nextmake import predict
    from depgraph.render.prediction import render_prediction_json, render_prediction_text
    from depgraph.tree.edits import EditSet, from_git, from_patches, read_patch

    tree, reader, fs = seen.tree, seen.reader, workspace.fs
    root = workspace.layout.scan if workspace.layout.kind == "M=" else tree.srctree
    edits: EditSet | None = None
    if args.since:
        edits = from_git(fs, tree.srctree, args.since)
    elif args.patch:
        stdin = sys.stdin.read() if "-" in args.patch else None
        texts = [read_patch(os.path.join(cwd, p) if p != "-" else p, fs, stdin)
                 for p in args.patch]  # fmt: skip
        edits = from_patches(fs, root, texts, strip=args.strip)
    new_config = None
    if args.config:
        new_config = workspace.read_input(os.path.join(cwd, args.config), args.config)
    asked = bool(assignments) or new_config is not None
    prediction = predict(
        tree,
        reader,
        edits=edits,
        assignments=assignments if asked else None,
        config_text=new_config,
        changes=changes,
        fs=fs,
        values=None if asked else seen.pending.values,
    )
    note_line(reader.save())
    unreadable = edits.unreadable if edits is not None else ()
    for diagnostic in unreadable:
        print(f"depgraph: {diagnostic}", file=sys.stderr)
    _maybe_draw(prediction.answer, args, options, cwd, tree)
    if args.json:
        sys.stdout.write(render_prediction_json(prediction))
    else:
        sys.stdout.write(render_prediction_text(prediction, limit=None if args.all else 8))
    return EXIT_UNCERTAIN if prediction.unknown or unreadable else EXIT_OK


def _maybe_draw(
    answer: Answer,
    args: argparse.Namespace,
    options: drawing.Shaping | None,
    cwd: str,
    tree: BuildTree,
) -> None:
    if args.graph and options is not None:
        from depgraph.graph.schema import build_graph  # networkx: only when a picture is asked for

        _draw(answer, args, options, cwd, build_graph(tree, commands=False))


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
