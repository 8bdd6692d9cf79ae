"""Readers used while answering: the text of files by id (their ``#include`` lines and
``CONFIG_`` mentions, :class:`SourceReader`) and their mtimes as make sees them
(:class:`FileTimes`)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from depgraph import __version__
from depgraph.kbuild.facts import stamp_files
from depgraph.kbuild.paths import PathNormaliser
from depgraph.parse.source import Include, Mention, scan_config_mentions, scan_includes
from depgraph.tree import cache
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.layout import Layout

_SCANS_WORTH_LOADING = 200  # files read in one run before stored scans are worth loading


class SourceReader:
    """Reads and scans the text of files by id, once each: the include lines and
    ``CONFIG_`` mentions that explain a rebuild.

    With ``cache_dir``, scans are kept between runs, each checked against its file's size
    and mtime. The stored scans are loaded only once a run has had to read
    :data:`_SCANS_WORTH_LOADING` files itself: a question about a leaf header reads a
    handful, and loading scans of thousands would cost it more than it saves."""

    def __init__(
        self, layout: Layout, cache_dir: str | None = None, *, fs: FileSystem = REAL
    ) -> None:
        self._norm = PathNormaliser(layout.objtree, layout.srctree)
        self._layout = layout
        self._fs = fs
        self._includes: dict[str, tuple[Include, ...]] = {}
        self._mentions: dict[str, tuple[Mention, ...]] = {}
        self._cache_dir = cache_dir
        self._key = cache.tree_key("scans", __version__, layout.objtree, layout.srctree)
        self._stored: dict[str, cache.Scan] | None = None
        self._fresh: dict[str, cache.Scan] = {}
        self._reads = 0

    def _scan_of(self, ident: str) -> tuple[cache.Scan, str]:
        """The stored scan of ``ident`` if its file is unchanged, else an empty one for
        it; and the text (empty when the stored scan is used)."""
        if self._stored is None and self._cache_dir and self._reads >= _SCANS_WORTH_LOADING:
            self._stored = cache.read_scans(self._cache_dir, self._key)
        for path in self._norm.absolute_candidates(ident):
            try:
                st = self._fs.stat(path)
            except OSError:
                continue
            kept = self._fresh.get(ident) or (self._stored or {}).get(ident)
            if kept is not None and (kept.size, kept.mtime_ns) == st:
                return kept, ""
            self._reads += 1
            return cache.Scan(st.size, st.mtime_ns, None, None), self._fs.text_or_none(path) or ""
        return cache.Scan(-1, -1, (), ()), ""

    def includes(self, ident: str) -> tuple[Include, ...]:
        found = self._includes.get(ident)
        if found is None:
            scan, text = self._scan_of(ident)
            if scan.includes is None:
                found = scan_includes(text or self._text(ident))
                kept = tuple((i.name, i.quoted, i.line) for i in found)
                self._fresh[ident] = scan._replace(includes=kept)
            else:
                found = tuple(Include(*i) for i in scan.includes)
            self._includes[ident] = found
        return found

    def mentions(self, ident: str) -> tuple[Mention, ...]:
        found = self._mentions.get(ident)
        if found is None:
            scan, text = self._scan_of(ident)
            if scan.mentions is None:
                found = scan_config_mentions(text or self._text(ident))
                kept = tuple((m.symbol, m.line, m.text) for m in found)
                self._fresh[ident] = scan._replace(mentions=kept)
            else:
                found = tuple(Mention(*m) for m in scan.mentions)
            self._mentions[ident] = found
        return found

    def save(self) -> str | None:
        """Keep this run's new scans, when the run read enough files to be worth it."""
        if not self._cache_dir or self._reads < _SCANS_WORTH_LOADING or not self._fresh:
            return None
        stored = self._stored
        if stored is None:
            stored = cache.read_scans(self._cache_dir, self._key)
        stored.update(self._fresh)
        return cache.write_scans(self._cache_dir, self._key, stored)

    def _text(self, ident: str) -> str:
        for path in self._norm.absolute_candidates(ident):
            text = self._fs.text_or_none(path)
            if text is not None:
                return text
        return ""

    def data(self, ident: str) -> bytes | None:
        """The bytes of a file of the trees (a source, an object), None when missing."""
        for path in self._norm.absolute_candidates(ident):
            try:
                return self._fs.read_bytes(path)
            except OSError:
                continue
        return None

    def exists(self, ident: str) -> bool:
        return any(self._fs.exists(p) for p in self._norm.absolute_candidates(ident))

    def ident(self, path: str, cwd: str) -> str:
        """The id of a path a user typed: absolute, relative to ``cwd`` if it exists
        there, else taken as relative to the trees."""
        if path.startswith("/"):
            return self._norm.from_absolute(path)
        here = os.path.join(cwd, path)
        if self._fs.exists(here):
            return self._norm.from_absolute(os.path.abspath(here))
        if self._layout.kind == "M=":
            # An external module's own files keep their absolute ids (see depgraph.kbuild.paths).
            in_module = os.path.join(self._layout.scan, path)
            if self._fs.exists(in_module):
                return self._norm.from_absolute(in_module)
        return os.path.normpath(path)


class FileTimes:
    """The mtimes of files by id, as make sees them (nanoseconds; ``-1``: no such file),
    for :func:`depgraph.questions.status.stale_now`. One instance is one look at the disk: each
    file is stat()ed once."""

    def __init__(self, layout: Layout, *, fs: FileSystem = REAL) -> None:
        self._norm = PathNormaliser(layout.objtree, layout.srctree)
        self._objtree = layout.objtree
        self._fs = fs
        self._seen: dict[str, int] = {}

    def mtimes(self, idents: Iterable[str]) -> dict[str, int]:
        seen = self._seen
        for ident in idents:
            if ident not in seen:
                seen[ident] = self._stat(self._norm.absolute_candidates(ident))
        return seen

    def stamps(self, symbols: Iterable[str]) -> dict[str, int]:
        return {
            symbol: self._stat(os.path.join(self._objtree, p) for p in stamp_files(symbol))
            for symbol in symbols
        }

    def _stat(self, paths: Iterable[str]) -> int:
        for path in paths:
            found = self._fs.mtime(path)
            if found != -1:
                return found
        return -1


def config_pending(objtree: str, fs: FileSystem = REAL) -> bool:
    """Whether ``.config`` is newer than ``include/config/auto.conf``: the next make
    runs syncconfig first (the Makefile's ``include/config/auto.conf: .config`` rule)."""
    objtree_config = os.path.join(objtree, ".config")
    return fs.mtime(objtree_config) > fs.mtime(os.path.join(objtree, "include/config/auto.conf"))
