"""The one pipeline every command and watch mode get the tree from.

A :class:`Workspace` is a located tree (:class:`~depgraph.tree.layout.Layout`), the disk
it is read from (:class:`~depgraph.tree.fs.FileSystem`) and where its cache lives. Each
:meth:`Workspace.look` is one look at the tree as it is now: the tree loaded (re-reading
only what changed since the cache), a reader of its files' text, their mtimes as make
sees them, and, when asked for, the ``.config`` edit the next make applies first
(:meth:`Workspace.pending_config`), with every note and diagnostic a user should see.
``depgraph status`` and watch mode take the same look, so they see the same tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from depgraph.kbuild.paths import PathNormaliser
from depgraph.model import BuildTree, DepgraphError, Diagnostic
from depgraph.parse.config import changed_values, parse_kconfig_deps
from depgraph.tree import cache
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.layout import Layout, locate
from depgraph.tree.load import load_tree
from depgraph.tree.parallel import Progress
from depgraph.tree.sources import FileTimes, SourceReader, config_pending

CONFIG, AUTO_CONF = ".config", "include/config/auto.conf"  # objtree ids


@dataclass(frozen=True, slots=True)
class PendingConfig:
    """The symbols syncconfig will change at the next make (``symbol -> (old, new)``),
    a note when they could not be resolved as Kconfig would, the whole configuration it
    will write (``values``; None when no sync is pending, or it could not be resolved),
    and the Kconfig files edited since the last sync."""

    changed: Mapping[str, tuple[str, str]]
    note: str | None = None
    values: Mapping[str, str] | None = None
    kconfig_edited: tuple[str, ...] = ()


NO_PENDING = PendingConfig({})


@dataclass(frozen=True, slots=True)
class Look:
    """One look at the tree: what a question needs, and what the user should be told
    about how it was read (``notes``, ``diagnostics``)."""

    tree: BuildTree
    reader: SourceReader
    times: FileTimes
    pending: PendingConfig

    @property
    def notes(self) -> tuple[str, ...]:
        """The load's notes (a cache rebuilt, and why), then the pending edit's."""
        pending = (self.pending.note,) if self.pending.note else ()
        return (*self.tree.notes, *pending)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(self.tree.diagnostics)


class Workspace:
    """A tree to ask about; see the module docstring."""

    def __init__(
        self, layout: Layout, *, cache_dir: str | None = None, fs: FileSystem = REAL
    ) -> None:
        self.layout = layout
        self.cache_dir = cache_dir
        self.fs = fs
        self._pending_key: tuple[int, int, int] | None = None
        self._pending = NO_PENDING

    @classmethod
    def locate(
        cls,
        build_dir: str | None,
        environ: Mapping[str, str],
        cwd: str,
        kernel: str | None = None,
        *,
        cache_dir: str | None = None,
        fs: FileSystem = REAL,
    ) -> Workspace:
        """The tree a command line names (see :func:`depgraph.tree.layout.locate`)."""
        return cls(locate(build_dir, environ, cwd, kernel, fs=fs), cache_dir=cache_dir, fs=fs)

    def load(self, progress: Progress | None = None) -> BuildTree:
        return load_tree(self.layout, cache_dir=self.cache_dir, progress=progress, fs=self.fs)

    def reader(self) -> SourceReader:
        return SourceReader(self.layout, self.cache_dir, fs=self.fs)

    def times(self) -> FileTimes:
        return FileTimes(self.layout, fs=self.fs)

    def look(self, *, pending: bool = True, progress: Progress | None = None) -> Look:
        """Load the tree and take one look at it; with ``pending``, resolve the edit of
        ``.config`` the next make applies first."""
        tree = self.load(progress)
        times = self.times()
        found = self.pending_config(tree, times) if pending else NO_PENDING
        return Look(tree, self.reader(), times, found)

    def pending_config(self, tree: BuildTree, times: FileTimes | None = None) -> PendingConfig:
        """The symbols syncconfig will change at the next make, when it will run: when
        ``.config``, or a Kconfig file the last sync read (``auto.conf.cmd``), is newer
        than ``include/config/auto.conf`` (else none). ``.config`` is resolved by the
        tree's own Kconfig program and compared with ``auto.conf``; if that program cannot
        run, the values as written are, and a note says so. The program runs once per edit
        of those files, however often this is asked."""
        times = times or self.times()
        stamps = times.mtimes([CONFIG, AUTO_CONF])
        kconfigs = self._kconfig_times()
        newest = max(kconfigs.values(), default=-1)
        key = (stamps[CONFIG], stamps[AUTO_CONF], newest)
        if key == self._pending_key:
            return self._pending
        self._pending_key = key
        self._pending = NO_PENDING
        edited = tuple(sorted(k for k, when in kconfigs.items() if when > stamps[AUTO_CONF]))
        if stamps[CONFIG] > stamps[AUTO_CONF] or edited:
            self._pending = self._resolve_pending(tree, edited)
        return self._pending

    def _kconfig_times(self) -> dict[str, int]:
        """The mtimes of the Kconfig files the last syncconfig read."""
        objtree, srctree = self.layout.objtree, self.layout.srctree
        text = self.fs.text_or_none(os.path.join(objtree, "include/config/auto.conf.cmd"))
        deps = parse_kconfig_deps(text) if text is not None else ()
        return {name: self.fs.mtime(os.path.join(srctree, name)) for name in deps}

    def _resolve_pending(self, tree: BuildTree, edited: tuple[str, ...]) -> PendingConfig:
        from depgraph.tree.conf import resolve  # a tree without a pending edit never pays

        objtree = tree.objtree
        stamp = self._pending_stamp(edited)
        if self.cache_dir is not None:
            kept = cache.read_resolution(self.cache_dir, self._cache_key(), stamp)
            if isinstance(kept, PendingConfig):
                return kept
        try:
            config = read_input(self.fs, os.path.join(objtree, CONFIG))
            resolved = resolve(objtree, self.layout.srctree, config, fs=self.fs)
        except DepgraphError as exc:
            note = f"{exc}; .config compared with auto.conf as written"
            changed = changed_values(tree.auto_conf, tree.config)
            return PendingConfig(changed, note, kconfig_edited=edited)
        changed = changed_values(tree.auto_conf, resolved.values)
        found = PendingConfig(changed, None, resolved.values, edited)
        if self.cache_dir is not None:
            cache.write_resolution(self.cache_dir, self._cache_key(), stamp, found)
        return found

    def _cache_key(self) -> str:
        layout = self.layout
        return cache.tree_key("config", layout.objtree, layout.srctree, layout.scan)

    def _pending_stamp(self, edited: tuple[str, ...]) -> tuple[object, ...]:
        """What a resolution depends on: .config, auto.conf and the edited Kconfig files,
        by size and mtime."""
        objtree, srctree = self.layout.objtree, self.layout.srctree
        paths = [os.path.join(objtree, CONFIG), os.path.join(objtree, AUTO_CONF)]
        paths += [os.path.join(srctree, name) for name in edited]
        found: list[object] = []
        for path in paths:
            try:
                found.append((path, *self.fs.stat(path)))
            except OSError:
                found.append((path, -1, -1))
        return tuple(found)

    def config_pending(self) -> bool:
        """Whether ``.config`` is newer than ``auto.conf`` (the next make syncs first)."""
        return config_pending(self.layout.objtree, self.fs)

    def watched_directories(self, tree: BuildTree) -> list[str]:
        """The existing directories that hold a file the graph knows (targets, sources,
        headers; not system headers outside the trees), the objtree and
        ``include/config``: what watch mode observes."""
        layout = self.layout
        norm = PathNormaliser(layout.objtree, layout.srctree)
        roots = tuple(
            {
                os.path.normpath(p).rstrip("/") + "/"
                for p in (layout.objtree, layout.srctree, layout.scan)
            }
        )
        candidates: set[str] = set()
        for ident in _files(tree):
            for path in norm.absolute_candidates(ident):
                candidates.add(os.path.dirname(path))
        objtree = os.path.normpath(layout.objtree)
        found = {objtree, os.path.join(objtree, "include/config")}
        found.update(d for d in candidates if (d + "/").startswith(roots))
        return sorted(d for d in found if self.fs.is_dir(d))

    def read_input(self, path: str, shown: str | None = None) -> str:
        return read_input(self.fs, path, shown)

    def exports_symbols(self, obj: str) -> bool:
        """Whether the source of ``obj`` exports a symbol to modules."""
        from depgraph.tree.makefiles import exports_symbols

        return exports_symbols(self.layout.srctree, obj, self.fs)

    def real_file(self) -> Callable[[str], str | None]:
        """Resolves symlinks of a path, None when no file is there."""
        return self.fs.real_file


def read_input(fs: FileSystem, path: str, shown: str | None = None) -> str:
    """The text of a file the user names as input (a ``.config``, a snapshot); one error
    line naming it (as ``shown``, say the path as typed) when it cannot be read."""
    try:
        return fs.read_text(path)
    except OSError as exc:
        raise DepgraphError(f"{shown or path}: cannot read: {exc.strerror or exc}") from exc


def _files(tree: BuildTree) -> list[str]:
    found = list(tree.targets)
    found.extend(i for i in tree.users if not (i.startswith("CONFIG_") and "/" not in i))
    return found
