"""One ``.cmd`` file (or a depfile fixdep never converted) read into the index: its
target, source, dependency list and config stamps as interned ids."""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from operator import itemgetter

from depgraph.kbuild.facts import DROPPED_DEPS
from depgraph.kbuild.paths import PathNormaliser
from depgraph.kbuild.targets import StampNames, kind_of
from depgraph.model import Diagnostic, Target, is_compiled
from depgraph.parse.cmdfile import (
    SOURCE_INDEX,
    CmdFile,
    parse_cmdfile,
    parse_grouped,
    read_group,
)
from depgraph.parse.command import parse_command, tool_programs
from depgraph.parse.depfile import parse_depfile
from depgraph.tree import cache
from depgraph.tree.fs import FileSystem
from depgraph.tree.index import KIND_CODE, Index, Record

_SOURCE_SUFFIXES = (".c", ".S", ".s", ".cc", ".cpp", ".rs")
_OUTPUT_SUFFIXES = (".o", ".s", ".i", ".lds", ".so")


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class Ids:
    """Raw spellings -> index ids, memoised. A kernel repeats each header's spelling in
    thousands of ``.cmd`` files: ``map(dict.get, …)`` turns the repeats into lookups run
    from C, and only a first sighting pays for normalising and interning."""

    def __init__(self, norm: PathNormaliser, stamp_name: StampNames, index: Index) -> None:
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

    def groups(self, groups: list[str]) -> tuple[array[int], array[int]] | None:
        """The file ids and the flat (symbol, file) stamp pairs of the file groups of
        :func:`parse_grouped` (all but the first); None if one is not in fixdep's layout.
        Each distinct group is read once and kept as the bytes of its ids: the rest is
        one look-up a group and two byte joins, all run from C."""
        known = self._groups
        if not all(map(known.__contains__, groups)):
            for group in dict.fromkeys(groups):  # in file order: ids must not depend on str hashes
                if group in self._groups:
                    continue
                read = read_group(group)
                if read is None or not read[0]:
                    return None
                file = self.file(read[0])
                pairs = array("i", [v for symbol in self.stamps(read[1]) for v in (symbol, file)])
                self._groups[group] = (array("i", [file]).tobytes(), pairs.tobytes())
        got = list(map(known.__getitem__, groups))
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


def load_cmd(
    fs: FileSystem,
    rel: str,
    path: str,
    size: int,
    mtime: int,
    ids: Ids,
    index: Index,
    cold: bool = False,
) -> cache.CmdEntry:
    """Parse one ``.cmd`` file into the index; the entry remembers what it gave."""
    text = fs.text_or_none(path)
    if text is None:
        return cache.CmdEntry(size, mtime, -1, (Diagnostic(rel, 0, "cannot read file"),))
    fast = _in_fixdep_layout(text, rel, ids)
    # Not in fixdep's layout: the careful parser reads it and says what is wrong.
    record = fast[0] if fast is not None else parse_cmdfile(text, rel)
    if not record.target:
        return cache.CmdEntry(size, mtime, -1, record.diagnostics)
    tid = ids.file(record.target)
    name = index.names[tid]
    source = ids.file(record.source) if record.source else -1
    if fast is not None:
        _, deps, stamps, source_stamps = fast
        if source_stamps:
            firsts = [v for symbol in ids.stamps(source_stamps) for v in (symbol, source)]
            stamps = array("i", firsts) + stamps
    else:
        deps, stamps = _careful_lists(record, ids, source)
    for dropped in ids.dropped:
        while dropped in deps:
            deps.remove(dropped)
    deps.extend(ids.files([p for p in record.extra_prereqs if not p.startswith("$")]))
    # A stamp listed under a source the file does not name (-1) has no file to go with.
    if source < 0 and -1 in stamps[1::2]:
        pairs = zip(stamps[0::2], stamps[1::2], strict=True)
        stamps = array("i", [v for pair in pairs if pair[1] >= 0 for v in pair])
    kind = kind_of(name, source >= 0)
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
        tools = tool_programs(record.command)
        return cache.CmdEntry(size, mtime, tid, record.diagnostics, tools)
    io = parse_command(record.command)
    return cache.CmdEntry(size, mtime, tid, record.diagnostics, io.candidates, io.response_files)


def _in_fixdep_layout(
    text: str, rel: str, ids: Ids
) -> tuple[CmdFile, array[int], array[int], list[str]] | None:
    """The fast read of a ``.cmd`` file in fixdep's layout: its record, dependency ids,
    (symbol, file) stamp pairs and the source's own stamps; None when it is not in that
    layout."""
    grouped = parse_grouped(text, rel)
    if grouped is None:
        return None
    record, groups = grouped
    first = read_group(groups[0])
    if first is None:
        return None
    read = ids.groups(groups[1:])
    if read is None:
        return None
    return record, read[0], read[1], first[1]


def _careful_lists(record: CmdFile, ids: Ids, source: int) -> tuple[array[int], array[int]]:
    """The dependency ids and (symbol, file) stamp pairs of the careful parser's record."""
    deps = array("i", ids.files(record.deps))
    stamps = array("i")
    if record.stamps:
        raws, positions = zip(*record.stamps, strict=True)
        # SOURCE_INDEX (-1: a stamp listed before the first file) belongs to the source:
        # with the source appended, index -1 picks it.
        assert SOURCE_INDEX == -1
        files = list(map([*deps, source].__getitem__, positions))
        pairs = zip(ids.stamps(raws), files, strict=True)
        stamps = array("i", [v for pair in pairs for v in pair])
    return deps, stamps


def load_depfile(
    fs: FileSystem,
    rel: str,
    path: str,
    size: int,
    mtime: int,
    norm: PathNormaliser,
    index: Index,
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
    if not fs.exists(output):
        # A compile that failed after the preprocessor wrote its depfile: make builds the
        # missing object whatever changes, so no change is its reason.
        return cache.CmdEntry(size, mtime, -1, ())
    text = fs.text_or_none(path) or ""
    depfile = parse_depfile(text, rel)
    prereqs = [norm(p) for p in depfile.all_prereqs]
    if not prereqs:
        return cache.CmdEntry(size, mtime, -1, depfile.diagnostics)
    source = prereqs[0] if prereqs[0].endswith(_SOURCE_SUFFIXES) else None
    deps = tuple(p for p in prereqs[1 if source else 0 :] if p not in DROPPED_DEPS)
    kind = kind_of(name, source is not None)
    tid = index.add(Target(name, kind, rel, "", 0, source, deps, (), ()))
    return cache.CmdEntry(size, mtime, tid, depfile.diagnostics)
