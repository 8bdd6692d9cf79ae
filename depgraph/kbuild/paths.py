"""One id per file, however kbuild and gcc spelled it.

kbuild runs every command with the object tree ("objtree", where ``.config`` lives) as
its working directory, so relative paths in ``.cmd`` files are objtree-relative. Source
paths are absolute with ``O=``, ``../``-relative when ``O=`` is a child of the source tree,
and ``./``-relative in in-tree builds. gcc does not normalise what it records:
``drivers/tty/serial/8250/../serial_mctrl_gpio.h`` and ``asm//foo-trace.h`` are the same
files as their clean spellings.

Ids (see :mod:`depgraph.graph.schema` for the whole schema):

* a file inside the objtree: its objtree-relative path (``include/generated/autoconf.h``);
* a file inside the source tree: its srctree-relative path (``include/linux/kernel.h``);
  in an in-tree build both trees are one, so the two rules agree;
* a file of an external module (``M=``) inside that module's directory: ``M/<relative path>``
  is not used; it keeps its absolute path, as kbuild ≤ 6.12 writes it;
* anything else (compiler headers, files outside both trees): the normalised absolute path.

``..`` is resolved lexically, as make itself compares names; symlinks are not followed.
"""

from __future__ import annotations

import os.path


class PathNormaliser:
    """Map raw spellings to ids; memoised, since a kernel repeats each header thousands of
    times across ``.cmd`` files and the memo turns millions of ``normpath`` calls into
    dictionary hits."""

    __slots__ = ("objtree", "srctree", "_memo", "_obj_prefix", "_src_prefix", "in_objtree")

    def __init__(self, objtree: str, srctree: str) -> None:
        self.objtree = os.path.normpath(objtree)
        self.srctree = os.path.normpath(srctree)
        self._obj_prefix = self.objtree.rstrip("/") + "/"
        self._src_prefix = self.srctree.rstrip("/") + "/"
        self._memo: dict[str, str] = {}
        # Ids of files found under the objtree (apart from the srctree): generated files.
        self.in_objtree: set[str] = set()

    def __call__(self, raw: str) -> str:
        """The id of ``raw`` (absolute, or relative to the objtree)."""
        found = self._memo.get(raw)
        if found is not None:
            return found
        absolute = raw if raw.startswith("/") else self._obj_prefix + raw
        ident = self.from_absolute(absolute)
        # Interned so that every Target shares one string object per file.
        ident = self._memo.setdefault(raw, ident)
        return ident

    def from_absolute(self, absolute: str) -> str:
        """The id of an absolute path (normalised here)."""
        clean = os.path.normpath(absolute)
        if clean.startswith("//"):
            clean = "/" + clean.lstrip("/")
        # Objtree first: with O= inside the source tree (O=build), objtree files are also
        # under the srctree, and kbuild names them objtree-relative.
        if clean.startswith(self._obj_prefix):
            ident = clean[len(self._obj_prefix) :]
            if self.objtree != self.srctree:
                self.in_objtree.add(ident)
            return ident
        if clean.startswith(self._src_prefix):
            return clean[len(self._src_prefix) :]
        if clean in (self.objtree, self.srctree):
            return "."
        return clean

    def absolute_candidates(self, ident: str) -> tuple[str, ...]:
        """Where the file named by ``ident`` may be on disk: objtree first, then srctree."""
        if ident.startswith("/"):
            return (ident,)
        if self.objtree == self.srctree:
            return (self._obj_prefix + ident,)
        return (self._obj_prefix + ident, self._src_prefix + ident)
