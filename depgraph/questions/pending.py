"""Makefile edits pending in a tree: what the next make does because a kbuild Makefile
changed after the targets it governs were built (``depgraph status``).

make reads every Makefile on every run, so an edited Makefile reaches targets in two ways
(``shared/kbuild-notes.md``, rules 3 and 4):

* **Membership.** The directories' lists are evaluated as they are now
  (:func:`depgraph.tree.makefiles.built_objects`) and compared with what the tree built:
  an object listed now with no target is made ("target missing") and its archive relinks;
  a live object no longer listed leaves its archive, which relinks; a module likewise.
* **Command lines.** ``if_changed`` compares the command it computes now with
  ``savedcmd_``. The part of a compile command a directory's Makefiles decide (the
  inputs :mod:`depgraph.questions.makechange` compares: ``subdir-ccflags-y`` of the
  directories above, ``ccflags-y``, ``CFLAGS_foo.o``, …) is computed from the Makefiles
  as they are now; the rest of the command (``KBUILD_CFLAGS`` of the top Makefile, which
  no Makefile of a directory decides) is the same in every object of the tree, and is
  learnt from objects whose Makefiles did not change since they were built. An object
  whose saved command holds other words than those two parts has a command that changes.

Only Makefiles newer than a target they govern are looked at. What cannot be told (a
flag value that cannot be expanded, a directory that sets its own ``KBUILD_CFLAGS`` from
one that cannot be expanded, a rule or recipe) is reported. So is an edit, since the last
make, of a Makefile whose flags are not evaluated (:func:`unevaluated_makefiles`): the top
Makefile, the arch one, kbuild's own, and the Makefile of a directory built by an explicit
rule (the boot image). The last make is known by a file every kbuild run writes
(:data:`LAST_MAKE`); without it, every such Makefile newer than a target it reaches is
reported.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from depgraph.kbuild.paths import PathNormaliser
from depgraph.model import BuildTree, ReasonKind, Target
from depgraph.questions.configchange import seed_objects
from depgraph.questions.makechange import (
    Unknown,
    device_trees,
    inputs_of,
    kernel_objects,
    outside_lists,
    tree_kind,
)
from depgraph.questions.why import Cascade, Reason
from depgraph.tree.fs import FileSystem
from depgraph.tree.layout import kbuild_file
from depgraph.tree.makefiles import (
    BuiltDiff,
    BuiltObjects,
    ObjectChange,
    built_objects,
)

_REFERENCES = 40  # objects whose commands teach the part no directory's Makefile decides
_PER_DIRECTORY = 3  # of them from one directory at most: spread over the tree
_ANCHORS = ("-DKBUILD_MODFILE=", "-DKBUILD_BASENAME=", "-DMODULE")
# written by every kbuild run of a kernel (the top Kbuild's missing-syscalls check, FORCE)
LAST_MAKE = ".missing-syscalls.d"
# kbuild's own Makefiles that a plain build does not read
_NOT_BUILDING = ("clean", "package", "modinst", "headersinst", "dtbinst", "vdsoinst",
                 "defconf", "um", "asm-headers", "userprogs")  # fmt: skip


def _chain(directory: str) -> list[str]:
    """The directory and every directory above it, the top (``.``) first."""
    if directory in ("", "."):
        return ["."]
    parts = directory.split("/")
    return [".", *("/".join(parts[: i + 1]) for i in range(len(parts)))]


def edited_makefiles(tree: BuildTree, fs: FileSystem, mtimes: Mapping[str, int]) -> dict[str, int]:
    """The kbuild Makefiles (srctree-relative) that are newer than a live target of the
    directory they govern (their own, or one below them), with their mtimes; not those
    edited before the last make (:func:`last_make`), which compared every command they
    reach and redid what changed: a Makefile saved again as it was (a patch applied and
    reverted, a branch checked out and back) leaves its objects older than itself."""
    since = last_make(tree, fs)
    oldest: dict[str, int] = {}
    for name in tree.targets:
        if name in tree.stale or name.startswith("/"):
            continue
        when = mtimes.get(name, -1)
        if when < 0:
            continue
        directory = posixpath.dirname(name) or "."
        for above in _chain(directory):
            if when < oldest.get(above, when + 1):
                oldest[above] = when
    found: dict[str, int] = {}
    for directory, when in oldest.items():
        file = kbuild_file(fs, tree.srctree, directory)
        if file is None:
            continue
        makefile, edited = file
        if edited > when and edited > since:
            found[makefile] = edited
    return found


def pending_seeds(
    tree: BuildTree,
    fs: FileSystem,
    values: Mapping[str, str],
    srcarch: str | None,
    mtimes: Mapping[str, int],
    edited: Mapping[str, int],
) -> tuple[list[str], list[Unknown], Callable[[Cascade], None]]:
    """What the ``edited`` Makefiles make the next make redo: a seed for a cascade (and
    its notes, and what could not be told)."""
    new = built_objects(tree.srctree, values, srcarch=srcarch, fs=fs)
    directories = {posixpath.dirname(m) or "." for m in edited}
    unknown: list[Unknown] = []
    notes: list[str] = []
    diff = _membership(tree, new, directories)
    changed, doubts = _commands(tree, new, values, directories, mtimes, edited)
    unknown.extend(doubts)
    trees, doubts = _device_tree_commands(tree, new, values, mtimes, edited)
    changed.extend(trees)
    unknown.extend(doubts)
    # the Makefile of a directory built by an explicit rule (the boot image): not walked
    below = [m for m in edited if m not in new.makefiles and posixpath.dirname(m)]
    unknown.extend(unevaluated_makefiles(tree, fs, mtimes, below=below))

    def seed(cascade: Cascade) -> None:
        notes.extend(seed_objects(cascade, diff, {}))
        for name, makefile in changed:
            cascade.redo(name, Reason(ReasonKind.COMMAND, makefile))

    return notes, unknown, seed


def _membership(tree: BuildTree, new: BuiltObjects, directories: set[str]) -> BuiltDiff:
    """What the directories' lists build now against what the tree built."""
    added, removed, switched = [], [], []
    modules_added, modules_removed = [], []
    for path, record in sorted(new.objects.items()):
        if (posixpath.dirname(path) or ".") not in directories:
            continue
        live = path in tree.targets and path not in tree.stale
        if not live:
            added.append(ObjectChange(path, None, record.kind, record.where, record.via))
            continue
        before = tree_kind(tree, path)
        if before is not None and before != record.kind and record.via != "module":
            switched.append(ObjectChange(path, before, record.kind, record.where, record.via))
    for name in sorted(tree.targets):
        directory = posixpath.dirname(name) or "."
        if directory not in directories or name in tree.stale:
            continue
        target = tree.targets[name]
        if name.endswith(".o") and target.compiled and name not in new.objects:
            kind = tree_kind(tree, name)
            if kind is not None:
                removed.append(ObjectChange(name, kind, None, f"{directory}/", "obj"))
        if name.endswith(".ko") and name not in new.modules:
            modules_removed.append(ObjectChange(name, "m", None, f"{directory}/"))
    for path, record in sorted(new.modules.items()):
        directory = posixpath.dirname(path) or "."
        if directory in directories and (path not in tree.targets or path in tree.stale):
            modules_added.append(ObjectChange(path, None, "m", record.where))
    return BuiltDiff(tuple(added), tuple(removed), tuple(switched), tuple(modules_added),
                     tuple(modules_removed))  # fmt: skip


