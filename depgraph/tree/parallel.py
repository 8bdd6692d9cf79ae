"""A cold load in several processes: parsing ``.cmd`` files is most of a cold load, and
pure, so worker processes parse shares of them while this one parses its own; each share
comes back in this process's ids, so ids (and the cache) are the same as a one-process
load's."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from depgraph.kbuild.paths import PathNormaliser
from depgraph.kbuild.targets import StampNames
from depgraph.tree import cache
from depgraph.tree.cmdfiles import Ids, load_cmd
from depgraph.tree.fs import FileSystem
from depgraph.tree.index import Index, UsersBuilder, record_maker
from depgraph.tree.layout import Layout

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Progress = Callable[[int, int], None]

PARALLEL_FROM = 2000  # .cmd files a cold load must read before a second process pays
MAX_WORKERS = 4
# The parent parses a share of its own while the workers parse theirs. A worker can move
# its share into the parent's ids only once it has the parent's names, so the shares are
# balanced for parsing alone; the parent's is a little larger, since the parse of its
# share is the first thing every worker waits for (1.0-1.2 measured alike on defconfig).
_PARENT_SHARE = 1.1

_Job = tuple[list[tuple[str, str, int, int]], Layout, set[str], FileSystem]


def _parse_part(job: _Job) -> tuple[Index, dict[str, cache.CmdEntry], set[str]]:
    """A worker's share of a cold load, interned into an index of its own."""
    chunk, layout, known, fs = job
    norm = PathNormaliser(layout.objtree, layout.srctree)
    index = Index()
    ids = Ids(norm, StampNames(known), index)
    entries = {
        rel: load_cmd(fs, rel, path, size, mtime, ids, index, True)
        for rel, path, size, mtime in chunk
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


def parse_in_workers(
    fs: FileSystem,
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
    ids = Ids(norm, StampNames(known), index)
    cuts = _shares(cmds, workers)
    own = cuts[0]
    ends = [*cuts[1:], len(cmds)]
    jobs: list[_Job] = [
        (cmds[start:end], layout, known, fs) for start, end in zip(cuts, ends, strict=True)
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
            state.entries[rel] = load_cmd(fs, rel, path, size, mtime, ids, index, True)
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
        for worker, conn in started:
            conn.close()
            if worker.is_alive():
                worker.terminate()
            worker.join()


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
    for chunk, _, _, _ in jobs[started:]:
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
