"""A compilation database (``compile_commands.json``) from the ``.cmd`` files, with the
entries the kernel's ``scripts/clang-tools/gen_compile_commands.py`` (Linux 6.12) writes
when it searches a build directory (``-d DIR``):

* every target's saved command, from the ``.cmd`` files below the directory searched,
  except its top-level ``.git``, ``Documentation``, ``include`` and ``tools`` (``tools/``
  has a build system of its own, with ``.cmd`` files of another format);
* only targets whose name ends with ``.o`` and whose command names a ``.c`` or ``.S``
  file as its last word, before the end of the line or a ``;`` (what follows a ``;``,
  such as an objtool run, is left out of the command);
* ``directory``: the object tree, where kbuild runs every command (also for an ``M=``
  module in kbuild ≤ 6.12, as ``make M=DIR compile_commands.json`` writes it);
  ``file``: the source, joined to that directory, with symbolic links resolved; it must
  exist; ``command``: the command up to and including the source.

One difference: ``$$`` in a saved command stands for the ``$`` the shell sees, and is
written as ``$`` (the script leaves it doubled). Compile commands of 6.12 hold none.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from depgraph.model import BuildTree

EXCLUDED_TOP_DIRS = frozenset({".git", "Documentation", "include", "tools"})
# The source is the last word ending in .c or .S that a space precedes and that ends the
# command or comes before a ';' (the greediest match, as the script's pattern finds it).
_COMPILE = re.compile(r"(?P<head>.* )(?P<file>[^ ]*\.[cS]) *(?:;|$)")


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the database; ``target`` orders entries of one file and is not
    written."""

    directory: str
    file: str
    command: str
    target: str


def _searched(cmd_file: str, scan: str) -> bool:
    """Whether the script's search of ``scan`` reads this ``.cmd`` file."""
    rel = posixpath.relpath(cmd_file, scan) if cmd_file.startswith("/") else cmd_file
    return rel.split("/", 1)[0] not in EXCLUDED_TOP_DIRS


def compile_commands(
    tree: BuildTree, *, directory: str, scan: str, real_file: Callable[[str], str | None]
) -> list[Entry]:
    """The database entries of ``tree``, sorted by file (then object).

    ``directory`` is the object tree's real path, ``scan`` the directory whose ``.cmd``
    files were read (the module directory of an ``M=`` build, else the object tree);
    ``real_file`` resolves the symlinks of a path (None when no file is there)."""
    entries: list[Entry] = []
    for name, target in tree.targets.items():
        if not name.endswith(".o") or not _searched(target.cmd_file, scan):
            continue
        match = _COMPILE.match(target.command)
        if match is None:
            continue
        raw = match.group("file")
        real = real_file(posixpath.join(directory, raw))
        if real is None:
            continue
        entries.append(Entry(directory, real, match.group("head") + raw, name))
    entries.sort(key=lambda e: (e.file, e.target))
    return entries