def _words(target: Target) -> list[str]:
    """The words of a compile command before the first ``;`` (objtool's run follows)."""
    return target.command.split(";", 1)[0].split()


def _anchor(words: Sequence[str], directory: str, norm: PathNormaliser) -> int:
    """Where the part of a compile command that Makefiles decide ends: at kbuild's
    ``-I$(src) -I$(obj)`` of the object's directory (an out-of-tree build), else at the
    first of the module and name flags. kbuild appends its pair after every flag the
    Makefiles decide, so it is the last such pair: a Makefile's own ``-I$(src)``
    (``ccflags-y += -I$(src)``) comes before it and is one of the decided words."""
    for i in range(len(words) - 2, -1, -1):
        word, after = words[i], words[i + 1]
        pair = word.startswith("-I") and after.startswith("-I")
        if pair and norm(word[2:]) == directory and norm(after[2:]) == directory:
            return i
    for i, word in enumerate(words):
        if word.startswith(_ANCHORS):
            return i
    return len(words)


def _residual(words: Sequence[str], decided: Iterable[str], anchor: int) -> Counter[str]:
    """The words of a command before ``anchor`` that no Makefile of its directory decides:
    without the depfile, without the ``decided`` ones (negative counts: a decided word
    the command lacks)."""
    found = Counter(w for w in words[:anchor] if not w.startswith("-Wp,-MMD,"))
    found.subtract(Counter(decided))
    return found


