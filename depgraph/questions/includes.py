"""Who includes whom among the files of one target: the ``#include`` edges a picture draws.

A target's ``deps_`` list is flat: fixdep lists every file the preprocessor opened, not
which file included which. The include graph is read from the files' text (through an
:class:`depgraph.tree.sources.SourceReader`) and resolved against the target's
own list, searched as gcc does:

* a quoted name is looked up next to the including file first;
* then the command's directories in gcc's order: ``-iquote``, then ``-I``/``-isystem``,
  then ``-idirafter``;
* failing that (an include path this model does not know), a listed file whose path ends
  with the name;
* ``-include FILE`` on the command line (kbuild forces ``kconfig.h``,
  ``compiler_types.h``) is an edge from that file into the source, at line 0.

This module is the one implementation of those rules: the include chains of
``depgraph.questions.why`` use it too. It gives every edge and every shortest chain, where the
query gives one chain.
Edges point the way the graph's edges do (:mod:`depgraph.graph.schema`): from the included file
to the file that includes it, so a chain runs header -> … -> source -> object.
"""

from __future__ import annotations

import os.path
import re
from collections import deque
from collections.abc import Container
from dataclasses import dataclass

from depgraph.kbuild.paths import PathNormaliser
from depgraph.model import BuildTree, Target
from depgraph.parse.source import Include, Mention
from depgraph.tree.sources import SourceReader

# "-I dir", "-Idir", "-isystem dir", …: the options that make gcc's include search path.
# Starts with a literal, so the engine skips to each "-"; a flag must begin a word.
_INCLUDE_FLAG = re.compile(r"-(iquote|isystem|idirafter|I)\s*([^\s-]\S*)")
_FLAG_ORDER = {"-iquote": 0, "-I": 1, "-isystem": 1, "-idirafter": 2}


def forced_text(ident: str) -> str:
    """How a file forced in by ``-include FILE`` on the command line is written in a chain."""
    return f"-include {ident} (command line)"


@dataclass(frozen=True, slots=True)
class IncludeEdge:
    """``includer`` line ``line`` (``text``) includes ``included``."""

    included: str
    includer: str
    line: int
    text: str


def include_flags(command: str) -> tuple[tuple[str, str], ...]:
    """The ``-I``/``-iquote``/``-isystem``/``-idirafter`` flags of a command with their
    directories, in command order."""
    return tuple(
        ("-" + match[1], match[2])
        for match in _INCLUDE_FLAG.finditer(command)
        if match.start() == 0 or command[match.start() - 1].isspace()
    )


