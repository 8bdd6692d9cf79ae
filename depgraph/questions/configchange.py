"""What a ``.config`` edit really rebuilds: the edit expanded as Kconfig expands it, then
followed through the tree.

1. The request (``CONFIG_FOO=VALUE`` assignments, a whole replacement ``.config``, or
   the edit already pending in ``.config``) is resolved by the tree's own Kconfig program
   (:mod:`depgraph.tree.conf`), exactly as ``make olddefconfig`` and the next build's
   syncconfig will: choices, ``select``, defaults and derived values included. ``=y`` on
   a member of a choice selects it and sets the other members to ``n``, as menuconfig
   does. A request Kconfig refuses (an unmet dependency; a symbol without a prompt,
   whose value only defaults set) is reported with the ``depends on`` lines that stop it.
2. The symbols whose resolved value differs from ``include/config/auto.conf`` (what the
   last build used) are the ones syncconfig will touch the stamps of: their users
   recompile, and the link steps follow (:class:`depgraph.questions.why.Cascade`).
3. The Makefiles say which objects a changed symbol adds, drops or turns into a module,
   and which command lines it changes (:mod:`depgraph.tree.makefiles`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from depgraph.kbuild.facts import VMLINUX_EXPORT_OBJECT
from depgraph.model import BuildTree, DepgraphError, NodeKind, ReasonKind, Target
from depgraph.parse.config import unquote
from depgraph.questions.why import Answer, Cascade, Change, Reason, Step
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.sources import SourceReader

if TYPE_CHECKING:  # the readers are imported by the functions that use them: a
    # why-rebuild about a file, or a status without a pending edit, does not pay for them
    from depgraph.parse.makefile import Assignment, FlagUse, Makefile
    from depgraph.tree.kconfig import Kconfig
    from depgraph.tree.makefiles import BuiltDiff, ObjectChange


@dataclass(frozen=True, slots=True)
class Refused:
    """A requested value Kconfig did not keep, and why."""

    symbol: str
    wanted: str
    got: str
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConfigAnswer:
    """A configuration change followed through: the symbols whose value changes (old,
    new), the requests refused, which program resolved them, and what make redoes."""

    changed: dict[str, tuple[str, str]]
    refused: tuple[Refused, ...]
    program: str
    answer: Answer
    notes: tuple[str, ...] = field(default=())


class BadAssignment(DepgraphError):
    """A ``CONFIG_FOO=VALUE`` that is not one."""


def parse_assignment(text: str) -> tuple[str, str]:
    """``CONFIG_FOO=VALUE`` -> (``CONFIG_FOO``, ``VALUE``); a string value may be quoted
    (``CONFIG_LOCALVERSION="-x"``), and is kept quoted, as ``.config`` writes it."""
    symbol, sep, value = text.partition("=")
    if not sep or not symbol.startswith("CONFIG_") or not symbol[7:].replace("_", "a").isalnum():
        raise BadAssignment(f"{text}: expected CONFIG_FOO=VALUE")
    if value == "":
        raise BadAssignment(f"{text}: no value (use CONFIG_FOO=n to unset it)")
    return symbol, value


def refused_requests(
    requested: Mapping[str, str], resolved: Mapping[str, str], kconfig: Kconfig
) -> tuple[Refused, ...]:
    """The requested values the resolved configuration does not hold, and why."""
    from depgraph.tree.kconfig import why_refused

    refused = []
    for symbol, wanted in requested.items():
        got = resolved.get(symbol, "n")
        if unquote(wanted) != got:
            why = why_refused(kconfig, symbol, resolved)
            refused.append(Refused(symbol, unquote(wanted), got, why))
    return tuple(refused)


def config_change(
    tree: BuildTree,
    srctree: str,
    text: SourceReader,
    *,
    assignments: Mapping[str, str] | None = None,
    config_text: str | None = None,
    files: Sequence[Change] = (),
    fs: FileSystem = REAL,
) -> ConfigAnswer:
    """What make redoes after ``assignments`` to the tree's ``.config`` (or after its
    ``.config`` is replaced by ``config_text``), expanded by the tree's own Kconfig, and
    after the changes to ``files`` (or symbols taken as changed) if any: the
    configuration part of :func:`depgraph.questions.nextmake.predict`."""
    from depgraph.questions.nextmake import predict

    if srctree != tree.srctree:
        raise DepgraphError(f"{srctree}: not the source tree of {tree.objtree}")
    prediction = predict(
        tree,
        text,
        assignments=dict(assignments or {}),
        config_text=config_text,
        changes=files,
        fs=fs,
    )
    assert prediction.config is not None  # assignments were given: the configuration runs
    return prediction.config


def seed_objects(
    cascade: Cascade,
    diff: BuiltDiff,
    changed: Mapping[str, object],
    dirs_added: Sequence[str] = (),
    dirs_removed: Sequence[str] = (),
    exports: Callable[[str], bool] = lambda obj: False,
) -> list[str]:
    """Add to ``cascade`` what the Makefiles' lists say a configuration change makes or
    unmakes (:func:`depgraph.tree.makefiles.diff_built`): objects compiled for the first time,
    the archives and ``modules.order`` files that gain or lose a member, new modules
    (``.mod``, ``.mod.o``, ``.ko``). An object left from an earlier configuration is
    reused as it is unless it lists a changed symbol, as make would. Returns notes."""
    tree = cascade.tree
    notes: list[str] = []
    reused: list[str] = []
    for change in diff.removed:
        cascade.retire(change.path)
    for module in diff.modules_removed:
        base = module.path.removesuffix(".ko")
        for name in (module.path, base + ".mod", base + ".mod.o"):
            cascade.retire(name)
    for change in (*diff.added, *diff.switched):
        obj = change.path
        record = tree.targets.get(obj)
        how = ReasonKind.ADDED if change.old is None else ReasonKind.SWITCHED
        where = Reason(how, change.where)
        if change.old is None and record is not None and obj in tree.stale:
            cascade.revive(obj)
            if any(symbol in changed for symbol in _symbols(record)):
                cascade.redo(obj, where)
            else:
                reused.append(obj)
        elif change.old is None and record is None:
            linked = obj.endswith(".o") and _is_module_object(diff, obj)
            cascade.make_new(obj, NodeKind.OBJECT, not linked, where)
        elif change.old is not None:  # y <-> m: -DMODULE and the module name change
            cascade.redo(obj, where)
        archive = _archive_of(change)
        if change.new == "y":
            _up(cascade, _dir(obj), archive, Reason(ReasonKind.INPUT, obj), NodeKind.ARCHIVE)
        if change.old == "y":
            _up(cascade, _dir(obj), archive, Reason(ReasonKind.DROPPED, obj), NodeKind.ARCHIVE)
    for change in diff.removed:
        if change.old == "y":
            dropped = Reason(ReasonKind.DROPPED, change.path)
            _up(cascade, _dir(change.path), _archive_of(change), dropped, NodeKind.ARCHIVE)
    # A directory kbuild now descends into writes a modules.order (empty or not) that
    # its parent's lists; one it leaves changes its parent's.
    for directory in dirs_added:
        added = Reason(ReasonKind.ADDED, directory + "/")
        _up(cascade, directory, "modules.order", added, NodeKind.GENERATED, new_directory=True)
    for directory in dirs_removed:
        dropped = Reason(ReasonKind.DROPPED, directory + "/")
        _up(cascade, _dir(directory), "modules.order", dropped, NodeKind.GENERATED)
    for module in diff.modules_added:
        base = module.path.removesuffix(".ko")
        reason = Reason(ReasonKind.ADDED, module.where)
        for name, kind, compiled in (
            (base + ".mod", NodeKind.GENERATED, False),
            (base + ".mod.o", NodeKind.OBJECT, True),
            (module.path, NodeKind.MODULE, False),
        ):
            if cascade.known(name):
                cascade.redo(name, reason)
            else:
                cascade.make_new(name, kind, compiled, reason)
        listed = Reason(ReasonKind.INPUT, module.path)
        _up(cascade, _dir(base), "modules.order", listed, NodeKind.GENERATED)
    for module in diff.modules_removed:
        dropped = Reason(ReasonKind.DROPPED, module.path)
        _up(cascade, _dir(module.path), "modules.order", dropped, NodeKind.GENERATED)
    # vmlinux's export table (.vmlinux.export.c, written only when its content changes)
    # lists the EXPORT_SYMBOLs of built-in code: an object that exports joining or
    # leaving the kernel changes it.
    moved = [c.path for c in (*diff.added, *diff.removed, *diff.switched) if "y" in (c.old, c.new)]
    export = VMLINUX_EXPORT_OBJECT
    exporting = [obj for obj in moved if exports(obj)]
    if exporting and cascade.known(export):
        cascade.redo(export, Reason(ReasonKind.EXPORTS, exporting[0]))
    if reused:
        notes.append(
            f"{len(reused)} object(s) built under an earlier configuration are linked in "
            f"again as they are, since nothing they depend on changed: {', '.join(reused[:3])}"
        )
    return notes


def _up(
    cascade: Cascade,
    directory: str,
    name: str,
    reason: Reason,
    kind: NodeKind,
    *,
    new_directory: bool = False,
) -> None:
    """``directory/name`` (an archive or ``modules.order``) is redone for ``reason``. If
    the tree has none, it is new; if it has one left from an earlier configuration, that
    one is used again as it is (make redoes it only if a member is redone); either way
    the parent directory's lists it from now on, and so on up to one the tree builds now
    (from there the cascade follows the tree's own records). In a ``new_directory``
    (one the old configuration did not descend into) the first one is never live."""
    tree = cascade.tree
    while True:
        target = f"{directory}/{name}" if directory else name
        if cascade.known(target) and not new_directory:
            cascade.redo(target, reason)
            return
        new_directory = False
        if target in tree.targets:
            cascade.revive(target)
        else:
            cascade.make_new(target, kind, False, reason)
        if not directory:
            return
        reason = Reason(ReasonKind.INPUT, target)
        directory = _dir(directory)
        name = "built-in.a" if name == "lib.a" else name


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _archive_of(change: ObjectChange) -> str:
    return "lib.a" if change.via == "lib" else "built-in.a"


def _is_module_object(diff: BuiltDiff, obj: str) -> bool:
    """A composite module's object, linked (``ld -r``) from its members."""
    return any(c.path == obj and c.via == "module" for c in (*diff.added, *diff.switched))


def _symbols(target: Target) -> set[str]:
    return {symbol for symbol, _ in target.stamps}


def seed_flags(
    cascade: Cascade,
    makefiles: Sequence[tuple[str, str, Makefile]],
    changed: Mapping[str, tuple[str, str]],
    old: Mapping[str, str],
    new: Mapping[str, str],
    resets: Callable[[str, str], bool] = lambda directory, variable: False,
) -> None:
    """Add to ``cascade`` the objects whose command line a changed symbol changes through
    a Makefile's flag variables (``ccflags-$(CONFIG_X)``, ``KBUILD_CFLAGS`` under
    ``ifdef CONFIG_X``, ``CFLAGS_foo.o``…): kbuild's ``if_changed`` redoes a target whose
    command changed. ``makefiles`` are (directory, path, parsed) with ``""`` for the
    Makefiles whose flags reach every object (the top one, the arch one).

    Which objects: those the variable reaches (by its scope), compiled by kbuild for the
    kernel (``-D__KERNEL__``; host programs take other flags) from a source the variable
    applies to (``.c`` for C flags, ``.S`` for assembler flags); and, when the flags
    that apply now are known words (``-O2``), only the objects whose command holds one;
    never the objects of a directory that replaces the variable (``resets``: x86's boot
    code sets its own ``KBUILD_CFLAGS``)."""
    from depgraph.parse.makefile import flag_symbols

    compiled = [
        (name, target)
        for name, target in cascade.tree.targets.items()
        if target.compiled and name not in cascade.tree.stale and "-D__KERNEL__" in target.command
    ]
    for directory, path, makefile in makefiles:
        uses = flag_symbols(makefile)
        by_line = {a.line: a for a in makefile.assignments}
        for symbol in sorted(set(uses) & set(changed)):
            for use in uses[symbol]:
                assignment = by_line.get(use.line)
                if assignment is None:
                    continue
                was, now = _applies(assignment, symbol, old), _applies(assignment, symbol, new)
                if was == now and use.via != "value":
                    continue
                words = (
                    _words(assignment) if was else _sibling_words(makefile, assignment, symbol, old)
                )
                text = f"{assignment.name} {assignment.op} {assignment.value}".strip()
                for name, target in _reached(compiled, use, directory, assignment.name):
                    if words and not words & set(target.command.split()):
                        continue
                    if not directory and resets(_dir(name), assignment.name):
                        continue
                    step = Step(path, use.line, text, name)
                    cascade.redo(name, Reason(ReasonKind.COMMAND, symbol, mentions=(step,)))


def _applies(assignment: Assignment, symbol: str, values: Mapping[str, str]) -> bool:
    """Whether the assignment takes effect with ``values`` (its guards hold, and a name
    like ``ccflags-$(CONFIG_X)`` expands to a ``-y`` list)."""
    if any(guard.holds(values) is False for guard in assignment.guards):
        return False
    if f"$({symbol})" in assignment.name:
        return values.get(symbol, "n") == "y"
    return True


def _words(assignment: Assignment) -> set[str]:
    return {word for word in assignment.value.split() if "$" not in word}


def _sibling_words(
    makefile: Makefile, assignment: Assignment, symbol: str, values: Mapping[str, str]
) -> set[str]:
    """The known words of the assignments to the same variable in the same conditional
    (its other branches: the ``else`` of an ``ifdef``, the ``ifdef`` an ``else ifdef``
    follows) that take effect with ``values``."""
    chain = {guard.line for guard in assignment.guards}
    found: set[str] = set()
    for other in makefile.assignments:
        if other.name != assignment.name or other is assignment:
            continue
        shares = any(guard.line in chain for guard in other.guards)
        if shares and _applies(other, symbol, values):
            found |= _words(other)
    return found


def _reached(
    compiled: Sequence[tuple[str, Target]], use: FlagUse, directory: str, variable: str
) -> list[tuple[str, Target]]:
    from depgraph.parse.makefile import FlagScope

    lowered = variable.lower()
    suffixes: tuple[str, ...] = ()
    if "rustflags" in lowered:
        suffixes = (".rs",)
    elif "cflags" in lowered or "cppflags" in lowered:
        suffixes = (".c",) if "cppflags" not in lowered else ()
    elif "aflags" in lowered or "asflags" in lowered:
        suffixes = (".S",)
    prefix = f"{directory}/" if directory else ""
    reached = []
    for name, target in compiled:
        if suffixes and not (target.source or "").endswith(suffixes):
            continue
        if use.scope == FlagScope.OBJECT:
            if name != prefix + (use.target or ""):
                continue
        elif use.scope == FlagScope.DIRECTORY and directory:
            if _dir(name) != directory:
                continue
        elif use.scope != FlagScope.ALL and directory and not name.startswith(prefix):
            continue
        reached.append((name, target))
    return reached