def _commands(
    tree: BuildTree,
    new: BuiltObjects,
    values: Mapping[str, str],
    directories: set[str],
    mtimes: Mapping[str, int],
    edited: Mapping[str, int],
) -> tuple[list[tuple[str, str]], list[Unknown]]:
    """The objects whose compile command changes because a Makefile changed: a word the
    Makefiles decide now that the command lacks; else a command whose other words are not
    what every unchanged object of its kind shares (a decided word that went away)."""
    norm = PathNormaliser(tree.objtree, tree.srctree)
    edited_dirs = {posixpath.dirname(m) or ".": m for m in edited}
    by_kind: dict[str, list[Counter[str]]] = {}
    candidates: list[tuple[str, str, Counter[str], set[str], str, bool]] = []
    changed: list[tuple[str, str]] = []
    unknown: list[Unknown] = []
    chains: dict[str, list[str]] = {}
    sampled: Counter[str] = Counter()
    outside: set[str] = set()
    for name, target in kernel_objects(tree):
        if name not in new.objects and not name.endswith(".lds"):
            if tree_kind(tree, name) is not None or not outside_lists(name, new):
                continue  # not made by its directory's rules (kernel/bounds.s, boot code)
            outside.add(name)  # compiled from `targets`, by the same rule as the listed
        directory = posixpath.dirname(name) or "."
        source = target.source or ""
        kind = "lds" if name.endswith(".lds") else "S" if source.endswith(".S") else "c"
        above = chains.get(directory)
        if above is None:
            above = chains[directory] = [
                m for d, m in edited_dirs.items() if d in _chain(directory)
            ]
        touched = any(edited[m] > mtimes.get(name, -1) for m in above)
        if not touched and (
            len(by_kind.get(kind, ())) >= _REFERENCES or sampled[directory] >= _PER_DIRECTORY
        ):
            continue  # enough unchanged objects of its kind, or of its directory, to learn from
        inputs = inputs_of(new, values, name, source)
        if inputs is None:
            continue
        words = _words(target)
        anchor = _anchor(words, directory, norm)
        decided: list[str] = []
        removed: set[str] = set()
        exact = True
        for item in inputs:
            if item.flag is None:
                continue
            exact = exact and item.flag.exact
            known = [w for w in item.flag.value.split() if "⟪" not in w and "⟫" not in w]
            if "REMOVE" in item.variable or item.variable.endswith("-remove-y"):
                removed.update(known)
            else:
                decided.extend(known)
        residual = _residual(words, decided, anchor)
        if not touched:
            if exact and not removed and name not in outside:
                by_kind.setdefault(kind, []).append(residual)
                sampled[directory] += 1
            continue
        if -residual:  # a word the Makefiles decide now that the saved command lacks
            changed.append((name, above[-1]))
            continue
        candidates.append((name, kind, residual, removed, above[-1], exact))
    usual_of = {kind: _usual(found) for kind, found in by_kind.items()}
    for name, kind, residual, removed, makefile, exact in candidates:
        usual = usual_of.get(kind)
        if not exact or usual is None:
            why = "its flags cannot be expanded" if not exact else (
                "no unchanged object like it to compare its command with")  # fmt: skip
            unknown.append(Unknown(makefile, f"whether a flag of {name} went away: {why}",
                                   f"{name} may be recompiled"))  # fmt: skip
            continue
        expected = Counter({w: n for w, n in usual.items() if w not in removed})
        if +residual == expected:
            continue
        hidden = _hidden_flags(new, posixpath.dirname(name) or ".")
        if name in outside or (hidden and +residual - expected):
            # flags of its own (a rule's target-specific variables, a $(eval …) the
            # Makefile runs) may explain the words no Makefile is seen to decide
            why = hidden or "it is compiled outside its directory's lists"
            unknown.append(Unknown(makefile, f"whether a flag of {name} went away: {why}",
                                   f"{name} may be recompiled"))  # fmt: skip
        else:
            changed.append((name, makefile))
    return changed, unknown


