"""Command line: argument parsing, printing and exit codes live here and only here.

Each subcommand is a module of this package with ``register(subparsers)``, which sets
``run(args, cwd) -> int`` as its handler. Only the module of the subcommand asked for is
imported (the others cost tens of milliseconds of start-up each run); ``--help`` and usage
errors import them all. Exit codes: 0 success, 2 bad input (a one-line
``depgraph: error: …`` on stderr, never a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from depgraph import __version__
from depgraph.cli.common import EXIT_USAGE, Parser
from depgraph.model import DepgraphError
from depgraph.tree.fs import REAL, FileSystem

# subcommand -> the module of this package that registers it, in --help order
SUBCOMMANDS = {
    "why-rebuild": "why",
    "status": "status",
    "watch": "watch",
    "graph": "graph",
    "top": "top",
    "compile-commands": "compile_commands",
    "diff": "diff",
}


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first word that is not an option (the top level
    has only ``--help`` and ``--version``, which take no value), if it is one."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in SUBCOMMANDS else None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that subcommand is registered (and imported)."""
    parser = Parser(
        prog="depgraph",
        description="kbuild dependency tracker: what recompiles and relinks, and why.",
    )
    parser.add_argument("--version", action="version", version=f"depgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, module in SUBCOMMANDS.items():
        if command is None or name == command:
            import_module(f"depgraph.cli.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, fs: FileSystem = REAL) -> int:
    """Run the command line ``argv`` (default: the process's); ``fs`` is the disk the
    trees are read from (tests pass an in-memory one). Returns the exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(chosen_command(words)).parse_args(words)
    args.fs = fs
    try:
        return int(args.run(args, os.getcwd()))
    except DepgraphError as exc:
        print(f"depgraph: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
