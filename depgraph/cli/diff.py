"""``depgraph diff``: the flags that differ between the saved commands of two trees, or
of one tree before and after a change (a snapshot saved with ``--save``)."""

from __future__ import annotations

import argparse
import sys

from depgraph.cli.common import EXIT_OK, UsageError, add_tree_options, load
from depgraph.cli.output import write_output
from depgraph.model import BuildTree


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "diff",
        help="which targets' commands differ between two trees or two moments, and how",
        usage="depgraph diff OLD [NEW] [--json] [--all]\n"
        "       depgraph diff --save FILE [-C BUILD_DIR]",
        description=(
            "OLD and NEW are object trees, or snapshot files written by --save; NEW "
            "defaults to the build directory (-C, else $KBUILD_OUTPUT, else the working "
            "directory). The saved commands of the targets both have are split into flags, "
            "each tree's absolute objtree and srctree read as $(objtree) and $(srctree), "
            "and the targets whose flags changed alike are grouped, largest group first."
        ),
    )
    add_tree_options(parser)
    parser.add_argument(
        "sides",
        nargs="*",
        metavar="OLD [NEW]",
        help="object tree directories or snapshot files (NEW: the build directory)",
    )
    parser.add_argument(
        "--save",
        metavar="FILE",
        help="write a snapshot of the build directory's commands to FILE, to diff later",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--all", action="store_true", help="list every target of a group, not the first few"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    from depgraph.questions import cmddiff

    if args.save is not None:
        if args.sides:
            raise UsageError("diff: --save takes no OLD or NEW (-C names the tree to save)")
        tree = load(args, cwd)
        commands = cmddiff.commands_of(tree)
        write_output(args.save, cmddiff.snapshot_text(commands), whole=True)
        print(f"Saved the commands of {len(commands.commands)} targets of {tree.objtree} "
              f"to {args.save}")  # fmt: skip
        return EXIT_OK
    if not args.sides:
        raise UsageError("diff: give OLD [NEW], or --save FILE")
    if len(args.sides) > 2:
        raise UsageError("diff: give at most two: OLD and NEW")
    if len(args.sides) == 2 and args.build_dir is not None:
        raise UsageError("diff: -C names NEW when NEW is not given: give one of them")

    def load_dir(directory: str) -> BuildTree:
        side = argparse.Namespace(**{**vars(args), "build_dir": directory})
        return load(side, cwd)

    old = cmddiff.read_side(args.fs, args.sides[0], cwd, load_dir)
    if len(args.sides) == 2:
        new = cmddiff.read_side(args.fs, args.sides[1], cwd, load_dir)
    else:
        new = cmddiff.commands_of(load(args, cwd))
    from depgraph.render.cmddiff import render_diff_json, render_diff_text

    diff = cmddiff.diff_commands(old, new)
    if args.json:
        sys.stdout.write(render_diff_json(diff))
    else:
        sys.stdout.write(render_diff_text(diff, all_names=args.all))
    return EXIT_OK
