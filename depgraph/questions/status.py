"""What a ``make`` of the tree would redo right now, and every reason why.

Judged from the files' mtimes exactly as make and kbuild judge them
(``shared/kbuild-notes.md``, "Four ways kbuild decides to rebuild"):

* a target that does not exist is made (V=2: ``- due to target missing``);
* a target with a prerequisite newer than itself is remade: its source, each file of its
  ``deps_`` list, each config stamp ``include/config/FOO`` the list names through
  ``$(wildcard …)``, each input of a link-type command (V=2: ``- due to: A B``);
* a file of a ``deps_`` list that is gone changes nothing: the ``.cmd`` file's empty
  rule ``$(deps_foo.o):`` makes make run the target's recipe, but a missing file is not
  in ``$?``, so ``if_changed`` finds no newer prerequisite and does nothing (checked
  with ``make -d`` on sample_tree); a missing *target* is made, and what lists it
  follows by the cascade;
* when ``.config`` is newer than ``include/config/auto.conf``, syncconfig runs first and
  touches the stamps of the symbols whose value changed;
* whatever is remade makes what reads it remade in turn, up to ``vmlinux`` and the
  modules (:class:`depgraph.questions.why.Cascade`, the same rules as ``why-rebuild``).

Each reason is marked with whether ``make V=2`` would print it: V=2 prints one line a
target, ``target missing`` or the list of newer prerequisites (never an include chain).

Not judged here (so not reported): a changed command line with unchanged files (a flag
set in a Makefile edit), and objects a ``.config`` edit adds or drops (the Makefiles'
``obj-$(CONFIG_…)`` lists).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from depgraph.kbuild.facts import LINKED_BY_SCRIPT
from depgraph.model import BuildTree, NodeKind, ReasonKind
from depgraph.parse.config import changed_values
from depgraph.questions.exports import pending_exports
from depgraph.questions.makechange import Unknown
from depgraph.questions.nextmake import plan
from depgraph.questions.pending import (
    edited_makefiles,
    global_makefiles,
    pending_seeds,
    unevaluated_makefiles,
)
from depgraph.questions.why import Cascade, Reason
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.index import StampSeq
from depgraph.tree.sources import FileTimes, SourceReader
from depgraph.tree.workspace import Look

MISSING = -1  # the mtime of a file that does not exist
CONFIG, AUTO_CONF = ".config", "include/config/auto.conf"  # objtree ids
PENDING = 1 << 62  # the mtime of a stamp syncconfig is about to touch: newer than anything


@dataclass(frozen=True, slots=True)
class StaleTarget:
    """A target make would redo now. ``kbuild[i]`` says whether ``make V=2`` prints
    ``reasons[i]`` (it prints ``target missing``, else the newer prerequisites)."""

    target: str
    kind: NodeKind
    reasons: tuple[Reason, ...]
    kbuild: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class Status:
    """Every target make would redo now, in build order (compiled objects first), the
    symbols whose stamps syncconfig will touch first (``symbol -> (old, new)``), notes, and
    what could not be evaluated (then make may redo more)."""

    stale: tuple[StaleTarget, ...]
    config: Mapping[str, tuple[str, str]]
    notes: tuple[str, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    kconfig_edited: tuple[str, ...] = ()  # Kconfig files newer than auto.conf

    @property
    def names(self) -> frozenset[str]:
        return frozenset(item.target for item in self.stale)


def stale_now(
    tree: BuildTree,
    times: FileTimes,
    text: SourceReader,
    pending: Mapping[str, tuple[str, str]] | None = None,
    seeds: Sequence[Callable[[Cascade], None]] = (),
) -> Status:
    """Every target a ``make`` of ``tree`` would redo now, with all its reasons.

    ``seeds`` add what the pending edits do besides the files' mtimes (a pending
    configuration's or Makefile edit's new, dropped and switched objects and changed
    command lines): their targets are redone first, and what they retire is not redone
    for its mtimes.

    ``pending`` holds the symbols syncconfig is about to touch, their stamps newer than
    every target. By default, when ``.config`` is newer than ``include/config/auto.conf``
    (as make would run syncconfig), the symbols whose value differs between the two as
    written (:func:`depgraph.parse.config.changed_values`; the CLI passes them as the
    tree's own Kconfig resolves them, :meth:`depgraph.tree.workspace.Workspace.pending_config`)."""
    if pending is None:
        pending = {}
        edited = times.mtimes([CONFIG, AUTO_CONF])
        if edited[CONFIG] > edited[AUTO_CONF]:
            pending = changed_values(tree.auto_conf, tree.config)
    cascade = Cascade(tree, text)
    for seed in seeds:
        seed(cascade)
    targets = tree.targets
    # Live: what make visits; a leftover of an earlier build that the edits list again is
    # visited too (revived by a seed), and remade if its own files are newer.
    live = [
        name
        for name in sorted(targets)
        if name not in LINKED_BY_SCRIPT and (name not in tree.stale or cascade.known(name))
    ]
    listed = {name: targets[name].prerequisites() for name in live}
    files: set[str] = set(live)
    for prerequisites in listed.values():
        files.update(prerequisites)
    mtime = times.mtimes(files)
    stamps_of = {name: list(_symbols(targets[name].stamps)) for name in live}
    symbols = {symbol for listed_symbols in stamps_of.values() for symbol in listed_symbols}
    stamp_time = times.stamps(symbols)
    stamp_time.update((symbol, PENDING) for symbol in pending if symbol in stamp_time)

    missing: set[str] = set()
    sources_edited: list[tuple[str, str]] = []
    for name in live:
        if seeds and not cascade.known(name):
            continue  # no longer built: make does not look at it
        own_time = mtime[name]
        if own_time == MISSING:
            missing.add(name)
            cascade.redo(name, Reason(ReasonKind.MISSING, name))
            continue
        target = targets[name]
        prerequisites = listed[name]
        times_of = list(map(mtime.__getitem__, prerequisites))
        if max(times_of, default=MISSING) > own_time:
            for prerequisite, when in zip(prerequisites, times_of, strict=True):
                if when > own_time:
                    cascade.redo(name, cascade.reason(target, prerequisite))
                    if prerequisite == target.source and target.compiled:
                        sources_edited.append((name, prerequisite))
        own_symbols = stamps_of[name]
        if max(map(stamp_time.__getitem__, own_symbols), default=MISSING) > own_time:
            for symbol in own_symbols:
                if stamp_time[symbol] > own_time:
                    cascade.redo(name, cascade.reason(target, symbol, True))

    next_config = {**tree.auto_conf, **{symbol: new for symbol, (_, new) in pending.items()}}
    doubts = pending_exports(cascade, sources_edited, text.data, next_config)
    answer = cascade.answer(())
    stale = tuple(
        StaleTarget(
            item.target,
            item.kind,
            item.reasons,
            tuple(
                (reason.kind == ReasonKind.MISSING) if item.target in missing else True
                for reason in item.reasons
            ),
        )
        for item in (*answer.compile, *answer.link)
    )
    return Status(stale, dict(pending), answer.notes, tuple(doubts))


def _symbols(stamps: StampSeq | Iterable[tuple[str, str]]) -> Iterable[str]:
    if isinstance(stamps, StampSeq):
        return stamps.symbols()
    return (symbol for symbol, _ in stamps)


def status_of(seen: Look, fs: FileSystem = REAL) -> Status:
    """The status of one look at the tree (:meth:`depgraph.tree.workspace.Workspace.look`):
    what ``depgraph status`` prints and watch mode compares. A pending configuration is
    followed through the Makefiles as ``why-rebuild --config`` follows it
    (:func:`depgraph.questions.nextmake.plan`), and Makefiles edited since the targets
    they govern were built are evaluated (:mod:`depgraph.questions.pending`)."""
    from depgraph.tree.conf import recorded_env

    tree = seen.tree
    seeds: list[Callable[[Cascade], None]] = []
    notes: list[list[str]] = []  # filled as the seeds run
    unknown: list[list[Unknown]] = []
    values = seen.pending.values if seen.pending.values is not None else tree.auto_conf
    if seen.pending.values is not None:
        worked = plan(tree, values=seen.pending.values, fs=fs)
        seeds.append(worked.seed)
        notes.append(worked.notes)
        unknown.append(worked.unknown)
    live = [name for name in tree.targets if name not in tree.stale]
    mtimes = seen.times.mtimes(live)
    edited = edited_makefiles(tree, fs, mtimes)
    srcarch = recorded_env(tree.objtree, fs).get("SRCARCH")
    unknown.append(
        unevaluated_makefiles(tree, fs, mtimes, everywhere=global_makefiles(tree, fs, srcarch))
    )
    if edited:
        more_notes, doubts, seed = pending_seeds(tree, fs, values, srcarch, mtimes, edited)
        seeds.append(seed)
        notes.append(more_notes)
        unknown.append(doubts)
    status = stale_now(tree, seen.times, seen.reader, seen.pending.changed, seeds)
    return replace(
        status,
        notes=(*(n for found in notes for n in found), *status.notes),
        unknown=(*(u for found in unknown for u in found), *status.unknown),
        kconfig_edited=seen.pending.kconfig_edited,
    )
