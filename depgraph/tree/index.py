"""The compact form of a loaded tree: interned ids, integer arrays, a reverse index.

A defconfig tree holds about 3.8 million dependency entries over some 30,000 distinct
files. As Python tuples of strings they cost hundreds of megabytes and seconds to build
or unpickle; as ``array('i')`` of interned ids they cost 4 bytes an entry and load from a
cache as raw bytes (the idea of ninja's deps log). The public model stays
:class:`~depgraph.model.Target` objects with string ids: :class:`TargetsView` makes them
on access, so a query pays only for the targets it touches.

Pure data: no file system, no NetworkX.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from itertools import chain, filterfalse, repeat
from typing import Any, TypeVar

from depgraph.model import NodeKind, Target

KINDS = tuple(NodeKind)
_V = TypeVar("_V")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}


@dataclass(slots=True)
class Record:
    """One target in integer form. ``stamps`` interleaves (symbol id, file id) pairs."""

    kind: int
    cmd_file: str
    command: str
    command_line: int
    source: int  # -1: none
    deps: array[int]
    stamps: array[int]
    inputs: array[int]


def _pack(arrays: Iterable[array[int] | list[int]]) -> tuple[array[int], array[int]]:
    """Arrays as one flat array and the offsets between them."""
    offsets = array("q", [0])
    flat = array("i")
    for item in arrays:
        if type(item) is list:
            flat.fromlist(item)  # twice as fast as extend() for a list
        else:
            flat.extend(item)
        offsets.append(len(flat))
    return offsets, flat


def _ints(ids: array[int] | memoryview) -> array[int]:
    """A slice of a column as an array of its own."""
    if isinstance(ids, array):
        return ids
    copy = array("i")
    copy.frombytes(ids.cast("B"))
    return copy


def record_maker(columns: Mapping[str, Any]) -> Callable[[int], Record]:
    """Row -> :class:`Record` of the packed columns of :meth:`Index.__getstate__`."""
    kinds, cmd_files, commands = columns["kinds"], columns["cmd_files"], columns["commands"]
    lines, sources = columns["lines"], columns["sources"]
    (deps_at, deps), (stamps_at, stamps), (inputs_at, inputs) = (
        columns["deps"],
        columns["stamps"],
        columns["inputs"],
    )

    def record(row: int) -> Record:
        return Record(
            kinds[row], cmd_files[row], commands[row], lines[row], sources[row],
            _ints(deps[deps_at[row] : deps_at[row + 1]]),
            _ints(stamps[stamps_at[row] : stamps_at[row + 1]]),
            _ints(inputs[inputs_at[row] : inputs_at[row + 1]]),
        )  # fmt: skip

    return record


def users_maker(columns: Mapping[str, Any]) -> Callable[[int], array[int]]:
    """Row -> users array of the packed columns of :meth:`Index.__getstate__`."""
    users_at, users = columns["users"]

    def users_of(row: int) -> array[int]:
        return _ints(users[users_at[row] : users_at[row + 1]])

    return users_of


class _Lazy(MutableMapping[int, _V]):
    """A mapping read from packed columns: each value is made on first access and kept
    (so the caller may change it in place); writes and deletions go to an overlay. A
    cache holds some 40,000 arrays: unpickled as objects they cost a tenth of a second
    at every start, as a handful of flat arrays next to nothing."""

    __slots__ = ("_rows", "_make", "_made", "_gone")

    def __init__(self, keys: Iterable[int] = (), make: Callable[[int], _V] | None = None) -> None:
        self._rows: dict[int, int] = {key: row for row, key in enumerate(keys)}
        self._make = make
        self._made: dict[int, _V] = {}
        self._gone: set[int] = set()

    def __getitem__(self, key: int) -> _V:
        found = self._made.get(key)
        if found is not None:
            return found
        row = self._rows.get(key)
        if row is None or key in self._gone or self._make is None:
            raise KeyError(key)
        found = self._made[key] = self._make(row)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._made or (key in self._rows and key not in self._gone)

    def __setitem__(self, key: int, value: _V) -> None:
        self._made[key] = value
        self._gone.discard(key)

    def __delitem__(self, key: int) -> None:
        if key not in self:
            raise KeyError(key)
        self._made.pop(key, None)
        if key in self._rows:
            self._gone.add(key)

    def __iter__(self) -> Iterator[int]:
        made, gone = self._made, self._gone
        rest = filterfalse(made.__contains__, self._rows)  # driven from C: 30,000 keys
        return chain(made, filterfalse(gone.__contains__, rest) if gone else rest)

    def __len__(self) -> int:
        extra = sum(1 for key in self._rows if key not in self._made and key not in self._gone)
        return len(self._made) + extra


class Index:
    """Interned names, target records and the reverse ``users`` index, all by id.
    Each users array is sorted by target id. Pickled as packed columns."""

    __slots__ = ("names", "ids", "records", "users")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self.records: MutableMapping[int, Record] = {}
        self.users: MutableMapping[int, array[int] | list[int]] = {}

    def __getstate__(self) -> dict[str, object]:
        tids = array("i", sorted(self.records))
        records = [self.records[tid] for tid in tids]
        used = array("i", sorted(self.users))
        return {
            "names": self.names,
            "tids": tids,
            "kinds": array("b", [r.kind for r in records]),
            "cmd_files": [r.cmd_file for r in records],
            "commands": [r.command for r in records],
            "lines": array("i", [r.command_line for r in records]),
            "sources": array("i", [r.source for r in records]),
            "deps": _pack(r.deps for r in records),
            "stamps": _pack(r.stamps for r in records),
            "inputs": _pack(r.inputs for r in records),
            "used": used,
            "users": _pack(self.users[u] for u in used),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """The columns may come back as arrays or as read-only views of a mapped cache
        file (:mod:`depgraph.tree.cache`): a record or users array is copied out on first
        access, so a query reads only the pages it needs."""
        self.names = state["names"]
        self.ids = dict(zip(self.names, range(len(self.names)), strict=True))
        self.records = _Lazy(state["tids"], record_maker(state))
        self.users = _Lazy(state["used"], users_maker(state))

    def intern(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found

    def add(self, target: Target, *, index_users: bool = True) -> int:
        """Store ``target`` (replacing any record of the same name) and index its users
        (a cold load passes ``index_users=False`` and builds the reverse index once, with a
        :class:`UsersBuilder`)."""
        intern = self.intern
        tid = intern(target.name)
        stamps = array("i")
        for symbol, via in target.stamps:
            stamps.append(intern(symbol))
            stamps.append(intern(via))
        record = Record(
            KIND_CODE[target.kind],
            target.cmd_file,
            target.command,
            target.command_line,
            intern(target.source) if target.source else -1,
            array("i", [intern(d) for d in target.deps]),
            stamps,
            array("i", [intern(i) for i in target.inputs]),
        )
        self.put(tid, record, index_users=index_users)
        return tid

    def put(self, tid: int, record: Record, *, index_users: bool = True) -> None:
        """Store a record already in integer form (the loader's fast path)."""
        if tid in self.records:
            self.remove(tid)
        self.records[tid] = record
        if not index_users:
            return
        for used in _used_ids(record):
            users = self.users.get(used)
            if users is None:
                self.users[used] = array("i", (tid,))
            else:
                insort(users, tid)

    def remove(self, tid: int) -> None:
        """Forget the record of target ``tid`` and its entries in the reverse index."""
        record = self.records.pop(tid, None)
        if record is None:
            return
        for used in set(_used_ids(record)):
            users = self.users.get(used)
            if users is None:
                continue
            # Users arrays are kept sorted, so this is a binary search (a header or a
            # symbol of kconfig.h has a user in every object).
            at = bisect_left(users, tid)
            while at < len(users) and users[at] == tid:
                del users[at]
            if not users:
                del self.users[used]

    def target(self, tid: int) -> Target:
        record = self.records[tid]
        names = self.names
        stamps = record.stamps
        return Target(
            name=names[tid],
            kind=KINDS[record.kind],
            cmd_file=record.cmd_file,
            command=record.command,
            command_line=record.command_line,
            source=names[record.source] if record.source >= 0 else None,
            deps=NameSeq(self, record.deps),
            stamps=StampSeq(self, stamps),
            inputs=tuple(names[i] for i in record.inputs),
        )


def _used_ids(record: Record) -> Iterator[int]:
    """What a target lists, in the order the users index records it: source, deps,
    inputs (its prerequisites), then the config symbols of its stamps."""
    if record.source >= 0:
        yield record.source
    yield from record.deps
    yield from record.inputs
    yield from record.stamps[0::2]


class NameSeq(Sequence[str]):
    """A target's dependency list as names, over its id array: nothing is made until it
    is read, and ``name in seq`` scans the array in C. A wide header's answer touches
    thousands of targets of hundreds of dependencies each."""

    __slots__ = ("_index", "ids")

    def __init__(self, index: Index, ids: array[int]) -> None:
        self._index = index
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def over(self, ids: Iterable[int]) -> NameSeq:
        """Another view over the same names (say, the union of several lists' ids)."""
        return NameSeq(self._index, array("i", ids))

    def __getitem__(self, position: int) -> str:  # type: ignore[override]
        return self._index.names[self.ids[position]]

    def __iter__(self) -> Iterator[str]:
        return map(self._index.names.__getitem__, self.ids)

    def __contains__(self, name: object) -> bool:
        tid = self._index.ids.get(name) if isinstance(name, str) else None
        return tid is not None and tid in self.ids

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"NameSeq({list(self)!r})"


class StampSeq(Sequence[tuple[str, str]]):
    """A target's ``(CONFIG_FOO, file listed under)`` pairs over the interleaved id
    array; made only when read."""

    __slots__ = ("_names", "_lookup", "_ids")

    def __init__(self, index: Index, ids: array[int]) -> None:
        self._names = index.names
        self._lookup = index.ids
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids) // 2

    def __getitem__(self, position: int) -> tuple[str, str]:  # type: ignore[override]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self._names[self._ids[2 * position]], self._names[self._ids[2 * position + 1]]

    def symbols(self) -> Iterator[str]:
        """The symbols alone, in order; the mapping runs in C."""
        return map(self._names.__getitem__, self._ids[0::2])

    def listed_under(self, symbol: str) -> str | None:
        """The file fixdep listed ``symbol``'s stamp under; the search runs in C."""
        symbol_id = self._lookup.get(symbol)
        if symbol_id is None:
            return None
        try:
            position = self._ids[0::2].index(symbol_id)
        except ValueError:
            return None
        return self._names[self._ids[2 * position + 1]]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        names = self._names
        ids = self._ids
        return ((names[ids[i]], names[ids[i + 1]]) for i in range(0, len(ids), 2))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))


