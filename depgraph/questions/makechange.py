"""What an edit of kbuild Makefiles, or a changed configuration, does to command lines:
kbuild's ``if_changed`` redoes a target whose command differs from its ``savedcmd_``
(rule 3 of ``shared/kbuild-notes.md``).

Both sides of the edit are evaluated (:func:`depgraph.tree.makefiles.built_objects`), and
for every object kbuild compiles for the kernel the *inputs of its command* are compared:
the variables ``scripts/Makefile.lib`` (6.12) builds ``c_flags``, ``a_flags`` and
``cpp_flags`` from (``subdir-ccflags-y`` of the directory and every one above it,
``ccflags-y``, ``ccflags-remove-y``, ``CFLAGS_foo.o``, ``CFLAGS_REMOVE_foo.o``,
``asflags-…``, ``AFLAGS_foo.o``, ``cppflags-y``, ``CPPFLAGS_foo.lds``, a
``KBUILD_CFLAGS`` a directory sets for itself and below), the sanitizer and objtool
switches of a configured feature (``KASAN_SANITIZE_foo.o := n``), whether it is built for
a module (``-DMODULE``), and the module it is part of (``KBUILD_MODNAME``). What differs
changes the command. A value that cannot be expanded on either side (``$(call
cc-option,…)``, ``$(shell …)``), or a rule or recipe that changed, is not guessed: it is
reported as :class:`Unknown`, with its file and line.

Pure: it reads nothing but the evaluated Makefiles and the loaded tree.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from depgraph.kbuild.facts import KNOB_FEATURES
from depgraph.model import BuildTree, ReasonKind, Target
from depgraph.parse.makefile import Assignment, Built, Flag, Makefile, VarKind, classify, knob
from depgraph.questions.why import Cascade, Reason, Step
from depgraph.tree.makefiles import BuiltObjects

# Variables kbuild reads that change nothing a make of the kernel redoes.
_HARMLESS = frozenset(
    {"clean-files", "clean-dirs", "no-clean-files", "targets", "header-test-y",
     "header-test-", "no-header-test", "hostprogs-always-", "MAKEFLAGS"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unknown:
    """Something an answer could not evaluate: where (``path:line``), what, and what may
    follow from it."""

    where: str
    what: str
    effect: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}; {self.effect}"


@dataclass(frozen=True, slots=True)
class _Input:
    """One input of an object's command: the variable that holds it (or ``module``,
    ``modname``), where it was set for this object, and its value."""

    variable: str
    scope: str
    flag: Flag | None
    text: str = ""  # for module and modname: the value itself

    @property
    def value(self) -> str:
        return self.flag.value if self.flag is not None else self.text


def changed_lines(old: str | None, new: str | None) -> tuple[set[int], set[int]]:
    """The lines of ``old`` and of ``new`` that a line diff says differ (1-based)."""
    before = (old or "").splitlines()
    after = (new or "").splitlines()
    removed: set[int] = set()
    added: set[int] = set()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.update(range(i1 + 1, i2 + 1))
            added.update(range(j1 + 1, j2 + 1))
    return removed, added


def _roles(makefile: Makefile, text: str) -> dict[int, tuple[str, str]]:
    """Each physical line of a Makefile that make evaluates, mapped to ``(what, name)``:
    ``assignment``/the variable, ``include``, ``other``/its text (rules, recipes,
    ``define`` bodies), ``conditional``/its text. Comments and blank lines are left out."""
    found: dict[int, tuple[str, str]] = {}
    lines = text.splitlines()

    def span(first: int) -> Iterator[int]:
        number = first
        while True:
            yield number
            if number > len(lines) or not lines[number - 1].rstrip().endswith("\\"):
                return
            number += 1

    for statement in makefile.statements:
        role = ("assignment", statement.name) if isinstance(statement, Assignment) else (
            "include", statement.paths)  # fmt: skip
        for number in span(statement.line):
            found[number] = role
    for number, other in makefile.others:
        for physical in span(number):
            found.setdefault(physical, ("other", other))
    for number, text in enumerate(lines, start=1):
        code = text.split("#", 1)[0].strip()
        if number not in found and code:
            found[number] = ("conditional", code)
    return found


def makefile_unknowns(
    path: str,
    old_text: str | None,
    new_text: str | None,
    old: Makefile | None,
    new: Makefile | None,
    read: Collection[str],
    *,
    flags_evaluated: bool = True,
    known: Collection[str] = (),
) -> list[Unknown]:
    """The changed lines of one Makefile whose effect the evaluation does not cover:
    rules, recipes and ``define`` bodies, assignments to variables that neither a kbuild
    list nor a flag is made from (``read``), and, in a Makefile whose flags are not
    evaluated (the top and arch Makefiles, kbuild's own), assignments to flags. ``known``
    names variables whose effect the caller covers otherwise (the release version)."""
    removed, added = changed_lines(old_text, new_text)
    found: dict[str, Unknown] = {}
    for makefile, text, lines in ((new, new_text, added), (old, old_text, removed)):
        if makefile is None or text is None:
            continue
        roles = _roles(makefile, text)
        for number in sorted(lines):
            what, name = roles.get(number, ("", ""))
            where = f"{path}:{number}"
            if what == "other":
                found.setdefault(where, Unknown(
                    where, f"a rule or recipe changed: {name[:80]}",
                    "what it makes may be redone, which depgraph does not evaluate"))  # fmt: skip
            elif what == "assignment" and name in known:
                continue
            elif what == "assignment" and not flags_evaluated and _is_flag(name):
                what_changed = f"{name} changed, in a Makefile whose flags are not evaluated"
                effect = "the command line of every object it reaches may change"
                found.setdefault(where, Unknown(where, what_changed, effect))
            elif what == "assignment" and not _covered(name, read):
                found.setdefault(where, Unknown(
                    where, f"{name} changed, which no kbuild list or flag depgraph "
                    "evaluates is made from", "the targets that use it may be redone"))  # fmt: skip
    return list(found.values())


def _is_flag(name: str) -> bool:
    return classify(name)[0] is VarKind.FLAGS or knob(name) is not None


def _covered(name: str, read: Collection[str]) -> bool:
    if "$" in name:
        return True  # obj-$(CONFIG_X), foo-$(CONFIG_X): kbuild lists, evaluated
    kind, stem = classify(name)
    if kind is not VarKind.OTHER or knob(name) is not None:
        return True
    return name in read or stem in _HARMLESS or name in _HARMLESS


def _ancestors(directory: str) -> list[str]:
    """``drivers/net`` -> ``[".", "drivers", "drivers/net"]``."""
    if directory in (".", ""):
        return ["."]
    parts = directory.split("/")
    return [".", *("/".join(parts[: i + 1]) for i in range(len(parts)))]


def _modname(built: Built, base: str) -> str:
    """The module (composite) an object of the directory is part of, else itself."""
    for composite, parts in sorted(built.composites.items()):
        if any(part.name == base for part in parts):
            return composite
    return base


_SOURCE_VARIABLES = {
    # source kind: (variables set for the directory and below, for the directory, for
    # the object, with {stem} and {base} for the object's names)
    "c": (("subdir-ccflags-y", "KBUILD_CFLAGS", "KBUILD_CPPFLAGS"),
          ("ccflags-y", "ccflags-remove-y", "EXTRA_CFLAGS"),
          ("CFLAGS_{stem}.o", "CFLAGS_REMOVE_{stem}.o")),
    "S": (("subdir-asflags-y", "KBUILD_AFLAGS", "KBUILD_CPPFLAGS"),
          ("asflags-y", "asflags-remove-y", "EXTRA_AFLAGS"),
          ("AFLAGS_{stem}.o", "AFLAGS_REMOVE_{stem}.o")),
    "lds": (("KBUILD_CPPFLAGS",), ("cppflags-y", "EXTRA_CPPFLAGS"), ("CPPFLAGS_{base}",)),
    # a device tree: dtc's flags (scripts/Makefile.dtbs: DTC_FLAGS += $(DTC_FLAGS_$(target-stem)))
    "dtb": ((), ("DTC_FLAGS",), ("DTC_FLAGS_{stem}",)),
}  # fmt: skip
DEVICE_TREES = (".dtb", ".dtbo")


def inputs_of(
    objects: BuiltObjects, values: Mapping[str, str], name: str, source: str
) -> tuple[_Input, ...] | None:
    """The inputs of the command of object ``name`` (objtree-relative, compiled from
    ``source``) under one evaluation, or None when its directory is not evaluated."""
    directory = posixpath.dirname(name) or "."
    base = posixpath.basename(name)
    stem = base.rsplit(".", 1)[0]
    own = objects.evaluations.get(directory)
    if own is None:
        return None
    kind = (
        "dtb" if base.endswith(DEVICE_TREES)
        else "lds" if base.endswith(".lds")
        else "S" if source.endswith(".S")
        else "c"
    )  # fmt: skip
    below, local, per_object = _SOURCE_VARIABLES[kind]
    found: list[_Input] = []
    for ancestor in _ancestors(directory):
        built = objects.evaluations.get(ancestor)
        for variable in below:
            flag = built.flags.get(variable) if built is not None else None
            found.append(_Input(variable, ancestor, flag))
    for variable in local:
        found.append(_Input(variable, directory, own.flags.get(variable)))
    for pattern in per_object:
        variable = pattern.format(stem=stem, base=base)
        found.append(_Input(variable, name, own.flags.get(variable)))
    if kind == "c":
        for switch, symbol in KNOB_FEATURES.items():
            if values.get(symbol, "n") not in ("", "n"):  # a feature that is off: no effect
                for variable in (switch, f"{switch}_{stem}.o"):
                    found.append(_Input(variable, directory, own.flags.get(variable)))
        record = objects.objects.get(name)
        found.append(_Input("module", name, None, record.kind if record is not None else ""))
        found.append(_Input("KBUILD_MODNAME", name, None, _modname(own, base)))
    return tuple(found)


def seed_commands(
    cascade: Cascade,
    old: BuiltObjects,
    new: BuiltObjects,
    values: tuple[Mapping[str, str], Mapping[str, str]],
    symbols: Collection[str],
    edited: Mapping[str, Collection[int]] | None = None,
) -> list[Unknown]:
    """Redo, in ``cascade``, every live object compiled for the kernel whose command
    inputs differ between the evaluations ``old`` and ``new`` (made with the ``values``
    before and after): reason ``command``, caused by the changed symbol the assignment
    names (of ``symbols``), else by the variable, with the assignment's line (one on an
    ``edited`` line of its Makefile first). An object switched between built-in and
    module is the membership change's (``switched``). Returns what could not be told."""
    tree = cascade.tree
    unknowns: list[Unknown] = []
    for name, target in (*kernel_objects(tree), *device_trees(tree)):
        listed = name.endswith((".lds", *DEVICE_TREES)) or (
            name in old.objects and name in new.objects
        )
        outside = outside_lists(name, old, new) and tree_kind(tree, name) is None
        if not listed and not outside:
            continue  # not built from a directory's lists, or no longer (membership)
        before = inputs_of(old, values[0], name, target.source or "")
        after = inputs_of(new, values[1], name, target.source or "")
        if before is None or after is None or before == after:
            continue
        difference = _difference(before, after, target, tree)
        if difference is None:
            continue
        was, now = difference
        changed = now or was
        if changed is not None and changed.variable == "module":
            continue  # switched: seed_objects redoes it
        inexact = [i for i in (was, now) if i is not None and i.flag and not i.flag.exact]
        if inexact and not _differs_outside_unknowns(was, now):
            flag = inexact[0].flag
            assert flag is not None
            path, line = flag.where[-1]
            unknowns.append(Unknown(f"{path}:{line}", f"{inexact[0].variable} cannot be "
                                    "expanded", f"{name} may be recompiled"))  # fmt: skip
            continue
        cascade.redo(name, _reason(was, now, name, (old, new), symbols, edited or {}))
    return unknowns


