"""What every subcommand shares: the tree options, loading with warnings, exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

from depgraph.model import BuildTree, DepgraphError
from depgraph.tree import cache
from depgraph.tree.workspace import Look, Workspace

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNCERTAIN = 3  # an answer with parts depgraph could not evaluate (listed in it)


class UsageError(DepgraphError):
    """A command line that asks nothing answerable; printed like every input error."""


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


def workspace(args: argparse.Namespace, cwd: str) -> Workspace:
    """The tree the options name (``-C``, ``--kernel``, ``--no-cache``)."""
    environ = dict(os.environ)
    cache_dir = None if args.no_cache else cache.default_dir(environ)
    return Workspace.locate(
        args.build_dir, environ, cwd, args.kernel, cache_dir=cache_dir, fs=args.fs
    )


def look(args: argparse.Namespace, cwd: str, *, pending: bool = False) -> tuple[Workspace, Look]:
    """Locate and load the tree the options name (with ``pending``: and resolve the
    ``.config`` edit the next make applies first); print its notes and diagnostics."""
    found = workspace(args, cwd)
    with ProgressBar(sys.stderr) as bar:
        seen = found.look(pending=pending, progress=bar.update)
    report(seen)
    return found, seen


def report(seen: Look) -> None:
    """A look's notes and diagnostics on stderr: the load's notes, the damaged files'
    warnings, then what the pending ``.config`` edit needs said."""
    for note in seen.tree.notes:
        note_line(note)
    for diagnostic in seen.diagnostics:
        print(f"depgraph: {diagnostic}", file=sys.stderr)
    if seen.pending.note:
        note_line(seen.pending.note)


def note_line(note: str | None) -> None:
    """One ``depgraph: note: …`` line on stderr (nothing for None)."""
    if note:
        print(f"depgraph: note: {note}", file=sys.stderr)


def load(args: argparse.Namespace, cwd: str) -> BuildTree:
    """The tree the options name, loaded; its notes and diagnostics printed."""
    return look(args, cwd)[1].tree


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