_DTC_VALUED = frozenset({"-o", "-b", "-d", "-I", "-O", "-V", "-R", "-S", "-p"})


def _dtc_flags(target: Target) -> Counter[str] | None:
    """The option words of the dtc run of a device tree's command (not its output,
    depfile, input and include directories), or None when it has no dtc run."""
    for part in target.command.split(";"):
        words = part.split()
        if not words or not words[0].endswith("/dtc"):
            continue
        found: Counter[str] = Counter()
        skip = False
        for word in words[1:]:
            if skip:
                skip = False
            elif word in _DTC_VALUED:
                skip = True
            elif word.startswith("-") and not word.startswith("-i"):
                found[word] += 1
        return found
    return None


def _device_tree_commands(
    tree: BuildTree,
    new: BuiltObjects,
    values: Mapping[str, str],
    mtimes: Mapping[str, int],
    edited: Mapping[str, int],
) -> tuple[list[tuple[str, str]], list[Unknown]]:
    """The device trees whose dtc flags change because their directory's Makefile
    changed (``DTC_FLAGS``, ``DTC_FLAGS_<stem>``, which no other directory's reach): a
    flag decided now that the command lacks; else flags other than what every device
    tree of an unchanged directory shares besides its decided ones."""
    edited_dirs = {posixpath.dirname(m) or ".": m for m in edited}
    usual: list[Counter[str]] = []
    candidates: list[tuple[str, Counter[str], str]] = []
    changed: list[tuple[str, str]] = []
    for name, target in device_trees(tree):
        makefile = edited_dirs.get(posixpath.dirname(name) or ".")
        touched = makefile is not None and edited[makefile] > mtimes.get(name, -1)
        if not touched and len(usual) >= _REFERENCES:
            continue
        inputs = inputs_of(new, values, name, target.source or "")
        flags = _dtc_flags(target)
        if inputs is None or flags is None:
            continue
        decided = Counter(w for i in inputs if i.flag for w in i.flag.value.split())
        if makefile is None or not touched:
            if all(i.flag.exact for i in inputs if i.flag):
                usual.append(flags - decided)
        elif decided - flags:  # a flag decided now that the command lacks
            changed.append((name, makefile))
        else:
            candidates.append((name, flags - decided, makefile))
    shared = _usual(usual)
    unknown: list[Unknown] = []
    for name, residual, makefile in candidates:
        if shared is None:
            unknown.append(Unknown(makefile, f"whether a dtc flag of {name} went away: no "
                                   "device tree of an unchanged directory to compare with",
                                   f"{name} may be rebuilt"))  # fmt: skip
        elif residual != shared:
            changed.append((name, makefile))
    return changed, unknown