_UNKNOWN_PART = re.compile(r"⟪.*?⟫")


def _differs_outside_unknowns(was: _Input | None, now: _Input | None) -> bool:
    """Whether two values differ for certain: they hold the same parts that cannot be
    expanded (which expand alike on both sides), and differ in words that can."""
    before, after = (was.value if was else ""), (now.value if now else "")
    if sorted(_UNKNOWN_PART.findall(before)) != sorted(_UNKNOWN_PART.findall(after)):
        return False
    return _UNKNOWN_PART.sub("⟪⟫", before).split() != _UNKNOWN_PART.sub("⟪⟫", after).split()


def _difference(
    before: tuple[_Input, ...], after: tuple[_Input, ...], target: Target, tree: BuildTree
) -> tuple[_Input | None, _Input | None] | None:
    """The first input whose change changes the command, as (old side, new side); None
    when every difference leaves the command as it is: a word newly filtered out that
    the command does not hold, a switch of a feature that is off."""
    old_by = {(i.variable, i.scope): i for i in before}
    new_by = {(i.variable, i.scope): i for i in after}
    words = set(target.command.split())
    for key in dict.fromkeys([*old_by, *new_by]):
        was, now = old_by.get(key), new_by.get(key)
        if (was.value if was else "") == (now.value if now else ""):
            continue
        filtered = "REMOVE" in key[0] or key[0].endswith("-remove-y")
        if filtered and not _removal_matters(was, now, words, tree):
            continue
        return was, now
    return None


