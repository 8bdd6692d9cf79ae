"""What every subcommand shares: the tree options, loading with warnings, exit codes."""

from __future__ import annotations

import argparse
import os
import sys

from depgraph.loader import Layout, SourceReader, load_tree, locate
from depgraph.model import BuildTree

EXIT_OK = 0
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"depgraph: error: {message}\n")


def add_tree_options(parser: argparse.ArgumentParser) -> None:
    """``-C BUILD_DIR`` and ``--kernel KDIR``, the same for every subcommand."""
    parser.add_argument(
        "-C",
        dest="build_dir",
        metavar="BUILD_DIR",
        help="the kbuild object tree (default: $KBUILD_OUTPUT, else the working directory)",
    )
    parser.add_argument(
        "--kernel",
        metavar="KDIR",
        help="for an external module (-C names its directory): the kernel object tree "
        "it was built against (default: $KDIR, the module Makefile's KDIR, /lib/modules)",
    )


def load(args: argparse.Namespace, cwd: str) -> tuple[Layout, BuildTree, SourceReader]:
    """Locate and load the tree the options name; print its diagnostics as warnings."""
    layout = locate(args.build_dir, dict(os.environ), cwd, args.kernel)
    tree = load_tree(layout)
    for diagnostic in tree.diagnostics:
        print(f"depgraph: {diagnostic}", file=sys.stderr)
    return layout, tree, SourceReader(layout)