class IncludeResolver:
    """Resolves the ``#include`` lines of a target's files, memoised per command."""

    def __init__(self, tree: BuildTree, text: SourceReader) -> None:
        self._tree = tree
        self._text = text
        self._norm = PathNormaliser(tree.objtree, tree.srctree)
        self._by_base: dict[str, list[str]] | None = None
        self._dirs: dict[tuple[tuple[str, str], ...], tuple[str, ...]] = {}
        self._candidates: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
        self._searched_memo: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
        self._named_memo: dict[str, list[str]] = {}
        self._files: dict[str, frozenset[str]] = {}

    def context(self, ident: str) -> Target | None:
        """The target whose list and command resolve the includes of ``ident``: the
        target itself, else the first live compiled target (by name) that lists it."""
        target = self._tree.targets.get(ident)
        if target is not None and target.compiled:
            return target
        users = [
            name
            for name in self._tree.users.get(ident, ())
            if self._tree.targets[name].compiled and name not in self._tree.stale
        ]
        return self._tree.targets[min(users)] if users else None

    def files(self, target: Target) -> frozenset[str]:
        """The files the target's compile read: its source and its ``deps_`` list."""
        found = self._files.get(target.name)
        if found is None:
            listed = set(target.deps)
            if target.source:
                listed.add(target.source)
            found = self._files[target.name] = frozenset(listed)
        return found

    def forced(self, target: Target) -> tuple[IncludeEdge, ...]:
        """``-include FILE`` of the command line, as edges FILE -> source at line 0."""
        if target.source is None:
            return ()
        return tuple(
            IncludeEdge(ident, target.source, 0, forced_text(ident))
            for ident in self.forced_files(target, self.files(target))
            if ident != target.source
        )

    def edges_from(self, target: Target, file: str) -> tuple[IncludeEdge, ...]:
        """The includes of ``file`` that resolve to files of the target's list, in file
        order; an include outside the list (a guarded-out branch) is left out."""
        files = self.files(target)
        dirs = self.search_dirs(target)
        edges: list[IncludeEdge] = []
        for inc in self._text.includes(file):
            found = self.resolve(file, inc, files, dirs)
            if found is not None and found != file:
                edges.append(IncludeEdge(found, file, inc.line, inc.directive))
        return tuple(edges)

    def shortest_chains(self, target: Target, header: str) -> tuple[IncludeEdge, ...]:
        """Every edge of every shortest include chain from the target's source (or a
        file its command forces in) to ``header``; empty when none is found.

        The roots are at distance 0, as in the query's chains, so a chain through a
        forced file also holds that file's ``-include`` edge into the source."""
        if target.source is None or header not in self.files(target):
            return ()
        forced = {edge.included: edge for edge in self.forced(target)}
        roots = [target.source, *sorted(forced)]
        distance = dict.fromkeys(roots, 0)
        into: dict[str, list[IncludeEdge]] = {}
        queue = deque(roots)
        while queue:
            current = queue.popleft()
            if current == header:
                continue
            if header in distance and distance[current] >= distance[header]:
                break
            for edge in self.edges_from(target, current):
                seen = distance.get(edge.included)
                if seen is None:
                    distance[edge.included] = distance[current] + 1
                    queue.append(edge.included)
                    into[edge.included] = [edge]
                elif seen == distance[current] + 1:
                    into[edge.included].append(edge)
        if header not in distance:
            return ()
        found: dict[tuple[str, str], IncludeEdge] = {}
        stack = [header]
        reached = {header}
        while stack:
            node = stack.pop()
            if node in forced and node != target.source:
                found[(node, target.source)] = forced[node]
            for edge in into.get(node, ()):
                found.setdefault((edge.included, edge.includer), edge)
                if edge.includer not in reached:
                    reached.add(edge.includer)
                    stack.append(edge.includer)
        return tuple(found[key] for key in sorted(found))

    def mentions(self, file: str) -> tuple[Mention, ...]:
        """The ``CONFIG_`` mentions of ``file``, as fixdep scans them."""
        return self._text.mentions(file)

    def _basename_index(self) -> dict[str, list[str]]:
        """Known files by their last path component (built once, and only when an include
        is not found through the search directories)."""
        if self._by_base is None:
            index: dict[str, list[str]] = {}
            for ident in self._tree.users:
                if "/" in ident or "." in ident:
                    index.setdefault(ident.rpartition("/")[2], []).append(ident)
            self._by_base = index
        return self._by_base

    def search_dirs(self, target: Target) -> tuple[str, ...]:
        """The target's include directories as ids, in gcc's search order
        (``-iquote``, then ``-I``/``-isystem``, then ``-idirafter``)."""
        flags = include_flags(target.command)
        found = self._dirs.get(flags)
        if found is None:
            ranked = sorted(enumerate(flags), key=lambda f: (_FLAG_ORDER[f[1][0]], f[0]))
            found = self._dirs[flags] = tuple(self._norm(value) for _, (_, value) in ranked)
        return found

    def candidates(self, includer: str, inc: Include, dirs: tuple[str, ...]) -> list[str]:
        """Where gcc looks for an ``#include``, in order: next to the includer for a
        quoted name, then ``dirs``; failing those (an include path this model does not
        know), the known files whose path ends with the name. Memoised: objects share
        their flags, and a wide header's answer asks this hundreds of thousands of times."""
        key = (includer if inc.quoted else "", inc.name, dirs)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = [
                *self._searched(includer, inc, dirs),
                *self._named(inc.name),
            ]
        return found

    def _searched(self, includer: str, inc: Include, dirs: tuple[str, ...]) -> list[str]:
        """The first candidates: next to the includer (quoted), then each of ``dirs``."""
        key = (includer if inc.quoted else "", inc.name, dirs)
        found = self._searched_memo.get(key)
        if found is None:
            name = os.path.normpath(inc.name)
            found = []
            if inc.quoted:
                found.append(os.path.normpath(os.path.join(os.path.dirname(includer), name)))
            # Directory ids are normalised already: joining needs normpath only for ".."
            # (kbuild adds per-directory -I flags, so this runs for every directory).
            dotted = ".." in name
            for directory in dirs:
                joined = name if directory == "." else f"{directory}/{name}"
                found.append(os.path.normpath(joined) if dotted else joined)
            self._searched_memo[key] = found
        return found

    def _named(self, raw: str) -> list[str]:
        """The last candidates: known files whose path is, or ends with, the name."""
        found = self._named_memo.get(raw)
        if found is None:
            name = os.path.normpath(raw)
            suffix = "/" + name
            found = self._named_memo[raw] = [
                c
                for c in self._basename_index().get(name.rpartition("/")[2], ())
                if c == name or c.endswith(suffix)
            ]
        return found

    def resolve(
        self, includer: str, inc: Include, files: Container[str], dirs: tuple[str, ...]
    ) -> str | None:
        """The file of ``files`` (a target's own list) an ``#include`` names: the first of
        :meth:`candidates` there. The known-files fallback is looked at only when the
        search directories give none (most includes resolve without it)."""
        for candidate in self._searched(includer, inc, dirs):
            if candidate in files:
                return candidate
        for candidate in self._named(inc.name):
            if candidate in files:
                return candidate
        return None

    def forced_files(self, target: Target, files: Container[str]) -> list[str]:
        """Files the command forces in with ``-include FILE`` (kbuild: kconfig.h,
        compiler_types.h, compiler-version.h), as ids of the target's list."""
        words = target.command.split()
        return [
            ident
            for i, word in enumerate(words[:-1])
            if word == "-include" and (ident := self._norm(words[i + 1])) in files
        ]