def _removal_matters(
    old: _Input | None, new: _Input | None, words: set[str], tree: BuildTree
) -> bool:
    """Whether a changed filter-out list changes the command: a word newly filtered out
    that the command holds, or a word no longer filtered out that some command of the
    tree holds (so the flags it is filtered from have it)."""
    before = set(old.value.split()) if old else set()
    after = set(new.value.split()) if new else set()
    if (after - before) & words:
        return True
    back = before - after
    return bool(back) and any(
        back & set(t.command.split()) for t in tree.targets.values() if t.compiled
    )


def _reason(
    was: _Input | None,
    now: _Input | None,
    name: str,
    sides: tuple[BuiltObjects, BuiltObjects],
    symbols: Collection[str],
    edited: Mapping[str, Collection[int]],
) -> Reason:
    """The ``command`` reason for an input that changed, with the assignment that
    explains it: one naming a changed symbol, else one on an edited line, else the last
    that set the new value, else the old one."""
    shown = now if now is not None and now.flag is not None else was
    assert shown is not None
    if shown.flag is None:  # the module it is part of
        return Reason(ReasonKind.COMMAND, f"{shown.variable}={shown.text}")
    candidates: list[tuple[int, str, Assignment]] = []
    for side, item in ((1, now), (0, was)):
        if item is None or item.flag is None:
            continue
        for path, line in item.flag.where:
            assignment = _assignment_at(sides[side], path, line)
            if assignment is None:
                continue
            names_one = bool(set(assignment.symbols) & set(symbols))
            on_edit = side == 1 and line in edited.get(path, ())
            rank = 0 if names_one else 1 if on_edit else 2 + (1 - side)
            candidates.append((rank, path, assignment))
    if not candidates:
        return Reason(ReasonKind.COMMAND, shown.variable)
    rank, path, assignment = min(candidates, key=lambda c: (c[0], -c[2].line))
    named = [s for s in assignment.symbols if s in symbols]
    cause = named[0] if named else shown.variable
    text = f"{assignment.name} {assignment.op} {assignment.value}".strip()
    return Reason(ReasonKind.COMMAND, cause, mentions=(Step(path, assignment.line, text, name),))