def _hidden_flags(new: BuiltObjects, directory: str) -> str | None:
    """Where a directory's Makefile may set flags depgraph does not evaluate: a
    ``$(eval …)`` (lib/Makefile: ``$(eval CFLAGS_$(file) = -I …/libfdt)``) or a
    target-specific variable (``$(obj)/foo.o: CFLAGS_X += …``); None when it has none."""
    record = new.directories.get(directory)
    if record is None or (parsed := new.makefiles.get(record.makefile)) is None:
        return None
    for line, text in parsed.others:
        if "$(eval" in text or "${eval" in text or _TARGET_VARIABLE.match(text):
            return f"{record.makefile}:{line} sets flags depgraph does not evaluate"
    return None


_TARGET_VARIABLE = re.compile(r"^[^=:#]+:[^=]*\b\w*FLAGS\w*\s*[:+?]?=")


def _usual(residuals: Sequence[Counter[str]]) -> Counter[str] | None:
    """The residual most reference objects share (their common global flags)."""
    if not residuals:
        return None
    keyed = Counter(frozenset((+r).items()) for r in residuals)
    best, _ = keyed.most_common(1)[0]
    return Counter(dict(best))


def last_make(tree: BuildTree, fs: FileSystem) -> int:
    """When kbuild last ran on the tree (the mtime of :data:`LAST_MAKE`), ``-1`` when
    it cannot be told."""
    return fs.mtime(os.path.join(tree.objtree, LAST_MAKE))


def global_makefiles(tree: BuildTree, fs: FileSystem, srcarch: str | None) -> list[str]:
    """The Makefiles every compile reads whose flags are not evaluated (srctree-relative):
    the top one (and the top ``Kbuild``, whose own rules compile ``kernel/bounds.s``), the
    arch one and what it includes, kbuild's own."""
    top = tree.srctree.rstrip("/") + "/"
    patterns = ["Makefile", "Kbuild", "scripts/Makefile.*", "scripts/Kbuild.include"]
    if srcarch:
        patterns.append(f"arch/{srcarch}/Makefile*")
    found: set[str] = set()
    for pattern in patterns:
        for path in fs.glob(top + pattern):
            name = path[len(top) :] if path.startswith(top) else path
            suffix = name.rsplit("Makefile", 1)[-1].lstrip("._")
            if suffix not in _NOT_BUILDING and fs.is_file(path):
                found.add(name)
    return sorted(found)


def unevaluated_makefiles(
    tree: BuildTree,
    fs: FileSystem,
    mtimes: Mapping[str, int],
    *,
    everywhere: Iterable[str] = (),
    below: Iterable[str] = (),
) -> list[Unknown]:
    """The Makefiles whose flags are not evaluated that changed since the last make (or,
    when that is not known, after a target they reach was built): what they do to the
    command lines of the targets they reach cannot be told without their old text. Those
    of ``everywhere`` reach every compiled target, those of ``below`` the ones of their
    directory and the directories below it."""
    since = last_make(tree, fs)
    after = "since the last make" if since >= 0 else "after targets it reaches were built"
    asked = [*((m, None) for m in everywhere), *((m, m) for m in below)]
    edits = [(m, r, fs.mtime(os.path.join(tree.srctree, m))) for m, r in asked]
    edits = [(m, r, edited) for m, r, edited in edits if edited >= 0 and edited > since]
    if not edits:
        return []  # the hot path of status: nothing edited since the last make
    compiled = [(name, mtimes.get(name, -1)) for name, _ in kernel_objects(tree)]
    unknown: list[Unknown] = []
    for makefile, reach, edited in edits:
        top = posixpath.dirname(reach) + "/" if reach is not None else ""
        older = sorted(n for n, when in compiled if 0 <= when < edited and n.startswith(top))
        if older:
            more = f" (and {len(older) - 1} more)" if len(older) > 1 else ""
            unknown.append(Unknown(
                makefile, f"changed {after}; depgraph does not evaluate its flags",
                f"the command line of {older[0]}{more} may change"))  # fmt: skip
    return unknown
