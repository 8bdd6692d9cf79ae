"""Command line: argument parsing, printing and exit codes live here and only here.

Each subcommand is a module of this package with ``register(subparsers)``, which sets
``run(args, cwd) -> int`` as its handler. Exit codes: 0 success, 2 bad input (a one-line
``depgraph: error: …`` on stderr, never a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from depgraph import __version__
from depgraph.cli import compile_commands, diff, graph, status, top, watch, why
from depgraph.cli.common import EXIT_USAGE, Parser
from depgraph.model import DepgraphError

SUBCOMMANDS = (why, status, watch, graph, top, compile_commands, diff)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="depgraph",
        description="kbuild dependency tracker: what recompiles and relinks, and why.",
    )
    parser.add_argument("--version", action="version", version=f"depgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args, os.getcwd()))
    except DepgraphError as exc:
        print(f"depgraph: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
