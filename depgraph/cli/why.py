"""``depgraph why-rebuild``: what make will redo after a change, and why."""

from __future__ import annotations

import argparse
import sys

from depgraph.cli.common import EXIT_OK, add_tree_options, load
from depgraph.query import Change, resolve_change, why_rebuild
from depgraph.render.json import render_json
from depgraph.render.text import render_text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "why-rebuild",
        help="what make will recompile and relink if files or CONFIG_ symbols change",
        description=(
            "List every target make will redo after CHANGE, with the chain of reasons. "
            "A CHANGE is a file (absolute, relative to the working directory, or relative to "
            "the source tree) or a symbol CONFIG_FOO whose value changes."
        ),
    )
    add_tree_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all", action="store_true", help="list every target, not the first few")
    parser.add_argument("changes", nargs="+", metavar="CHANGE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    _, tree, reader = load(args, cwd)
    changes: list[Change] = []
    for raw in args.changes:
        if raw.startswith("CONFIG_"):
            changes.append(resolve_change(tree, raw, False))
        else:
            ident = reader.ident(raw, cwd)
            changes.append(resolve_change(tree, ident, reader.exists(ident)))
    answer = why_rebuild(tree, changes, reader)
    if args.json:
        sys.stdout.write(render_json(answer))
    else:
        sys.stdout.write(render_text(answer, limit=None if args.all else 8))
    return EXIT_OK
