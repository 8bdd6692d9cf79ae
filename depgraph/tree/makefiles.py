"""Which objects a configuration builds, read from a source tree's kbuild Makefiles.

This is the one module that reads Makefiles from disk; the reading of each one and the
make semantics are :mod:`depgraph.parse.makefile`'s pure functions. The walk follows
kbuild 6.12 (``scripts/Makefile.build``, ``scripts/Makefile.lib``):

* It starts at the top directory, whose ``Kbuild`` lists ``obj-y += init/ …
  arch/$(SRCARCH)/ $(ARCH_CORE) $(ARCH_LIB) $(ARCH_DRIVERS)`` since Linux 6.1. The three
  ``ARCH_*`` lists come from the arch Makefile (``arch/$(SRCARCH)/Makefile``), which the
  top Makefile includes after setting ``core-y :=``, ``drivers-y :=``, ``libs-y := lib/``;
  the arch Makefile's exported variables (``BITS`` on x86) reach every directory.
* Each directory is built from ``Kbuild`` when it has one, else ``Makefile``.
* ``obj-y += dir/`` descends with ``need-builtin``: the subdirectory's ``obj-y`` objects
  are built in. ``obj-m += dir/`` and ``subdir-y += dir`` descend without it: only its
  modules, ``lib-y`` and ``extra-y``/``always-y`` targets are built there.
* Modules: a plain ``make`` builds ``obj-m`` in every directory it visits (6.12's top
  Makefile sets ``KBUILD_MODULES`` for the default goal). Each ``obj-m`` object ``foo.o``
  makes ``foo.ko``; a composite one is linked (``ld -r``) from its members.

Objects that kbuild builds outside these lists are not returned: host programs
(``scripts/``, ``arch/x86/tools``), the boot image (``arch/x86/boot``, built by the arch
Makefile's ``bzImage`` rule), objects of helper images built by explicit rules
(``arch/x86/realmode/rm``, the vDSO's ``vdso32/``), ``*.mod.o``, ``.module-common.o``,
``.vmlinux.export.o``, ``vmlinux.o`` and ``init/version-timestamp.o`` (link-vmlinux.sh).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from depgraph.model import Diagnostic, Severity
from depgraph.parse.makefile import Assumption, Built, Item, Makefile, evaluate, parse_makefile
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.layout import kbuild_file

# Arch directory name -> the symbol its Kconfig sets, where the two differ.
_ARCH_SYMBOLS = {
    "powerpc": "CONFIG_PPC",
    "um": "CONFIG_UML",
    "sh": "CONFIG_SUPERH",
}


@dataclass(frozen=True, slots=True)
class BuiltObject:
    """One object a configuration builds: ``kind`` is ``y`` (built in, or in a
    ``lib.a``) or ``m`` (part of a module); ``via`` names the list that brought it:
    ``obj`` (``obj-y``/``obj-m``), ``composite`` (a member of ``foo-y`` of a listed
    ``foo.o``), ``module`` (a composite module object itself, linked from its members),
    ``lib`` (``lib-y``), or ``extra`` (``extra-y``/``always-y``). ``makefile`` and
    ``line`` are the srctree-relative file and line of the assignment that listed it."""

    path: str
    kind: str
    via: str
    makefile: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.makefile}:{self.line}"


@dataclass(frozen=True, slots=True)
class Directory:
    """A directory kbuild descends into: its Makefile, whether its ``obj-y`` objects are
    built in (``builtin``), and the parent's line that listed it (``listed_in``, empty for
    the top directory)."""

    path: str
    makefile: str
    builtin: bool
    listed_in: str


@dataclass(frozen=True, slots=True)
class BuiltObjects:
    """What a configuration builds under a source tree.

    ``objects`` maps each srctree-relative object (``fs/fhandle.o``) to its record,
    ``modules`` each module (``fs/autofs/autofs4.ko``) to the ``obj-m`` entry that makes
    it. ``assumed`` lists the conditionals that could not be decided and were taken as
    true; ``diagnostics`` what could not be expanded or read (never guessed).
    ``evaluations`` keeps each directory's evaluated Makefile (its flag variables), and
    ``makefiles`` each Makefile read (included ones too) as parsed.
    """

    objects: Mapping[str, BuiltObject]
    modules: Mapping[str, BuiltObject]
    directories: Mapping[str, Directory]
    assumed: tuple[Assumption, ...]
    diagnostics: tuple[Diagnostic, ...]
    evaluations: Mapping[str, Built] = field(default_factory=dict)
    makefiles: Mapping[str, Makefile | None] = field(default_factory=dict)

    def builtin(self) -> frozenset[str]:
        return frozenset(p for p, o in self.objects.items() if o.kind == "y")


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """An object (or module) whose fate differs between two configurations: ``old`` and
    ``new`` are ``y``, ``m`` or None (not built); ``where`` is the Makefile line that
    lists it in the configuration where it is built (the new one when both)."""

    path: str
    old: str | None
    new: str | None
    where: str
    via: str = "obj"  # BuiltObject.via in the configuration where it is built


@dataclass(frozen=True, slots=True)
class BuiltDiff:
    """:func:`diff_built`'s answer: objects that appear, disappear or switch between
    built-in and module; modules (``.ko``) that appear or disappear."""

    added: tuple[ObjectChange, ...]
    removed: tuple[ObjectChange, ...]
    switched: tuple[ObjectChange, ...]
    modules_added: tuple[ObjectChange, ...]
    modules_removed: tuple[ObjectChange, ...]

    def __bool__(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.switched
            or self.modules_added
            or self.modules_removed
        )


def guess_srcarch(srctree: str, values: Mapping[str, str], fs: FileSystem = REAL) -> str | None:
    """The ``arch/`` directory whose symbol the configuration sets (``CONFIG_X86`` →
    ``x86``), or None when none does (such as a tree with no ``arch/*/Kconfig``)."""
    arch_root = os.path.join(srctree, "arch")
    try:
        names = sorted(fs.listdir(arch_root))
    except OSError:
        return None
    for name in names:
        if not fs.is_file(os.path.join(arch_root, name, "Kconfig")):
            continue
        symbol = _ARCH_SYMBOLS.get(name, "CONFIG_" + name.upper())
        if values.get(symbol) == "y":
            return name
    return None


class _Reader:
    """Reads and parses Makefiles once each, relative to the source tree."""

    def __init__(self, srctree: str, fs: FileSystem) -> None:
        self.srctree = srctree
        self.fs = fs
        self.cache: dict[str, Makefile | None] = {}
        self.diagnostics: list[Diagnostic] = []

    def relative(self, path: str) -> str:
        if os.path.isabs(path):
            rel = os.path.relpath(path, self.srctree)
            return path if rel.startswith("..") else rel
        return posixpath.normpath(path)

    def read(self, path: str) -> Makefile | None:
        rel = self.relative(path)
        if rel in self.cache:
            return self.cache[rel]
        full = os.path.join(self.srctree, rel)
        try:
            text = self.fs.read_text(full)
        except OSError:
            self.cache[rel] = None
            return None
        parsed = parse_makefile(text, rel)
        self.diagnostics.extend(parsed.diagnostics)
        self.cache[rel] = parsed
        return parsed

    def kbuild_file(self, directory: str) -> str | None:
        found = kbuild_file(self.fs, self.srctree, directory)
        return found[0] if found is not None else None


def _arch_variables(
    reader: _Reader, values: Mapping[str, str], base: dict[str, str]
) -> tuple[dict[str, str], tuple[Assumption, ...], tuple[Diagnostic, ...]]:
    """The variables the top Makefile passes down from ``arch/$(SRCARCH)/Makefile``:
    ``ARCH_CORE``, ``ARCH_LIB``, ``ARCH_DRIVERS`` (6.1+ top Makefile) and every name the
    arch Makefile exports."""
    srcarch = base.get("SRCARCH")
    path = f"arch/{srcarch}/Makefile" if srcarch else None
    parsed = reader.read(path) if path else None
    if parsed is None:
        return {}, (), ()
    start = {**base, "core-y": "", "drivers-y": "", "libs-y": "lib/"}
    lists = ("core-y", "drivers-y", "drivers-m", "libs-y")
    exported = tuple(n for n in parsed.exports if n not in base and not n.startswith("KBUILD_"))
    # Flag variables (REALMODE_CFLAGS, ...) change command lines, not object lists: a
    # guess about their value is not worth reporting here.
    track = (*lists, *(n for n in exported if "FLAGS" not in n))
    built = evaluate(parsed, values, variables=start, include=reader.read, track=track)
    found = built.variables
    out = {name: found[name] for name in exported if name in found}
    words = found.get("libs-y", "lib/").split()
    out["ARCH_CORE"] = found.get("core-y", "")
    out["ARCH_LIB"] = " ".join(w for w in words if w.endswith("/"))
    out["ARCH_DRIVERS"] = f"{found.get('drivers-y', '')} {found.get('drivers-m', '')}".strip()
    assumed = built.assumed
    return out, assumed, built.unresolved


def built_objects(
    srctree: str,
    values: Mapping[str, str],
    root_dirs: Sequence[str] | None = None,
    *,
    srcarch: str | None = None,
    fs: FileSystem = REAL,
) -> BuiltObjects:
    """Every object and module the configuration ``values`` builds under ``srctree``.

    ``root_dirs`` replaces the top ``Kbuild``'s directory list (needed before Linux 6.1,
    whose top Makefile lists ``core-y`` & co. itself); each is descended into as an
    ``obj-y`` entry. ``srcarch`` is ``$(SRCARCH)``, guessed from the configuration when
    not given.
    """
    srctree = os.path.abspath(srctree)
    reader = _Reader(srctree, fs)
    srcarch = srcarch or guess_srcarch(srctree, values, fs)
    base: dict[str, str] = {"srctree": srctree, "objtree": ".", "KBUILD_EXTMOD": ""}
    if srcarch:
        base["SRCARCH"] = srcarch
        base["ARCH"] = srcarch
    arch_vars, assumed, unresolved = _arch_variables(reader, values, base)
    inherited = {**base, **arch_vars}
    walk = _Walk(reader, values)
    walk.assumed.extend(assumed)
    walk.diagnostics.extend(unresolved)
    if root_dirs is None:
        walk.directory(".", inherited, True, "")
    else:
        for name in root_dirs:
            walk.directory(posixpath.normpath(name), inherited, True, "<root_dirs>")
    # The device trees: the top Makefile's "all: dtbs" (CONFIG_OF_EARLY_FLATTREE) runs
    # "$(MAKE) $(build)=$(dtstree)", dtstree := arch/$(SRCARCH)/boot/dts; its subdir-y
    # directories list dtb-y, built with dtc's flags (DTC_FLAGS, DTC_FLAGS_<stem>).
    dtstree = f"arch/{srcarch}/boot/dts" if srcarch else None
    if (
        dtstree is not None
        and values.get("CONFIG_OF_EARLY_FLATTREE", "n") not in ("", "n")
        and reader.kbuild_file(dtstree) is not None
    ):
        walk.directory(dtstree, inherited, False, "Makefile (dtbs)")
    return BuiltObjects(
        walk.objects,
        walk.modules,
        walk.directories,
        tuple(dict.fromkeys(walk.assumed)),
        tuple(dict.fromkeys([*reader.diagnostics, *walk.diagnostics])),
        walk.evaluations,
        reader.cache,
    )


class _Walk:
    def __init__(self, reader: _Reader, values: Mapping[str, str]) -> None:
        self.reader = reader
        self.values = values
        self.objects: dict[str, BuiltObject] = {}
        self.modules: dict[str, BuiltObject] = {}
        self.directories: dict[str, Directory] = {}
        self.evaluations: dict[str, Built] = {}
        self.assumed: list[Assumption] = []
        self.diagnostics: list[Diagnostic] = []

    def add(self, directory: str, item: Item, kind: str, via: str) -> None:
        path = posixpath.normpath(posixpath.join(directory, item.name))
        old = self.objects.get(path)
        if old is None or (old.kind == "m" and kind == "y"):
            self.objects[path] = BuiltObject(path, kind, via, item.path, item.line)

    def directory(
        self, directory: str, inherited: dict[str, str], builtin: bool, listed_in: str
    ) -> None:
        if directory in self.directories:
            return
        makefile = self.reader.kbuild_file(directory)
        if makefile is None:
            where, _, line = listed_in.rpartition(":")
            self.diagnostics.append(
                Diagnostic(
                    where or directory,
                    int(line) if line.isdigit() else 0,
                    "directory has no Kbuild or Makefile",
                    directory,
                    Severity.ERROR,
                )
            )
            return
        self.directories[directory] = Directory(directory, makefile, builtin, listed_in)
        parsed = self.reader.read(makefile)
        if parsed is None:
            return
        src = inherited["srctree"] if directory == "." else f"{inherited['srctree']}/{directory}"
        variables = {**inherited, "obj": directory, "src": src}
        built = evaluate(parsed, self.values, variables=variables, include=self.reader.read)
        self.evaluations[directory] = built
        self.assumed.extend(built.assumed)
        self.diagnostics.extend(built.unresolved)
        self.collect(directory, built, builtin)
        exported = {
            name: built.variables[name]
            for name in built.exported
            if name in built.variables and name not in ("obj", "src")
        }
        for sub in built.subdirs:
            child = posixpath.normpath(posixpath.join(directory, sub.name))
            self.directory(child, {**inherited, **exported}, builtin and sub.builtin, sub.where)

    def collect(self, directory: str, built: Built, builtin: bool) -> None:
        if builtin:
            for item in built.builtin:
                parts = built.composites.get(item.name)
                for part in parts if parts is not None else (item,):
                    self.add(directory, part, "y", "obj" if parts is None else "composite")
        for item in built.lib:
            self.add(directory, item, "y", "lib")
        for item in built.extra:
            if item.name.endswith(".o"):
                self.add(directory, item, "y", "extra")
        for item in built.modules:
            parts = built.composites.get(item.name)
            if parts is not None:
                for part in parts:
                    self.add(directory, part, "m", "composite")
            if item.name.endswith(".o"):
                self.add(directory, item, "m", "obj" if parts is None else "module")
                path = posixpath.normpath(posixpath.join(directory, item.name))
                ko = path[: -len(".o")] + ".ko"
                self.modules[ko] = BuiltObject(ko, "m", "obj", item.path, item.line)


def diff_built(old: BuiltObjects, new: BuiltObjects) -> BuiltDiff:
    """What changes between two configurations' object sets, sorted by path."""
    added, removed, switched = [], [], []
    for path in sorted(old.objects.keys() | new.objects.keys()):
        before, after = old.objects.get(path), new.objects.get(path)
        if before is None and after is not None:
            added.append(ObjectChange(path, None, after.kind, after.where, after.via))
        elif after is None and before is not None:
            removed.append(ObjectChange(path, before.kind, None, before.where, before.via))
        elif before is not None and after is not None and before.kind != after.kind:
            switched.append(ObjectChange(path, before.kind, after.kind, after.where, after.via))
    modules_added = [
        ObjectChange(p, None, "m", new.modules[p].where)
        for p in sorted(new.modules.keys() - old.modules.keys())
    ]
    modules_removed = [
        ObjectChange(p, "m", None, old.modules[p].where)
        for p in sorted(old.modules.keys() - new.modules.keys())
    ]
    return BuiltDiff(
        tuple(added),
        tuple(removed),
        tuple(switched),
        tuple(modules_added),
        tuple(modules_removed),
    )


def exports_symbols(srctree: str, obj: str, fs: FileSystem = REAL) -> bool:
    """Whether the source of ``obj`` (its ``.c`` or ``.S``) exports a symbol to modules."""
    for suffix in (".c", ".S"):
        try:
            data = fs.read_bytes(os.path.join(srctree, obj[:-2] + suffix))
        except OSError:
            continue
        return "EXPORT_SYMBOL" in data.decode("utf-8", errors="replace")
    return False


class Resets:
    """Whether a directory's Makefile, or one above it below the top, replaces a flag
    variable the top Makefile sets (``KBUILD_CFLAGS := $(REALMODE_CFLAGS)`` in x86's boot
    code): its objects then do not get the top Makefile's value. Makefiles are read once."""

    def __init__(self, srctree: str, fs: FileSystem = REAL) -> None:
        self._srctree = srctree
        self._fs = fs
        self._parsed: dict[str, Makefile | None] = {}

    def __call__(self, directory: str, variable: str) -> bool:
        parts = [p for p in directory.split("/") if p and p != "."]
        for depth in range(1, len(parts) + 1):
            makefile = self._makefile("/".join(parts[:depth]))
            if makefile is None:
                continue
            for assignment in makefile.assignments:
                keeps = (
                    f"$({variable})" in assignment.value or f"${{{variable}}}" in assignment.value
                )
                if (
                    assignment.name == variable
                    and assignment.op in ("=", ":=", "::=")
                    and not keeps
                ):
                    return True
        return False

    def _makefile(self, directory: str) -> Makefile | None:
        if directory not in self._parsed:
            found = kbuild_file(self._fs, self._srctree, directory)
            path = found[0] if found is not None else None
            text = self._fs.text_or_none(os.path.join(self._srctree, path)) if path else None
            self._parsed[directory] = parse_makefile(text, path) if text and path else None
        return self._parsed[directory]


# A rule line of a directory's Makefile whose target is one of the directory's files:
# "$(obj)/vdso-wrap.o: $(obj)/vdso/vdso.so" (most Makefiles have none).
_OBJ_RULE = re.compile(r"^\$[({]obj[)}]/[^\n:=%]*:(?![=:])", re.M)


@dataclass(frozen=True, slots=True)
class RulePrerequisite:
    """``target: prerequisite``, written in a directory's Makefile at ``where``
    (``path:line``), expanded; paths as the Makefile names them (``$(obj)`` is
    objtree-relative, ``$(src)`` absolute in the source tree)."""

    target: str
    prerequisite: str
    where: str


def rule_prerequisites(
    fs: FileSystem,
    srctree: str,
    makefiles: Iterable[str],
    values: Mapping[str, str],
    srcarch: str | None,
) -> tuple[RulePrerequisite, ...]:
    """The prerequisites that only a rule of a directory's own Makefile names, as in
    ``arch/arm64/kernel/Makefile``::

        # Force dependency (vdso*-wrap.S includes vdso.so through incbin)
        $(obj)/vdso-wrap.o: $(obj)/vdso/vdso.so

    (likewise the realmode blob of ``rmpiggy.o``, ``configs.o``'s ``config_data.gz``, the
    certificate lists). Only explicit rules whose targets are ``$(obj)/…`` files and whose
    names expand with the directory's own variables are read; rules in the files a
    Makefile includes, pattern rules and names that need a parent's variables are not.
    ``makefiles`` are srctree-relative kbuild Makefiles (``dir/Makefile`` or
    ``dir/Kbuild``)."""
    srctree = os.path.abspath(srctree)
    base: dict[str, str] = {"srctree": srctree, "objtree": "."}
    if srcarch:
        base["SRCARCH"] = base["ARCH"] = srcarch
    found: list[RulePrerequisite] = []
    for makefile in makefiles:
        text = fs.text_or_none(os.path.join(srctree, makefile))
        if text is None or _OBJ_RULE.search(text) is None:
            continue
        directory = posixpath.dirname(makefile) or "."
        src = srctree if directory == "." else f"{srctree}/{directory}"
        variables = {**base, "obj": directory, "src": src}
        built = evaluate(parse_makefile(text, makefile), values, variables=variables)
        for rule in built.rules:
            if rule.path != makefile:
                continue
            where = f"{rule.path}:{rule.line}"
            for target in rule.targets:
                for prerequisite in rule.prerequisites:
                    found.append(RulePrerequisite(target, prerequisite, where))
    return tuple(found)
