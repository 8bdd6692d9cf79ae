"""``depgraph watch``: keep the status of a tree on screen while files change."""

from __future__ import annotations

import argparse
import sys
import threading
import time

from depgraph.cli.common import EXIT_OK, add_tree_options, note_line, workspace
from depgraph.questions.events import Event, Update
from depgraph.render.watch import render_event_json, render_event_text
from depgraph.watch.session import watch


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "watch",
        help="report what becomes stale or clean as files are saved and builds run",
        description=(
            "Watch the directories that hold files the tree's build knows (and .config). "
            "After each settled burst of changes, print the targets that became stale and "
            "why, and those that are clean again after a build. Ctrl-C stops."
        ),
    )
    add_tree_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object a line (an event stream)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    watched = workspace(args, cwd)
    objtree = watched.layout.objtree

    def emit(event: Event) -> None:
        # The notes and warnings of reading the tree go to stderr, as every command's do.
        for note in event.told.notes:
            note_line(note)
        for diagnostic in event.told.diagnostics:
            print(f"depgraph: {diagnostic}", file=sys.stderr)
        if isinstance(event, Update) and not (event.stale or event.clean):
            return
        if args.json:
            text = render_event_json(event, objtree)
        else:
            text = render_event_text(event, objtree, time.strftime("%H:%M:%S"))
        sys.stdout.write(text)
        sys.stdout.flush()

    stop = threading.Event()
    try:
        watch(watched, emit, stop)
    except KeyboardInterrupt:
        stop.set()  # watch() has stopped its observer on the way out
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        sys.stderr.close()
    return EXIT_OK
