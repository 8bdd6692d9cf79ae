"""``depgraph compile-commands``: compile_commands.json from the ``.cmd`` files."""

from __future__ import annotations

import argparse
import os
import sys

from depgraph.cli.common import EXIT_OK, add_tree_options, look
from depgraph.cli.output import write_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "compile-commands",
        help="write compile_commands.json from the .cmd files",
        description=(
            "Write a compilation database (compile_commands.json, for clangd and other "
            "clang tools) with the entries the kernel's "
            "scripts/clang-tools/gen_compile_commands.py writes for the build directory: "
            "one for each object compiled from a .c or .S file, with its saved command. "
            "Works on O=, in-tree and M= trees; writes to standard output unless -o."
        ),
    )
    add_tree_options(parser)
    parser.add_argument("-o", dest="output", metavar="FILE", help="write to FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, cwd: str) -> int:
    workspace, seen = look(args, cwd)
    layout = workspace.layout
    # Imported here: the other commands do not pay for them at start-up.
    from depgraph.questions.compdb import compile_commands
    from depgraph.render.compdb import render_compile_commands

    entries = compile_commands(
        seen.tree,
        directory=workspace.fs.realpath(layout.objtree),
        scan=layout.scan,
        real_file=workspace.fs.real_file,
    )
    text = render_compile_commands(entries)
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    write_output(os.path.join(cwd, args.output), text, shown=args.output)
    return EXIT_OK