def _assignment_at(side: BuiltObjects, path: str, line: int) -> Assignment | None:
    makefile = side.makefiles.get(path)
    if makefile is None:
        return None
    for assignment in makefile.assignments:
        if assignment.line == line:
            return assignment
    return None


def tree_kind(tree: BuildTree, name: str) -> str | None:
    """How the last build used an object: ``y`` when a live archive takes it, ``m`` when
    a module does (its ``.mod`` list, its ``.ko``), else None."""
    users = [u for u in tree.users.get(name, ()) if u not in tree.stale]
    if any(u.endswith(".a") for u in users):
        return "y"
    if any(u.endswith((".mod", ".ko")) for u in users):
        return "m"
    return None


def outside_lists(name: str, *sides: BuiltObjects) -> bool:
    """Whether ``name`` is an object its directory compiles from ``targets`` or a rule,
    outside its lists (``blob.o`` whose ``.rodata`` becomes a blob): in no list of any of
    ``sides``, in a directory each of them evaluates. Makefile.build's pattern rule
    compiles it with the directory's flags, as it does the listed ones."""
    directory = posixpath.dirname(name) or "."
    return name.endswith(".o") and all(
        name not in side.objects and directory in side.evaluations for side in sides
    )


def device_trees(tree: BuildTree) -> Iterator[tuple[str, Target]]:
    """Live device trees (``.dtb``, ``.dtbo``) dtc compiles, in name order."""
    for name in sorted(tree.targets):
        if name.endswith(DEVICE_TREES) and name not in tree.stale:
            target = tree.targets[name]
            if target.compiled:
                yield name, target


def kernel_objects(tree: BuildTree) -> Iterator[tuple[str, Target]]:
    """Live targets kbuild compiles for the kernel (``-D__KERNEL__``; host programs take
    other flags), in name order."""
    for name in sorted(tree.targets):
        if name in tree.stale:
            continue
        target = tree.targets[name]
        if target.compiled and "-D__KERNEL__" in target.command:
            yield name, target


def read_names(objects: Iterable[BuiltObjects]) -> set[str]:
    """The names the evaluation of kbuild's lists and flags read, in every directory."""
    return {name for o in objects for built in o.evaluations.values() for name in built.read}