class UsersBuilder:
    """Builds an index's reverse ``users`` index from scratch, in passes over sets of
    its records (a cold load indexes its own share while worker processes still parse
    theirs). Lists indexed by id, appended from C, then one sorted array each: cheaper
    than millions of dictionary look-ups."""

    __slots__ = ("_index", "_found", "_done", "_starts")

    def __init__(self, index: Index) -> None:
        self._index = index
        self._found: list[list[int]] = []
        self._done: dict[int, Record] = {}
        self._starts: list[list[int]] = []  # each list's length when a later pass began

    def add(self, tids: Iterable[int]) -> None:
        """Index the records of ``tids``."""
        found = self._found
        if self._done:
            self._starts.append(list(map(len, found)))
        found.extend([] for _ in range(len(self._index.names) - len(found)))
        lists = found.__getitem__
        records = self._index.records
        done = self._done
        for tid in sorted({tid for tid in tids if tid not in done}):
            # ascending: each pass appends a sorted run
            record = done[tid] = records[tid]
            if record.source >= 0:
                found[record.source].append(tid)
            tids_ = repeat(tid)
            # map() drives the appends from C: millions of entries on a large tree.
            for used in (record.deps, record.inputs, record.stamps[0::2]):
                deque(map(list.append, map(lists, used), tids_), maxlen=0)

    def take(self, columns: Mapping[str, Any]) -> None:
        """Take a pass another process made: the packed ``used`` and ``users`` columns of
        :meth:`Index.__getstate__`, in this index's ids, for the records of its ``tids``
        (which must be this index's records already)."""
        found = self._found
        if self._done:
            self._starts.append(list(map(len, found)))
        found.extend([] for _ in range(len(self._index.names) - len(found)))
        records = self._index.records
        self._done.update((tid, records[tid]) for tid in columns["tids"])
        at, flat = columns["users"]
        for row, used in enumerate(columns["used"]):
            found[used].extend(flat[at[row] : at[row + 1]])

    def add_rest(self) -> None:
        """Index the records no earlier pass did."""
        self.add(self._index.records)

    def finish(self) -> None:
        """Replace the index's reverse index with what the passes found."""
        records = self._index.records
        if any(records.get(tid) is not record for tid, record in self._done.items()):
            # A record indexed in an early pass was replaced since: start again.
            again = UsersBuilder(self._index)
            again.add_rest()
            again.finish()
            return
        found = self._found
        for starts in self._starts:  # a run out of order where two passes meet
            for used, at in enumerate(starts):
                users = found[used]
                if 0 < at < len(users) and users[at - 1] > users[at]:
                    users.sort()
        # Lists, not arrays: the conversion would cost a tenth of a second on a large
        # tree, and a list serves every reader and writer of ``users`` alike (the cache
        # packs them into flat arrays when it is written).
        self._index.users = {used: tids for used, tids in enumerate(found) if tids}


