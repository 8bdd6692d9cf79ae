"""Read a kbuild object tree from disk: the one module of depgraph that reads files.

It finds the object and source trees (:func:`locate`), reads every ``.<target>.cmd``
file, ``.config`` and ``include/config/auto.conf`` through the pure parsers, turns every
spelling of a path into one id (:class:`depgraph.paths.PathNormaliser`) and returns a
:class:`depgraph.model.BuildTree`. It never writes, and never runs anything it finds.

Damaged files among good ones become warnings in ``BuildTree.diagnostics`` and the rest
loads; only a tree that is not a kbuild object tree at all raises :class:`LoadError`.
"""

from __future__ import annotations

import os
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from depgraph import __version__
from depgraph.kbuild.facts import (
    ALSO_WRITTEN,
    DROPPED_DEPS,
    LINKED_BY_SCRIPT,
    MAKEFILE_PREREQS,
    stamp_files,
)
from depgraph.kbuild.paths import PathNormaliser
from depgraph.model import BuildTree, DepgraphError, Diagnostic, NodeKind, Target, is_compiled
from depgraph.parse.cmdfile import SOURCE_INDEX, parse_cmdfile, parse_grouped, read_group
from depgraph.parse.command import parse_command
from depgraph.parse.config import parse_config
from depgraph.parse.depfile import parse_depfile
from depgraph.parse.source import Include, Mention, scan_config_mentions, scan_includes
from depgraph.tree import cache
from depgraph.tree.index import (
    KIND_CODE,
    KINDS,
    Index,
    Record,
    TargetsView,
    UsersBuilder,
    UsersView,
    record_maker,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

_SKIP_DIRS = frozenset({".git", "source", ".tmp_versions"})
_O_MAKEFILE_INCLUDE = re.compile(r"^include\s+(\S+)/Makefile\s*$", re.M)


class LoadError(DepgraphError):
    """The directory is not something depgraph can read; the message is one line."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things are, all absolute.

    ``objtree`` is the kernel's object tree (relative paths in ``.cmd`` files are relative
    to it, since kbuild ≤ 6.12 runs every command there), ``srctree`` its source tree,
    ``scan`` the directory whose ``.cmd`` files are read: the objtree itself, or the
    module directory of an external (``M=``) module.
    """

    objtree: str
    srctree: str
    kind: str  # "O=", "in-tree" or "M="
    scan: str


def locate(
    build_dir: str | None, environ: dict[str, str], cwd: str, kernel: str | None = None
) -> Layout:
    """Find the object tree (``-C``, else ``KBUILD_OUTPUT`` as kbuild honours it, else the
    working directory) and its source tree (the ``source`` symlink ``O=`` builds have, the
    ``include …/Makefile`` line of their generated Makefile, or the tree itself).

    A directory without ``.config`` that holds an external module's ``.cmd`` files is read
    as an ``M=`` build; ``kernel`` (or ``$KDIR``) names the kernel tree it was built
    against, else it is found as :func:`_find_module_kernel` says."""
    chosen = build_dir or environ.get("KBUILD_OUTPUT") or cwd
    objtree = os.path.abspath(os.path.join(cwd, chosen))
    if not os.path.isdir(objtree):
        raise LoadError(f"{objtree}: no such directory")
    if not os.path.isfile(os.path.join(objtree, ".config")):
        if _has_module_cmd_files(objtree):
            return _external_module_layout(objtree, environ, cwd, kernel)
        raise LoadError(
            f"{objtree}: not a kbuild object tree (no .config); "
            "name the build directory with -C or KBUILD_OUTPUT"
        )
    srctree = _source_tree_of(objtree)
    kind = "in-tree" if srctree == objtree else "O="
    return Layout(objtree, srctree, kind, objtree)


def _source_tree_of(objtree: str) -> str:
    link = os.path.join(objtree, "source")
    if os.path.islink(link):
        srctree = os.path.normpath(os.path.join(objtree, os.readlink(link)))
        if os.path.isdir(srctree):
            return srctree
    makefile = os.path.join(objtree, "Makefile")
    head = (_read_text(makefile) or "")[:4096]
    match = _O_MAKEFILE_INCLUDE.search(head)
    if match and "$" not in match.group(1):
        srctree = os.path.normpath(os.path.join(objtree, match.group(1)))
        if srctree != objtree and os.path.isdir(srctree):
            return srctree
    return objtree


def _has_module_cmd_files(directory: str) -> bool:
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return any(n.endswith(".ko.cmd") or n == ".modules.order.cmd" for n in names)


_PREFIX_MAP = re.compile(r"-f(?:macro|file)-prefix-map=(\S+?)/?=")
_KDIR_LINE = re.compile(
    r"^\s*(?:KDIR|KERNELDIR|KERNEL_DIR|KSRC|KERNEL_SRC)\s*[?:]?=\s*(\S+)\s*$", re.M
)


def _external_module_layout(
    moddir: str, environ: dict[str, str], cwd: str, kernel: str | None
) -> Layout:
    """An ``M=`` build: kbuild ≤ 6.12 writes the module's own paths absolute and the
    kernel's generated files and config stamps relative to the kernel objtree, which no
    ``.cmd`` file names. The source tree is read from ``-fmacro-prefix-map=SRC/=``."""
    srctree = None
    for path in _walk_cmd_files(moddir):
        match = _PREFIX_MAP.search(_read_text(path) or "")
        if match:
            srctree = os.path.normpath(match.group(1))
            break
    candidates: list[str] = []
    if kernel:
        candidates.append(os.path.abspath(os.path.join(cwd, kernel)))
    if environ.get("KDIR"):
        candidates.append(os.path.abspath(os.path.join(cwd, environ["KDIR"])))
    for name in ("Makefile", "Kbuild"):
        for match in _KDIR_LINE.finditer(_read_text(os.path.join(moddir, name)) or ""):
            value = match.group(1)
            if "$" not in value:
                candidates.append(os.path.normpath(os.path.join(moddir, value)))
    if os.path.isdir("/lib/modules"):
        for release in sorted(os.listdir("/lib/modules")):
            candidates.append(os.path.join("/lib/modules", release, "build"))
    for candidate in candidates:
        if not os.path.isfile(os.path.join(candidate, ".config")):
            continue
        real = os.path.realpath(candidate)
        if srctree is None or _source_tree_of(real) == srctree or real == srctree:
            return Layout(real, _source_tree_of(real), "M=", moddir)
    if kernel:
        raise LoadError(f"{kernel}: not the kernel object tree this module was built against")
    raise LoadError(
        f"{moddir}: external module, but its kernel object tree was not found; "
        "name it with --kernel DIR (the KDIR of 'make -C KDIR M=…')"
    )


def _scan(directory: str) -> Iterator[tuple[str, int, int]]:
    """Every ``.<target>.cmd`` and ``.<target>.d`` file below ``directory`` with its size
    and mtime, in the order the directories list them (symlinks such as ``source``, and
    ``.git``, are not followed). Every warm start runs this over tens of thousands of
    files: names are filtered before anything is stat'ed, directories come from
    scandir's own type, and nothing is sorted (callers sort what they keep)."""
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    subdirs: list[str] = []
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            if (name.endswith(".cmd") or name.endswith(".d")) and len(name) > 4:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not entry.is_symlink():
                    yield entry.path, st.st_size, st.st_mtime_ns
                continue
            if name == ".git" or name == ".tmp_versions":
                continue
        if name not in _SKIP_DIRS and entry.is_dir(follow_symlinks=False):
            subdirs.append(entry.path)
    for subdir in subdirs:
        yield from _scan(subdir)


def _walk_cmd_files(directory: str) -> list[str]:
    return sorted(path for path, _, _ in _scan(directory) if path.endswith(".cmd"))


_SOURCE_SUFFIXES = (".c", ".S", ".s", ".cc", ".cpp", ".rs")
_OUTPUT_SUFFIXES = (".o", ".s", ".i", ".lds", ".so")


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _read_text(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data.decode("utf-8", errors="surrogateescape")


def _config_of(state: cache.State, path: str, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """A ``.config``-format file's values, parsed again only when its size or mtime
    changed since the cached state was written."""
    try:
        st = os.stat(path)
        signature = (st.st_size, st.st_mtime_ns)
    except OSError:
        signature = (-1, -1)
    kept = state.configs.get(path)
    if kept is not None and kept[0] == signature:
        diagnostics.extend(kept[2])
        return kept[1]
    values, diags = read_config(path)
    state.configs[path] = (signature, values, tuple(diags))
    state.configs_changed = True
    diagnostics.extend(diags)
    return values


def read_config(path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """Symbol values of a ``.config``-format file; missing file: empty values."""
    text = _read_text(path)
    if text is None:
        return {}, []
    parsed = parse_config(text, path)
    return parsed.values, list(parsed.diagnostics)


class _StampNames:
    """Config stamp path -> ``CONFIG_`` symbol.

    Since v5.13 the stamp is ``include/config/FOO_BAR``; before, ``include/config/foo/bar.h``
    (lower case, ``_`` made ``/``), which cannot be reversed without the known names.
    """

    def __init__(self, known: set[str]) -> None:
        self._old: dict[str, str] = {}
        for symbol in known:
            self._old[symbol[len("CONFIG_") :].lower().replace("_", "/") + ".h"] = symbol
        self._memo: dict[str, str] = {}

    def __call__(self, stamp: str) -> str:
        found = self._memo.get(stamp)
        if found is not None:
            return found
        rest = stamp.split("include/config/", 1)[-1]
        if rest.endswith(".h"):
            symbol = self._old.get(rest) or "CONFIG_" + rest[:-2].replace("/", "_").upper()
        else:
            symbol = "CONFIG_" + rest
        self._memo[stamp] = symbol
        return symbol


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class _Ids:
    """Raw spellings -> index ids, memoised. A kernel repeats each header's spelling in
    thousands of ``.cmd`` files: ``map(dict.get, …)`` turns the repeats into lookups run
    from C, and only a first sighting pays for normalising and interning."""

    def __init__(self, norm: PathNormaliser, stamp_name: _StampNames, index: Index) -> None:
        self._norm = norm
        self._stamp_name = stamp_name
        self._index = index
        self._files: dict[str, int] = {}
        self._stamps: dict[str, int] = {}
        # group -> the bytes of its file id, and of its stamp pairs
        self._groups: dict[str, tuple[bytes, bytes]] = {}
        self.dropped = [index.intern(d) for d in sorted(DROPPED_DEPS)]

    def file(self, raw: str) -> int:
        found = self._files.get(raw)
        if found is None:
            found = self._files[raw] = self._index.intern(self._norm(raw))
        return found

    def files(self, raws: Sequence[str]) -> list[int]:
        got = list(map(self._files.get, raws))
        if None in got:
            got = [self.file(raw) if v is None else v for raw, v in zip(raws, got, strict=True)]
        return got  # type: ignore[return-value]

    def groups(self, groups: list[str]) -> tuple[array, array] | None:
        """The file ids and the flat (symbol, file) stamp pairs of the file groups of
        :func:`parse_grouped` (all but the first); None if one is not in fixdep's layout.
        Each distinct group is read once and kept as the bytes of its ids: the rest is
        one look-up a group and two byte joins, all run from C."""
        got = list(map(self._groups.get, groups))
        if None in got:
            for group in dict.fromkeys(groups):  # in file order: ids must not depend on str hashes
                if group in self._groups:
                    continue
                read = read_group(group)
                if read is None or not read[0]:
                    return None
                file = self.file(read[0])
                pairs = array("i", [v for symbol in self.stamps(read[1]) for v in (symbol, file)])
                self._groups[group] = (array("i", [file]).tobytes(), pairs.tobytes())
            got = list(map(self._groups.__getitem__, groups))
        files, stamps = array("i"), array("i")
        files.frombytes(b"".join(map(_FIRST, got)))
        stamps.frombytes(b"".join(map(_SECOND, got)))
        return files, stamps

    def stamps(self, raws: Sequence[str]) -> list[int]:
        got = list(map(self._stamps.get, raws))
        if None in got:
            for position, raw in enumerate(raws):
                if got[position] is None:
                    found = self._index.intern(self._stamp_name(raw))
                    got[position] = self._stamps[raw] = found
        return got  # type: ignore[return-value]


def _kind_of(name: str, compiled: bool) -> NodeKind:
    """The node kind of a target, from its name and whether it has a ``source_`` line."""
    base = name.rsplit("/", 1)[-1]
    if base == "vmlinux" or base.startswith("vmlinux.") and not base.endswith((".o", ".a")):
        return NodeKind.LINK  # linked by link-vmlinux.sh, whose .cmd names it as source_
    if base.endswith(".o"):
        return NodeKind.OBJECT
    if base.endswith(".a"):
        return NodeKind.ARCHIVE
    if base.endswith(".ko"):
        return NodeKind.MODULE
    if compiled or base.endswith((".h", ".c", ".S", ".s", ".lds", ".mod", ".order", ".symvers")):
        return NodeKind.GENERATED
    return NodeKind.LINK


Progress = Callable[[int, int], None]


def load_tree(
    layout: Layout, *, cache_dir: str | None = None, progress: Progress | None = None
) -> BuildTree:
    """Read the tree's ``.cmd`` files (and depfiles fixdep has not converted) into a
    :class:`BuildTree`.

    With ``cache_dir``, what was parsed is kept there (:mod:`depgraph.tree.cache`) and a later
    load re-reads only the files whose size or mtime changed. ``progress(done, total)``
    is called while files are parsed.
    """
    objtree = layout.objtree
    norm = PathNormaliser(objtree, layout.srctree)
    notes: list[str] = []
    diagnostics: list[Diagnostic] = []
    key = cache.tree_key(__version__, layout.objtree, layout.srctree, layout.scan)
    state: cache.State | None = None
    if cache_dir is not None:
        state, why = cache.read(cache_dir, key)
        if why:
            notes.append(why)
    fresh = state is None
    if state is None:
        state = cache.State(cache.FORMAT, key, Index())
    index = state.index
    config = _config_of(state, os.path.join(objtree, ".config"), diagnostics)
    auto_conf = _config_of(state, os.path.join(objtree, "include/config/auto.conf"), diagnostics)

    seen: set[str] = set()
    changed: list[tuple[str, str, int, int]] = []
    cut = len(objtree) + 1 if layout.kind != "M=" else 0
    for path, size, mtime in _scan(layout.scan):
        rel = path[cut:]
        seen.add(rel)
        entry = state.entries.get(rel)
        if entry is None or entry.size != size or entry.mtime_ns != mtime:
            changed.append((rel, path, size, mtime))
    changed.sort()  # ids, and so the cache, come out the same whatever order the walk had
    removed = [rel for rel in state.entries if rel not in seen]
    for rel in removed:
        gone = state.entries.pop(rel)
        if gone.target >= 0 and not any(e.target == gone.target for e in state.entries.values()):
            index.remove(gone.target)

    targets_before = len(index.records)
    known = set(config) | set(auto_conf)
    ids = _Ids(norm, _StampNames(known), index)
    depfiles = [c for c in changed if c[0].endswith(".d")]
    cmds = [c for c in changed if not c[0].endswith(".d")]
    workers = min(os.cpu_count() or 1, _MAX_WORKERS)
    # Forking a process that runs other threads (a watch mode's observer) can deadlock
    # the child: parse in workers only from a single-threaded process.
    alone = threading.active_count() == 1
    users = UsersBuilder(index)
    began = time.monotonic()
    if fresh and workers > 1 and alone and len(cmds) >= _PARALLEL_FROM:
        _parse_in_workers(cmds, layout, known, workers, state, norm, progress, users)
    else:
        for number, (rel, path, size, mtime) in enumerate(cmds, start=1):
            if progress is not None:
                progress(number, len(cmds))
            state.entries[rel] = _load_cmd(rel, path, size, mtime, ids, index, fresh)
    for rel, path, size, mtime in depfiles:
        state.entries[rel] = _load_depfile(rel, path, size, mtime, norm, index)
    if fresh:  # the reverse index in one pass, instead of an update per file
        users.add_rest()
        users.finish()

    dirty = fresh or bool(changed) or bool(removed) or state.configs_changed
    # A new or vanished target can be named by any command: then every link-type target
    # is looked at again; otherwise only the ones whose .cmd file changed.
    # A changed configuration can change the Makefile-only prerequisites as well.
    reshaped = (
        fresh or len(index.records) != targets_before or bool(removed) or state.configs_changed
    )
    touched = None if reshaped else {rel for rel, _, _, _ in changed}
    linked = False
    if dirty:
        linked = _resolve_link_inputs(state, norm, auto_conf or config, diagnostics, touched)
        state.generated.update(index.intern(name) for name in norm.in_objtree)
    order = _mtime(os.path.join(layout.scan, "modules.order"))
    # Staleness follows target-to-target edges only: a recompiled object whose list is
    # the same does not move it.
    if reshaped or linked or state.stale is None or state.modules_order_mtime != order:
        state.stale = _stale_targets(index, _module_objects(layout, norm))
        state.modules_order_mtime = order
        dirty = True
    stale = state.stale
    for entry in state.entries.values():
        diagnostics.extend(entry.diagnostics)
    # Rewriting the whole cache costs a fifth of a second on a large tree. After a small
    # build the next run re-reads the few changed files faster than that (make rewrites
    # a few .cmd files on every run), so the cache is rewritten only once what changed
    # since it was written costs every run more than a warm answer should: many files,
    # or a slow re-read (a new cache is always written).
    drift = len(changed) + len(removed)
    slow = time.monotonic() - began > _REWRITE_AFTER
    worth = fresh or slow or drift > max(_REWRITE_FROM, len(state.entries) // 50)
    if cache_dir is not None and dirty and (worth or state.configs_changed):
        why = cache.write(cache_dir, state)
        if why:
            notes.append(why)

    names = index.names
    return BuildTree(
        objtree=objtree,
        srctree=layout.srctree,
        layout=layout.kind,
        targets=TargetsView(index),
        users=UsersView(index),
        config=config,
        auto_conf=auto_conf,
        diagnostics=diagnostics,
        cmd_files=sum(1 for rel in state.entries if rel.endswith(".cmd")),
        generated={names[i] for i in state.generated},
        stale={names[i] for i in stale},
        notes=notes,
    )


_REWRITE_FROM = 64  # changed files since the cache was written before it is rewritten
_REWRITE_AFTER = 0.03  # seconds of re-reading changed files after which it is rewritten
_PARALLEL_FROM = 2000  # .cmd files a cold load must read before a second process pays
_MAX_WORKERS = 4
# The parent parses a share of its own while the workers parse theirs. A worker can move
# its share into the parent's ids only once it has the parent's names, so the shares are
# balanced for parsing alone; the parent's is a little larger, since the parse of its
# share is the first thing every worker waits for (1.0-1.2 measured alike on defconfig).
_PARENT_SHARE = 1.1

_Job = tuple[list[tuple[str, str, int, int]], Layout, set[str]]


def _parse_part(job: _Job) -> tuple[Index, dict[str, cache.CmdEntry], set[str]]:
    """A worker's share of a cold load, interned into an index of its own."""
    chunk, layout, known = job
    norm = PathNormaliser(layout.objtree, layout.srctree)
    index = Index()
    ids = _Ids(norm, _StampNames(known), index)
    entries = {
        rel: _load_cmd(rel, path, size, mtime, ids, index, True) for rel, path, size, mtime in chunk
    }
    return index, entries, norm.in_objtree


@dataclass
class _Part:
    """A worker's share in the parent's ids: the names the parent lacks (they take the
    ids after its own, in this order), the records and the users they give as packed
    columns (:meth:`Index.__getstate__`), and the ``.cmd`` entries."""

    new_names: list[str]
    columns: dict[str, Any]
    entries: dict[str, cache.CmdEntry]
    generated: set[str]


def _in_parent_ids(
    index: Index, entries: dict[str, cache.CmdEntry], generated: set[str], names: list[str]
) -> _Part:
    """A worker's parsed share moved into the ids of the parent's ``names``, with the
    reverse index of its records built there: the worker does this while the parent
    indexes its own share, so the parent's part of the merge is a few list extends."""
    ids = dict(zip(names, range(len(names)), strict=True))
    new_names: list[str] = []
    remap: list[int] = []
    for name in index.names:
        found = ids.get(name)
        if found is None:
            found = len(names) + len(new_names)
            new_names.append(name)
        remap.append(found)
    get = remap.__getitem__
    moved = Index()
    moved.names = names + new_names  # UsersBuilder needs only their number
    for tid, record in index.records.items():
        record.deps = array("i", map(get, record.deps))
        record.stamps = array("i", map(get, record.stamps))
        record.inputs = array("i", map(get, record.inputs))
        record.source = remap[record.source] if record.source >= 0 else -1
        moved.records[remap[tid]] = record
    users = UsersBuilder(moved)
    users.add_rest()
    users.finish()
    columns = moved.__getstate__()
    del columns["names"]
    entries = {
        rel: entry._replace(target=remap[entry.target]) if entry.target >= 0 else entry
        for rel, entry in entries.items()
    }
    return _Part(new_names, columns, entries, generated)


def _worker(conn: Connection, job: _Job) -> None:
    """A worker process: parse a share; then, sent the parent's names once the parent is
    ready for this share, move it into the parent's ids and send it back."""
    try:
        index, entries, generated = _parse_part(job)
        names = conn.recv()
        conn.send(_in_parent_ids(index, entries, generated, names))
    finally:
        conn.close()


def _parse_in_workers(
    cmds: list[tuple[str, str, int, int]],
    layout: Layout,
    known: set[str],
    workers: int,
    state: cache.State,
    norm: PathNormaliser,
    progress: Progress | None,
    users: UsersBuilder,
) -> None:
    """Parse a cold tree's ``.cmd`` files in ``workers`` processes, this one included
    (parsing is most of a cold load, and pure). This process parses the first share
    straight into its index, then sends its names to the first worker and indexes the
    users of its own share while that worker moves its share into those ids (and indexes
    its users there); the next worker is sent the names after that, and so on, so ids,
    and the cache, come out the same every time. A worker that cannot be started or
    dies has its share parsed here."""
    import multiprocessing

    index = state.index
    ids = _Ids(norm, _StampNames(known), index)
    cuts = _shares(cmds, workers)
    own = cuts[0]
    ends = [*cuts[1:], len(cmds)]
    jobs: list[_Job] = [
        (cmds[start:end], layout, known) for start, end in zip(cuts, ends, strict=True)
    ]
    done = 0
    started: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    try:
        context = multiprocessing.get_context("fork")
        for job in jobs:
            mine, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, job), daemon=True)
            process.start()
            theirs.close()
            started.append((process, mine))
    except (OSError, ValueError):
        pass

    def read_here(chunk: Iterable[tuple[str, str, int, int]]) -> None:
        nonlocal done
        for rel, path, size, mtime in chunk:
            state.entries[rel] = _load_cmd(rel, path, size, mtime, ids, index, True)
            done += 1
            if progress is not None and done % 64 == 0:
                progress(done, len(cmds))

    try:
        read_here([*cmds[:own], *_unstarted(jobs, len(started))])
        own_tids = [e.target for e in state.entries.values() if e.target >= 0]
        for number, ((_, conn), job) in enumerate(zip(started, jobs, strict=False)):
            # The names go out from a thread: a large send blocks until the worker has
            # parsed its share and reads it, and this process has its own users to index.
            sender = threading.Thread(target=_send, args=(conn, list(index.names)), daemon=True)
            sender.start()
            if number == 0:
                users.add(own_tids)
            part = _receive(conn)
            sender.join()
            if part is None:  # the worker died: its share is read here
                read_here(job[0])
            else:
                _merge_part(index, state, users, part)
                norm.in_objtree.update(part.generated)
                done += len(job[0])
            if progress is not None:
                progress(done, len(cmds))
    finally:
        for process, conn in started:
            conn.close()
            if process.is_alive():
                process.terminate()
            process.join()


def _shares(cmds: list[tuple[str, str, int, int]], workers: int) -> list[int]:
    """Where the shares of ``workers`` processes begin (after this process's, which
    begins at 0), cut by bytes, which is what parsing costs (a kernel's ``.cmd`` files
    run from a few hundred bytes to a megabyte): this process's share weighs
    :data:`_PARENT_SHARE` times a worker's."""
    total = sum(c[2] for c in cmds) or 1
    weights = [_PARENT_SHARE] + [1.0] * (workers - 1)
    unit = total / sum(weights)
    goal, cuts, done = 0.0, [], 0
    position = 0
    for weight in weights[:-1]:
        goal += unit * weight
        while position < len(cmds) and done + cmds[position][2] / 2 < goal:
            done += cmds[position][2]
            position += 1
        cuts.append(position)
    return cuts


def _unstarted(jobs: list[_Job], started: int) -> Iterator[tuple[str, str, int, int]]:
    for chunk, _, _ in jobs[started:]:
        yield from chunk


def _send(conn: Connection, names: list[str]) -> None:
    with suppress(OSError):  # the worker died: _receive says so
        conn.send(names)


def _receive(conn: Connection) -> _Part | None:
    try:
        part = conn.recv()
    except (EOFError, OSError):
        return None
    return part if isinstance(part, _Part) else None


def _merge_part(index: Index, state: cache.State, users: UsersBuilder, part: _Part) -> None:
    """Take a worker's share, already in this index's ids."""
    base = len(index.names)
    for name in part.new_names:
        index.intern(name)
    if len(index.names) != base + len(part.new_names):
        raise AssertionError("a worker's names are not new to the parent")
    make = record_maker(part.columns)
    records = index.records
    for row, tid in enumerate(part.columns["tids"]):
        records[tid] = make(row)
    state.entries.update(part.entries)
    users.take(part.columns)


def _load_cmd(
    rel: str,
    path: str,
    size: int,
    mtime: int,
    ids: _Ids,
    index: Index,
    cold: bool = False,
) -> cache.CmdEntry:
    """Parse one ``.cmd`` file into the index; the entry remembers what it gave."""
    text = _read_text(path)
    if text is None:
        return cache.CmdEntry(size, mtime, -1, (Diagnostic(rel, 0, "cannot read file"),))
    grouped = parse_grouped(text, rel)
    first = read = None
    if grouped is not None:
        first = read_group(grouped[1][0])
        read = ids.groups(grouped[1][1:]) if first is not None else None
    if grouped is not None and first is not None and read is not None:
        record = grouped[0]
        all_deps, stamp_pairs = read
        source_stamps = first[1]
    else:  # not in fixdep's layout: the careful parser reads it and says what is wrong
        record, all_deps, stamp_pairs, source_stamps = parse_cmdfile(text, rel), None, [], []
    if not record.target:
        return cache.CmdEntry(size, mtime, -1, record.diagnostics)
    tid = ids.file(record.target)
    name = index.names[tid]
    source = ids.file(record.source) if record.source else -1
    if all_deps is None:  # the careful parser's record
        all_deps = ids.files(record.deps)
        if record.stamps:
            raws, positions = zip(*record.stamps, strict=True)
            # SOURCE_INDEX (-1: a stamp listed before the first file) belongs to the
            # source: with the source appended, index -1 picks it.
            assert SOURCE_INDEX == -1
            files = list(map([*all_deps, source].__getitem__, positions))
            symbols = ids.stamps(raws)
            stamp_pairs = [v for pair in zip(symbols, files, strict=True) for v in pair]
    elif source_stamps:
        firsts = [v for symbol in ids.stamps(source_stamps) for v in (symbol, source)]
        stamp_pairs = array("i", firsts) + stamp_pairs
    deps = all_deps if isinstance(all_deps, array) else array("i", all_deps)
    for dropped in ids.dropped:
        while dropped in deps:
            deps.remove(dropped)
    deps.extend(ids.files([p for p in record.extra_prereqs if not p.startswith("$")]))
    # A stamp listed under a source the file does not name (-1) has no file to go with.
    stamps = stamp_pairs if isinstance(stamp_pairs, array) else array("i", stamp_pairs)
    if source < 0 and -1 in stamps[1::2]:
        pairs = zip(stamps[0::2], stamps[1::2], strict=True)
        stamps = array("i", [v for pair in pairs if pair[1] >= 0 for v in pair])
    kind = _kind_of(name, source >= 0)
    # A link step's inputs are resolved once every file is read; a re-read keeps the
    # ones it had, so that a .cmd file rewritten as it was (make rewrites .bzImage.cmd
    # every time) changes nothing downstream.
    previous = None if cold else index.records.get(tid)
    inputs = previous.inputs if previous is not None else array("i")
    index.put(
        tid,
        Record(KIND_CODE[kind], rel, record.command, record.command_line, source, deps,
               stamps, inputs),
        index_users=not cold,
    )  # fmt: skip
    if is_compiled(kind, source >= 0):
        return cache.CmdEntry(size, mtime, tid, record.diagnostics)
    io = parse_command(record.command)
    return cache.CmdEntry(size, mtime, tid, record.diagnostics, io.candidates, io.response_files)


def _load_depfile(
    rel: str, path: str, size: int, mtime: int, norm: PathNormaliser, index: Index
) -> cache.CmdEntry:
    """A gcc depfile (``.foo.o.d``) that no ``.cmd`` file describes: a compile that
    stopped before fixdep converted it, or a make-based build outside kbuild's fixdep
    (``tools/``). Its command line is unknown."""
    head, base = os.path.split(path)
    # gcc -Wp,-MMD names the target after the source's basename, without its directory;
    # like fixdep, take it from the depfile's name: dir/.foo.o.d -> dir/foo.o.
    name = norm(os.path.join(head, base[1:-2]))
    output = os.path.join(head, base[1:-2])
    owned = index.ids.get(name)
    if not name.endswith(_OUTPUT_SUFFIXES) or (owned is not None and owned in index.records):
        return cache.CmdEntry(size, mtime, -1, ())  # e.g. .missing-syscalls.d (target "-")
    if not os.path.exists(output):
        # A compile that failed after the preprocessor wrote its depfile: make builds the
        # missing object whatever changes, so no change is its reason.
        return cache.CmdEntry(size, mtime, -1, ())
    text = _read_text(path) or ""
    depfile = parse_depfile(text, rel)
    prereqs = [norm(p) for p in depfile.all_prereqs]
    if not prereqs:
        return cache.CmdEntry(size, mtime, -1, depfile.diagnostics)
    source = prereqs[0] if prereqs[0].endswith(_SOURCE_SUFFIXES) else None
    deps = tuple(p for p in prereqs[1 if source else 0 :] if p not in DROPPED_DEPS)
    kind = _kind_of(name, source is not None)
    tid = index.add(Target(name, kind, rel, "", 0, source, deps, (), ()))
    return cache.CmdEntry(size, mtime, tid, depfile.diagnostics)


def _resolve_link_inputs(
    state: cache.State,
    norm: PathNormaliser,
    config: dict[str, str],
    diagnostics: list[Diagnostic],
    only: set[str] | None = None,
) -> bool:
    """Give every link-type target the inputs its command names: the candidates that are
    known targets or existing files, the members of ``@file`` response files, and the
    prerequisites only a Makefile names (:data:`depgraph.kbuild.MAKEFILE_PREREQS`).

    Done after all files are read, since a command may name a target read later.
    ``only`` limits it to the entries of those ``.cmd`` files. Returns whether any
    target's inputs changed."""
    index = state.index
    targets = TargetsView(index)
    moved = False
    for rel, entry in state.entries.items():
        if only is not None and rel not in only:
            continue
        if entry.target < 0 or entry.target not in index.records:
            continue
        record = index.records[entry.target]
        if is_compiled(KINDS[record.kind], record.source >= 0):
            continue  # its prerequisites are its source_ and deps_ lists
        target = index.target(entry.target)
        inputs = _link_inputs(
            target, entry.candidates, entry.responses, targets, norm, diagnostics, config
        )
        if inputs != target.inputs:
            target.inputs = inputs
            index.add(target)
            moved = True
    return moved


def _module_objects(layout: Layout, norm: PathNormaliser) -> set[str] | None:
    """The module objects the top-level ``modules.order`` lists (6.x lists ``.o``
    files; older kernels list ``.ko``), or None when the tree has none."""
    text = _read_text(os.path.join(layout.scan, "modules.order"))
    if text is None:
        return None
    found: set[str] = set()
    for word in text.split():
        if word.endswith(".ko"):
            word = word[:-3] + ".o"
        found.add(norm(word if word.startswith("/") else word.removeprefix("kernel/")))
    return found


def _stale_targets(index: Index, module_objects: set[str] | None) -> set[int]:
    """Targets left behind by an earlier configuration: kbuild never deletes the objects,
    ``.cmd`` files and modules of code that was switched off, but make no longer visits
    them, so touching their headers rebuilds nothing.

    A target is live when it leads to a root: a target nothing reads that is a product
    (``vmlinux``, the boot image, a host tool, a generated file), a module that
    ``modules.order`` lists, or an object a script links (``init/version-timestamp.o``).
    An archive or object that nothing reads is no root when the step that would collect
    it exists and leaves it out; in a half-built tree, where that step has not run yet,
    it is one. A module missing from ``modules.order`` is no root."""
    records, names = index.records, index.names
    target_names = {names[t] for t in records}
    roots: list[int] = []
    for tid, record in records.items():
        if tid in index.users:
            continue
        name = names[tid]
        kind = KINDS[record.kind]
        collected = kind in (NodeKind.ARCHIVE, NodeKind.OBJECT)
        if collected and name not in LINKED_BY_SCRIPT and _collector_exists(name, target_names):
            continue
        listed = module_objects is None or name[: -len(".ko")] + ".o" in module_objects
        if kind is NodeKind.MODULE and not listed:
            continue
        roots.append(tid)
    target_ids = set(records)
    live = set(roots)
    stack = roots
    while stack:
        record = records[stack.pop()]
        # Only target-to-target edges matter; the set intersection runs in C over the
        # millions of dependency entries of a large tree.
        found = target_ids.intersection(record.deps)
        found.update(i for i in record.inputs if i in target_ids)
        if record.source in target_ids:
            found.add(record.source)
        for item in found - live:
            live.add(item)
            stack.append(item)
    return target_ids - live


def _collector_exists(name: str, targets: set[str]) -> bool:
    """Whether the step that takes ``name`` in was run: its directory's ``built-in.a``,
    ``lib.a`` or ``modules.order`` for an object, the parent directory's ``built-in.a``
    (``vmlinux.a`` at the top) for an archive (scripts/Makefile.build)."""
    directory, _, base = name.rpartition("/")
    if base.endswith(".a"):
        if not directory:
            return "vmlinux.a" in targets
        parent = directory.rpartition("/")[0]
        return (f"{parent}/built-in.a" if parent else "built-in.a") in targets
    prefix = f"{directory}/" if directory else ""
    return any(prefix + c in targets for c in ("built-in.a", "lib.a", "modules.order"))


def _link_inputs(
    target: Target,
    candidates: tuple[str, ...],
    responses: tuple[str, ...],
    targets: TargetsView,
    norm: PathNormaliser,
    diagnostics: list[Diagnostic],
    config: dict[str, str],
) -> tuple[str, ...]:
    """The files a link-type command reads: the candidates that name a known target or an
    existing file, plus the members of ``@file`` response files (``foo.mod``)."""
    if target.name.endswith(".mod"):
        # scripts/Makefile.build: "$(obj)/%.mod: FORCE" — redone only when its command
        # (the member list) changes, never because a member was rebuilt.
        return ()
    found: list[str] = []
    written = ALSO_WRITTEN.get(target.name, ())
    for raw in candidates:
        ident = norm(raw)
        if ident == target.name or ident == "." or ident in written:
            continue
        if ident in targets or any(os.path.isfile(p) for p in norm.absolute_candidates(ident)):
            found.append(ident)
    for raw in responses:
        ident = norm(raw)
        text = _read_text(norm.absolute_candidates(ident)[0])
        if text is None:
            diagnostics.append(
                Diagnostic(target.cmd_file, target.command_line, f"cannot read @{raw}")
            )
            continue
        found.extend(norm(word) for word in text.split())
    for extra, condition in MAKEFILE_PREREQS.get(target.name, ()):
        if condition is None or config.get(condition, "n") != "n":
            if extra.startswith("*"):
                found.extend(t for t in targets if t.endswith(extra[1:]))
            elif extra in targets:
                found.append(extra)
    return tuple(dict.fromkeys(found))


_SCANS_WORTH_LOADING = 200  # files read in one run before stored scans are worth loading


class SourceReader:
    """Reads and scans the text of files by id, once each: the include lines and
    ``CONFIG_`` mentions that explain a rebuild.

    With ``cache_dir``, scans are kept between runs, each checked against its file's size
    and mtime. The stored scans are loaded only once a run has had to read
    :data:`_SCANS_WORTH_LOADING` files itself: a question about a leaf header reads a
    handful, and loading scans of thousands would cost it more than it saves."""

    def __init__(self, layout: Layout, cache_dir: str | None = None) -> None:
        self._norm = PathNormaliser(layout.objtree, layout.srctree)
        self._layout = layout
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
                st = os.stat(path)
            except OSError:
                continue
            kept = self._fresh.get(ident) or (self._stored or {}).get(ident)
            if kept is not None and kept[:2] == (st.st_size, st.st_mtime_ns):
                return kept, ""
            self._reads += 1
            return (st.st_size, st.st_mtime_ns, None, None), _read_text(path) or ""
        return (-1, -1, (), ()), ""

    def includes(self, ident: str) -> tuple[Include, ...]:
        found = self._includes.get(ident)
        if found is None:
            scan, text = self._scan_of(ident)
            if scan[2] is None:
                found = scan_includes(text or self._text(ident))
                scan = (scan[0], scan[1], tuple((i.name, i.quoted, i.line) for i in found),
                        scan[3])  # fmt: skip
                self._fresh[ident] = scan
            else:
                found = tuple(Include(*i) for i in scan[2])
            self._includes[ident] = found
        return found

    def mentions(self, ident: str) -> tuple[Mention, ...]:
        found = self._mentions.get(ident)
        if found is None:
            scan, text = self._scan_of(ident)
            if scan[3] is None:
                found = scan_config_mentions(text or self._text(ident))
                scan = (scan[0], scan[1], scan[2],
                        tuple((m.symbol, m.line, m.text) for m in found))  # fmt: skip
                self._fresh[ident] = scan
            else:
                found = tuple(Mention(*m) for m in scan[3])
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
            text = _read_text(path)
            if text is not None:
                return text
        return ""

    def exists(self, ident: str) -> bool:
        return any(os.path.exists(p) for p in self._norm.absolute_candidates(ident))

    def ident(self, path: str, cwd: str) -> str:
        """The id of a path a user typed: absolute, relative to ``cwd`` if it exists
        there, else taken as relative to the trees."""
        if path.startswith("/"):
            return self._norm.from_absolute(path)
        here = os.path.join(cwd, path)
        if os.path.exists(here):
            return self._norm.from_absolute(os.path.abspath(here))
        if self._layout.kind == "M=":
            # An external module's own files keep their absolute ids (see depgraph.kbuild.paths).
            in_module = os.path.join(self._layout.scan, path)
            if os.path.exists(in_module):
                return self._norm.from_absolute(in_module)
        return os.path.normpath(path)


class FileTimes:
    """The mtimes of files by id, as make sees them (nanoseconds; ``-1``: no such file),
    for :func:`depgraph.status.stale_now`. One instance is one look at the disk: each
    file is stat()ed once."""

    def __init__(self, layout: Layout) -> None:
        self._norm = PathNormaliser(layout.objtree, layout.srctree)
        self._objtree = layout.objtree
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

    @staticmethod
    def _stat(paths: Iterable[str]) -> int:
        for path in paths:
            try:
                return os.stat(path).st_mtime_ns
            except OSError:
                continue
        return -1


def config_pending(objtree: str) -> bool:
    """Whether ``.config`` is newer than ``include/config/auto.conf``: the next make
    runs syncconfig first (the Makefile's ``include/config/auto.conf: .config`` rule)."""
    objtree_config = os.path.join(objtree, ".config")
    return _mtime(objtree_config) > _mtime(os.path.join(objtree, "include/config/auto.conf"))


__all__ = [
    "FileTimes",
    "config_pending",
    "Layout",
    "LoadError",
    "SourceReader",
    "load_tree",
    "locate",
    "read_config",
]
