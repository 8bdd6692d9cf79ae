"""``depgraph status``: what a make of the tree would redo now, and why."""

from __future__ import annotations

import argparse
import sys

from depgraph.cli.common import EXIT_OK, EXIT_UNCERTAIN, add_tree_options, look, note_line
from depgraph.questions.status import status_of
from depgraph.render.status import render_status_json, render_status_text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "status",
        help="what make would redo now: every stale target with all its reasons",
        description=(
            "List every target a make of the tree would redo now, judged from the files' "
            "mtimes as make judges them: missing targets, newer prerequisites (with the "
            "include chain to them), config stamps syncconfig will touch because .config "
            "is newer than include/config/auto.conf (resolved by the tree's own "
            "scripts/kconfig/conf on a scratch copy), and the links that follow. Nothing "
            "is written into the tree."
        ),
    )
    add_tree_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all", action="store_true", help="list every target, not the first 40")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    workspace, seen = look(args, cwd, pending=True)
    status = status_of(seen, workspace.fs)
    note_line(seen.reader.save())
    if args.json:
        sys.stdout.write(render_status_json(status))
    else:
        sys.stdout.write(render_status_text(status, limit=None if args.all else 40))
    return EXIT_UNCERTAIN if status.unknown else EXIT_OK