class TargetsView(Mapping[str, Target]):
    """``name -> Target`` over an :class:`Index`; each Target is made on first access
    and kept (a view is read-only: the index does not change under it)."""

    __slots__ = ("_index", "_made")

    def __init__(self, index: Index) -> None:
        self._index = index
        self._made: dict[str, Target] = {}

    def __getitem__(self, name: str) -> Target:
        made = self._made.get(name)
        if made is not None:
            return made
        tid = self._index.ids.get(name)
        if tid is None or tid not in self._index.records:
            raise KeyError(name)
        made = self._made[name] = self._index.target(tid)
        return made

    def __contains__(self, name: object) -> bool:
        tid = self._index.ids.get(name) if isinstance(name, str) else None
        return tid is not None and tid in self._index.records

    def __iter__(self) -> Iterator[str]:
        names = self._index.names
        return (names[tid] for tid in self._index.records)

    def __len__(self) -> int:
        return len(self._index.records)


class UsersView(Mapping[str, list[str]]):
    """``file id or CONFIG_ symbol -> names of the targets that list it``."""

    __slots__ = ("_index",)

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getitem__(self, name: str) -> list[str]:
        tid = self._index.ids.get(name)
        users = self._index.users.get(tid) if tid is not None else None
        if users is None:
            raise KeyError(name)
        names = self._index.names
        return [names[u] for u in users]

    def __contains__(self, name: object) -> bool:
        tid = self._index.ids.get(name) if isinstance(name, str) else None
        return tid is not None and tid in self._index.users

    def __iter__(self) -> Iterator[str]:
        return map(self._index.names.__getitem__, self._index.users)

    def __len__(self) -> int:
        return len(self._index.users)
