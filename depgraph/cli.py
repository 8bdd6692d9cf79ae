"""Command line: argument parsing, printing and exit codes live here and only here.

Exit codes: 0 success, 2 bad input (a one-line ``depgraph: error: …`` on stderr, never a
traceback), 1 reserved for "the answer is not empty" modes a later option may add.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from depgraph import __version__
from depgraph.loader import LoadError, SourceReader, load_tree, locate
from depgraph.model import BuildTree
from depgraph.query import Change, UnknownChange, resolve_change, why_rebuild
from depgraph.render.json import render_json
from depgraph.render.text import render_text

EXIT_OK = 0
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"depgraph: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="depgraph",
        description="kbuild dependency tracker: what recompiles and relinks, and why.",
    )
    parser.add_argument("--version", action="version", version=f"depgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    why = sub.add_parser(
        "why-rebuild",
        help="what make will recompile and relink if files or CONFIG_ symbols change",
        description=(
            "List every target make will redo after CHANGE, with the chain of reasons. "
            "A CHANGE is a file (absolute, relative to the working directory, or relative to "
            "the source tree) or a symbol CONFIG_FOO whose value changes."
        ),
    )
    why.add_argument(
        "-C",
        dest="build_dir",
        metavar="BUILD_DIR",
        help="the kbuild object tree (default: $KBUILD_OUTPUT, else the working directory)",
    )
    why.add_argument(
        "--kernel",
        metavar="KDIR",
        help="for an external module (-C names its directory): the kernel object tree "
        "it was built against (default: $KDIR, the module Makefile's KDIR, /lib/modules)",
    )
    why.add_argument("--json", action="store_true", help="print one JSON object")
    why.add_argument("--all", action="store_true", help="list every target, not the first few")
    why.add_argument("changes", nargs="+", metavar="CHANGE")
    return parser


def _warn(tree: BuildTree, stream: object) -> None:
    for diagnostic in tree.diagnostics:
        print(f"depgraph: {diagnostic}", file=stream)  # type: ignore[call-overload]


def _why_rebuild(args: argparse.Namespace, cwd: str) -> int:
    layout = locate(args.build_dir, dict(os.environ), cwd, args.kernel)
    tree = load_tree(layout)
    _warn(tree, sys.stderr)
    reader = SourceReader(layout)
    changes: list[Change] = []
    for raw in args.changes:
        if raw.startswith("CONFIG_"):
            ident = raw
            exists = False
        else:
            ident = reader.ident(raw, cwd)
            exists = reader.exists(ident)
        changes.append(resolve_change(tree, ident, exists))
    answer = why_rebuild(tree, changes, reader)
    if args.json:
        sys.stdout.write(render_json(answer))
    else:
        sys.stdout.write(render_text(answer, limit=None if args.all else 8))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    cwd = os.getcwd()
    try:
        if args.command == "why-rebuild":
            return _why_rebuild(args, cwd)
    except (LoadError, UnknownChange) as exc:
        print(f"depgraph: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE
