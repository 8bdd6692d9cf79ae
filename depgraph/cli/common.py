"""What every subcommand shares: the tree options, loading with warnings, exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

from depgraph.model import BuildTree
from depgraph.tree import cache
from depgraph.tree.load import Layout, SourceReader, load_tree, locate

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

    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every .cmd file afresh and keep nothing "
        "(the cache lives in $DEPGRAPH_CACHE_DIR, else ~/.cache/depgraph)",
    )


def load(args: argparse.Namespace, cwd: str) -> tuple[Layout, BuildTree, SourceReader]:
    """Locate and load the tree the options name; print its diagnostics as warnings."""
    environ = dict(os.environ)
    layout = locate(args.build_dir, environ, cwd, args.kernel)
    cache_dir = None if args.no_cache else cache.default_dir(environ)
    with ProgressBar(sys.stderr) as bar:
        tree = load_tree(layout, cache_dir=cache_dir, progress=bar.update)
    for note in tree.notes:
        print(f"depgraph: note: {note}", file=sys.stderr)
    for diagnostic in tree.diagnostics:
        print(f"depgraph: {diagnostic}", file=sys.stderr)
    return layout, tree, SourceReader(layout, cache_dir)


class ProgressBar:
    """A one-line bar on a terminal's stderr, shown only once a load has taken more than
    about a second; nothing at all on a pipe or a file."""

    def __init__(self, stream: TextIO, delay: float = 1.0) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._start = time.monotonic()
        self._delay = delay
        self._shown = False
        self._last = 0.0

    def update(self, done: int, total: int) -> None:
        if not self._tty:
            return
        now = time.monotonic()
        if now - self._start < self._delay or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        self._shown = True
        width = 30
        filled = width * done // max(total, 1)
        self._stream.write(
            f"\rdepgraph: reading .cmd files [{'#' * filled}{'.' * (width - filled)}] "
            f"{done}/{total}"
        )
        self._stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
