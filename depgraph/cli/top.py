"""``depgraph top``: the headers and symbols that recompile the most, the objects that
depend on the most."""

from __future__ import annotations

import argparse
import sys

from depgraph.cli.common import EXIT_OK, UsageError, add_tree_options, load

TEXT_ROWS = 20


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "top",
        help="rank headers and symbols by the objects they recompile, objects by their deps",
        description=(
            "headers: every file an object's dependency list names, by how many objects "
            "recompile when it changes and their share of all objects. symbols: every "
            "CONFIG_ symbol likewise (objects holding its include/config stamp). objects: "
            "every object by how many files and symbols it depends on. Objects are the "
            "compiled targets make still builds; the link steps that follow are not counted."
        ),
    )
    add_tree_options(parser)
    parser.add_argument("what", choices=("headers", "symbols", "objects"))
    parser.add_argument(
        "-n",
        type=int,
        metavar="N",
        help=f"show the first N (0: all; default: {TEXT_ROWS} in text, all in JSON)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list, largest first")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    if args.n is not None and args.n < 0:
        raise UsageError("-n must be 0 or more")
    tree = load(args, cwd)
    # Imported here: the other commands do not pay for them at start-up.
    from depgraph.questions import rank
    from depgraph.render.ranking import render_ranking_json, render_ranking_text

    if args.what == "headers":
        rows: list[rank.Ranked] | list[rank.Cost] = rank.rank_headers(tree)
    elif args.what == "symbols":
        rows = rank.rank_symbols(tree)
    else:
        rows = rank.rank_objects(tree)
    count = args.n if args.n is not None else (0 if args.json else TEXT_ROWS)
    shown = rows if count == 0 else rows[:count]
    if args.json:
        sys.stdout.write(render_ranking_json(shown))
    else:
        total = len(rank.objects(tree))
        sys.stdout.write(render_ranking_text(args.what, rows, total, len(shown)))
    return EXIT_OK
