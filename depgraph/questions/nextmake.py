"""What the next make does after edits described rather than made: a patch series, a git
range, ``CONFIG_FOO=VALUE`` assignments, a whole new ``.config``, or files taken as
changed. One computation serves them all (``why-rebuild`` with any of them).

The edits give two views of the source tree (:class:`depgraph.tree.edits.EditSet`): as the
last build saw it, and as the next make will. Then, as kbuild would:

1. **Configuration.** When a Kconfig file changed, or ``.config`` is replaced or edited,
   the tree's own Kconfig program resolves the configuration on the new sources
   (:mod:`depgraph.tree.conf`, run on a scratch copy: :func:`~depgraph.tree.edits.shadow_srctree`);
   the symbols whose value then differs from ``include/config/auto.conf`` have their
   stamps touched by syncconfig, so their users recompile.
2. **Makefiles.** Both views are evaluated with their configuration
   (:func:`depgraph.tree.makefiles.built_objects`): objects added, dropped or switched
   between built-in and module, new or gone modules and directories
   (:func:`~depgraph.questions.configchange.seed_objects`), and the objects whose command
   inputs differ (:func:`~depgraph.questions.makechange.seed_commands`); the top and arch
   Makefiles' flags changed by a symbol (:func:`~depgraph.questions.configchange.seed_flags`).
   A rule, a recipe or a value depgraph cannot evaluate is reported, never guessed.
3. **Sources and headers.** An edited file some target lists is a changed prerequisite
   (rule 1). A deleted one is not: fixdep's empty rule keeps make going and nothing is
   redone for it alone. An edited file no target lists changes nothing, and the answer
   says why (not built, and under which condition).
4. **Generated headers** whose content the configuration or the top Makefile's version
   decides (``include/generated/utsrelease.h``: ``CONFIG_LOCALVERSION``) change when
   those do (:data:`depgraph.kbuild.facts.RELEASE_HEADERS`).
5. The link cascade follows (:class:`~depgraph.questions.why.Cascade`).

Each redone target is traced back to the edited files that bring it (``by_file``).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import assert_never

from depgraph.kbuild.facts import RELEASE_HEADERS
from depgraph.kbuild.paths import PathNormaliser
from depgraph.model import BuildTree, ReasonKind
from depgraph.parse.config import changed_values
from depgraph.parse.makefile import parse_makefile
from depgraph.questions.configchange import (
    ConfigAnswer,
    refused_requests,
    seed_flags,
    seed_objects,
)
from depgraph.questions.exports import export_edit
from depgraph.questions.makechange import (
    Unknown,
    changed_lines,
    makefile_unknowns,
    read_names,
    seed_commands,
)
from depgraph.questions.why import Answer, Cascade, Change, Reason
from depgraph.tree.edits import Edit, EditKind, EditSet, is_kconfig, kconfig_sources
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.makefiles import (
    BuiltObjects,
    Resets,
    built_objects,
    diff_built,
    exports_symbols,
)
from depgraph.tree.sources import SourceReader, config_pending
from depgraph.tree.workspace import read_input


@dataclass(frozen=True, slots=True)
class Unused:
    """An edited file that changes nothing the next make does, and why."""

    path: str
    why: str


@dataclass(frozen=True)
class Prediction:
    """What the next make does after the edits: the answer (and its configuration part,
    when the configuration changes), the edits, which edited file brings which targets,
    what could not be evaluated, and the edited files that change nothing."""

    answer: Answer
    config: ConfigAnswer | None
    edits: tuple[Edit, ...] = ()
    by_file: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unknown: tuple[Unknown, ...] = ()
    unused: tuple[Unused, ...] = ()
    described: str = ""
    assumed: tuple[str, ...] = ()  # what the answer takes as given, said first


def _is_makefile(rel: str) -> bool:
    base = posixpath.basename(rel)
    return base in ("Makefile", "Kbuild") or base.startswith(("Makefile.", "Kbuild."))


@dataclass
class Plan:
    """What the edits do, worked out before any cascade runs: the symbols whose value
    changes (and the configuration answer, without its targets), how to seed a cascade
    with what the edits make make redo (:meth:`seed`; the changed symbols' users are left
    to the caller: their stamps), and what the answer needs afterwards."""

    tree: BuildTree
    changes: tuple[Change, ...]
    symbols: dict[str, tuple[str, str]]
    config: ConfigAnswer | None
    notes: list[str]
    assumed: list[str]
    unknown: list[Unknown]
    seeds: list[Callable[[Cascade], None]]
    edits: EditSet | None
    changed: Mapping[str, EditKind]
    rel: Mapping[str, str]
    kconfigs: list[str]
    release: list[str]
    new: BuiltObjects | None
    new_values: Mapping[str, str]
    srcarch: str | None

    def seed(self, cascade: Cascade) -> None:
        """Redo in ``cascade`` what the edits make make redo (not the symbols' users)."""
        for step in self.seeds:
            step(cascade)


def plan(
    tree: BuildTree,
    *,
    edits: EditSet | None = None,
    assignments: Mapping[str, str] | None = None,
    config_text: str | None = None,
    changes: Sequence[Change] = (),
    fs: FileSystem = REAL,
    values: Mapping[str, str] | None = None,
) -> Plan:
    """Work out what ``edits`` (a patch series, a git range), ``assignments`` to
    ``.config`` (or ``config_text`` replacing it), and ``changes`` (files or symbols taken
    as changed) do; see the module docstring. ``values`` is the configuration the next
    syncconfig writes when it is known already (a pending edit, resolved)."""
    from depgraph.tree.conf import recorded_env, resolve
    from depgraph.tree.kconfig import choice_assignments, read_kconfig

    srctree, objtree = tree.srctree, tree.objtree
    before = edits.before if edits is not None else fs
    after = edits.after if edits is not None else fs
    norm = PathNormaliser(objtree, srctree)
    changed = edits.changed if edits is not None else {}
    rel = {path: _relative(path, srctree) for path in changed}
    kconfigs = sorted(p for p in changed if is_kconfig(rel[p]))
    makefiles = sorted(p for p in changed if _is_makefile(rel[p]))
    others = [p for p in changed if p not in kconfigs and p not in makefiles]
    notes: list[str] = []
    assumed: list[str] = []
    unknown: list[Unknown] = []
    env = recorded_env(objtree, fs)
    srcarch = env.get("SRCARCH")

    # 1. The configuration the next syncconfig writes.
    config: ConfigAnswer | None = None
    new_values: Mapping[str, str] = tree.auto_conf
    symbols: dict[str, tuple[str, str]] = {}
    requested = dict(assignments or {})
    if values is not None and not kconfigs:  # edited Kconfig files resolve again below
        new_values = values
        symbols = changed_values(tree.auto_conf, new_values)
        if symbols:
            assumed.append(pending_statement(symbols))
    elif kconfigs or assignments is not None or config_text is not None:
        kconfig = read_kconfig(srctree, "Kconfig", {**env, "srctree": srctree}, fs=after)
        if config_text is None:
            config_text = read_input(fs, os.path.join(objtree, ".config"))
            if config_pending(objtree, fs):
                assumed.append(
                    ".config was edited since the last build: the next make applies it "
                    "first, and this answer includes it"
                )
        expanded = dict(requested)  # =y on a choice member sets the others to n
        for symbol, value in requested.items():
            for member, set_to in choice_assignments(kconfig, symbol, value).items():
                expanded.setdefault(member, set_to)
        with kconfig_sources(edits, srctree) as sources:
            resolved = resolve(objtree, sources, config_text, expanded, fs)
        new_values = resolved.values
        symbols = changed_values(tree.auto_conf, new_values)
        refused = refused_requests(requested, new_values, kconfig)
        config = ConfigAnswer(symbols, refused, resolved.program, Answer((), (), ()))

    # 2. The Makefiles of both views.
    old: BuiltObjects | None = None
    new: BuiltObjects | None = None
    edited_lines: dict[str, set[int]] = {}
    if makefiles or symbols:
        old = built_objects(srctree, tree.auto_conf, srcarch=srcarch, fs=before)
        new = built_objects(srctree, new_values, srcarch=srcarch, fs=after)
        read = read_names((old, new))
        for path in makefiles:
            name = rel[path]
            old_text, new_text = before.text_or_none(path), after.text_or_none(path)
            edited_lines[name] = changed_lines(old_text, new_text)[1]
            unknown.extend(_makefile_unknowns(name, old_text, new_text, old, new, read, srcarch))

    release = _release_changes(rel, makefiles, before, after, symbols)

    def seed(cascade: Cascade) -> None:
        # Membership first: an object the edits list again (a leftover of an earlier
        # build) is then redone when its own files changed, and one they drop is not.
        if old is not None and new is not None:
            built = diff_built(old, new)
            notes.extend(
                seed_objects(
                    cascade,
                    built,
                    symbols,
                    sorted(set(new.directories) - set(old.directories)),
                    sorted(set(old.directories) - set(new.directories)),
                    lambda obj: exports_symbols(srctree, obj, after),
                )
            )
        for change in changes:
            cascade.reach(change.ident, change.is_symbol)
        for path in others:
            _seed_file(cascade, norm.from_absolute(path), changed[path], unknown, new)
            if changed[path] is EditKind.CHANGED:
                unknown.extend(export_edit(cascade, norm.from_absolute(path), path,
                                           (before, after), new,
                                           (tree.auto_conf, new_values)))  # fmt: skip
        if old is not None and new is not None:
            unknown.extend(
                seed_commands(
                    cascade, old, new, (tree.auto_conf, new_values), symbols, edited_lines
                )
            )
        if symbols:
            top = [("", "Makefile"), *([("", f"arch/{srcarch}/Makefile")] if srcarch else [])]
            parsed = []
            for directory, name in top:
                text = after.text_or_none(os.path.join(srctree, name))
                if text is not None:
                    parsed.append((directory, name, parse_makefile(text, name)))
            resets = Resets(srctree, after)
            seed_flags(cascade, parsed, symbols, tree.auto_conf, new_values, resets)
        for header in release:
            cascade.reach(header)

    edited = tuple(Change(norm.from_absolute(p)) for p in changed)
    return Plan(
        tree,
        (*changes, *edited, *(Change(s) for s in symbols)),
        symbols,
        config,
        notes,
        assumed,
        unknown,
        [seed],
        edits,
        changed,
        rel,
        kconfigs,
        release,
        new,
        new_values,
        srcarch,
    )


def pending_statement(symbols: Mapping[str, tuple[str, str]]) -> str:
    """How an answer says it includes the pending configuration."""
    shown = ", ".join(f"{s}: {old or '(empty)'} → {new or '(empty)'}"
                      for s, (old, new) in list(symbols.items())[:4])  # fmt: skip
    more = f" (+{len(symbols) - 4} more)" if len(symbols) > 4 else ""
    return (
        f"the configuration was edited since the last build ({shown}{more}): the next make "
        "applies it first, and this answer includes it"
    )


def predict(
    tree: BuildTree,
    reader: SourceReader,
    *,
    edits: EditSet | None = None,
    assignments: Mapping[str, str] | None = None,
    config_text: str | None = None,
    changes: Sequence[Change] = (),
    fs: FileSystem = REAL,
    values: Mapping[str, str] | None = None,
) -> Prediction:
    """What make redoes after the edits :func:`plan` works out, and why."""
    worked = plan(
        tree, edits=edits, assignments=assignments, config_text=config_text,
        changes=changes, fs=fs, values=values,
    )  # fmt: skip
    cascade = Cascade(tree, reader)
    worked.seed(cascade)  # first: what it retires is not redone by the symbols either
    for symbol in worked.symbols:
        cascade.reach(symbol, True)
    return conclude(worked, cascade.answer(worked.changes), fs)


def conclude(worked: Plan, answer: Answer, fs: FileSystem = REAL) -> Prediction:
    """The prediction of a plan, once its cascade has given ``answer``."""
    tree = worked.tree
    norm = PathNormaliser(tree.objtree, tree.srctree)
    edits = worked.edits
    after = edits.after if edits is not None else fs
    all_notes = (*worked.notes, *answer.notes)
    config = worked.config
    if config is not None:
        config = replace(config, answer=answer, notes=all_notes)
    rel, changed = worked.rel, worked.changed
    others = [p for p in changed if p not in worked.kconfigs and not _is_makefile(rel[p])]
    unused = _unused(
        tree, norm, others, changed, answer, worked.new, worked.new_values, after, worked.srcarch
    )
    by_file = (
        _by_file(
            answer,
            {norm.from_absolute(p): rel[p] for p in changed},
            worked.symbols,
            [rel[p] for p in worked.kconfigs],
            worked.release,
        )
        if changed
        else {}
    )
    return Prediction(
        replace(answer, notes=all_notes),
        config,
        edits.edits if edits is not None else (),
        by_file,
        tuple(worked.unknown),
        unused,
        edits.description if edits is not None else "",
        tuple(worked.assumed),
    )


def _relative(path: str, srctree: str) -> str:
    prefix = srctree.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path


def _makefile_unknowns(
    name: str,
    old_text: str | None,
    new_text: str | None,
    old: BuiltObjects,
    new: BuiltObjects,
    read: set[str],
    srcarch: str | None,
) -> list[Unknown]:
    """What an edit of one Makefile does that the evaluation does not cover. The flags of
    the top Makefile, the arch one and kbuild's own are not evaluated (they reach every
    object, through values such as ``$(call cc-option,…)``)."""
    old_parsed = old.makefiles.get(name)
    new_parsed = new.makefiles.get(name)
    evaluated = old_parsed is not None or new_parsed is not None
    top = name in ("Makefile", f"arch/{srcarch}/Makefile") or name.startswith("scripts/")
    if not evaluated:  # a Makefile kbuild reads but the walk does not (kbuild's own,
        # the top one, a directory built by an explicit rule such as the boot image)
        old_parsed = parse_makefile(old_text, name) if old_text is not None else None
        new_parsed = parse_makefile(new_text, name) if new_text is not None else None
        read = set()
    found = makefile_unknowns(
        name, old_text, new_text, old_parsed, new_parsed, read,
        flags_evaluated=evaluated and not top,
        known=_VERSION_LINES if name == "Makefile" else (),
    )  # fmt: skip
    added = changed_lines(old_text, new_text)[1]
    for diagnostic in new.diagnostics:
        if diagnostic.path == name and diagnostic.line in added:
            found.append(Unknown(f"{name}:{diagnostic.line}", diagnostic.message,
                                 "what it lists is not known"))  # fmt: skip
    for assumption in new.assumed:
        if assumption.path == name and assumption.guard.line in added:
            found.append(Unknown(f"{name}:{assumption.guard.line}",
                                 f"cannot decide {assumption.guard.text}",
                                 "it was taken as true"))  # fmt: skip
    if not evaluated and found:
        what = "kbuild's own rules" if name.startswith("scripts/") else "this Makefile"
        found = [replace(u, effect=f"{u.effect} ({what}: not evaluated by depgraph)")
                 for u in found]  # fmt: skip
    return found


_VERSION_LINES = ("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION", "NAME")


def _release_changes(
    rel: Mapping[str, str],
    makefiles: Sequence[str],
    before: FileSystem,
    after: FileSystem,
    symbols: Mapping[str, tuple[str, str]],
) -> list[str]:
    """The generated headers of :data:`RELEASE_HEADERS` whose content changes: a symbol
    they hold changed, or a version line of the top Makefile."""
    versions: set[str] = set()
    for path in makefiles:
        if rel[path] != "Makefile":
            continue
        old = parse_makefile(before.text_or_none(path) or "", "Makefile")
        new = parse_makefile(after.text_or_none(path) or "", "Makefile")
        values_before = {a.name: a.value for a in old.assignments}
        values_after = {a.name: a.value for a in new.assignments}
        versions = {
            name
            for name in ("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION")
            if values_before.get(name) != values_after.get(name)
        }
    return [
        header
        for header, (held, lines) in RELEASE_HEADERS.items()
        if set(held) & set(symbols) or lines & versions
    ]


def _seed_file(
    cascade: Cascade,
    ident: str,
    kind: EditKind,
    unknown: list[Unknown],
    new: BuiltObjects | None,
) -> None:
    """An edited source or header: its users are redone (rule 1); a deleted one only
    stops the build when a target still compiled from it is built."""
    tree = cascade.tree
    if kind is not EditKind.DELETED:
        cascade.reach(ident)
        return
    for user in tree.users.get(ident, ()):
        target = tree.targets[user]
        dropped = new is not None and user.endswith(".o") and user not in new.objects
        if target.source == ident and user not in tree.stale and not dropped:
            unknown.append(Unknown(ident, f"deleted, but {user} is still built from it",
                                   "make will stop: no rule to make it"))  # fmt: skip


def _unused(
    tree: BuildTree,
    norm: PathNormaliser,
    others: Sequence[str],
    changed: Mapping[str, EditKind],
    answer: Answer,
    new: BuiltObjects | None,
    values: Mapping[str, str],
    after: FileSystem,
    srcarch: str | None,
) -> tuple[Unused, ...]:
    """The edited files that no target of the answer comes from, and why."""
    redone = {r.target for r in (*answer.compile, *answer.link)}
    causes = {reason.cause for r in (*answer.compile, *answer.link) for reason in r.reasons}
    found: list[Unused] = []
    evaluated = new
    for path in others:
        ident = norm.from_absolute(path)
        if ident in causes or ident in redone:
            continue
        kind = changed[path]
        if kind is EditKind.DELETED:
            found.append(Unused(ident, "deleted: make redoes nothing for a deleted file alone "
                                "(fixdep's empty rule for it)"))  # fmt: skip
            continue
        if ident in tree.users:
            continue  # listed, but every user is a leftover: the cascade's note says so
        if ident.endswith((".c", ".S")):
            if evaluated is None:
                evaluated = built_objects(tree.srctree, values, srcarch=srcarch, fs=after)
            if ident.rsplit(".", 1)[0] + ".o" in redone:
                continue  # a new object's source
            found.append(Unused(ident, _why_not_built(ident, evaluated, values)))
        else:
            found.append(Unused(ident, "no target of this build lists it"))
    return tuple(found)


def _why_not_built(source: str, objects: BuiltObjects, values: Mapping[str, str]) -> str:
    """Why the object of ``source`` is not built: the Makefile line that lists it, with
    the symbols and conditions that keep it out, or that no Makefile lists it."""
    obj = source.rsplit(".", 1)[0] + ".o"
    directory, _, base = obj.rpartition("/")
    record = objects.directories.get(directory or ".")
    if record is None:
        return f"{obj} is not built: kbuild does not descend into {directory or '.'}/"
    makefile = objects.makefiles.get(record.makefile)
    for assignment in makefile.assignments if makefile is not None else ():
        if base not in assignment.value.split():
            continue
        why = [
            f"{symbol} is not set" if values.get(symbol, "n") in ("", "n") else
            f"{symbol}={values[symbol]}"
            for symbol in assignment.symbols if f"$({symbol})" in assignment.name
        ]  # fmt: skip
        why += [g.describe() for g in assignment.guards if g.holds(values) is False]
        reason = "; ".join(why) or "its list is not built here"
        return (f"{obj} is not built: listed at {record.makefile}:{assignment.line} "
                f"({assignment.name} {assignment.op} …), {reason}")  # fmt: skip
    return f"{obj} is not built: no Makefile of this build lists it"


def _by_file(
    answer: Answer,
    edited: Mapping[str, str],
    symbols: Mapping[str, tuple[str, str]],
    kconfigs: Sequence[str] | list[str],
    release: Sequence[str],
) -> dict[str, tuple[str, ...]]:
    """Which edited file brings which redone targets: each target's reasons traced back
    to the edited files (a symbol to the edited Kconfig files, or to ``.config``)."""
    by_target = {r.target: r for r in (*answer.compile, *answer.link)}
    config_roots = (tuple(kconfigs) or (".config",)) if symbols else ()
    memo: dict[str, frozenset[str]] = {}

    def roots(target: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if target in memo:
            return memo[target]
        rebuild = by_target.get(target)
        if rebuild is None or target in seen:
            return frozenset()
        found: set[str] = set()
        for reason in rebuild.reasons:
            found |= _reason_roots(
                target, reason, edited, config_roots, release, roots, seen | {target}
            )
        memo[target] = frozenset(found)
        return memo[target]

    out: dict[str, list[str]] = {}
    for rebuild in (*answer.compile, *answer.link):
        for root in sorted(roots(rebuild.target)):
            out.setdefault(root, []).append(rebuild.target)
    return {root: tuple(targets) for root, targets in sorted(out.items())}


def _reason_roots(
    target: str,
    reason: Reason,
    edited: Mapping[str, str],
    config_roots: tuple[str, ...],
    release: Sequence[str],
    roots: Callable[[str, frozenset[str]], frozenset[str]],
    seen: frozenset[str],
) -> set[str]:
    """The edited files one reason comes from (a redone input: that input's)."""
    cause = reason.cause
    match reason.kind:
        case ReasonKind.SOURCE | ReasonKind.FILE:
            if cause in edited:
                return {edited[cause]}
            if cause in release:
                return set(config_roots) or {"Makefile"}
            return set(roots(cause, seen))  # a file the build generates, redone
        case ReasonKind.CONFIG:
            return set(config_roots)
        case ReasonKind.COMMAND:
            mentioned = {m.file for m in reason.mentions if m.file in edited.values()}
            return mentioned or set(config_roots)
        case ReasonKind.ADDED | ReasonKind.SWITCHED | ReasonKind.DROPPED:
            path = cause.rsplit(":", 1)[0].rstrip("/")
            found = {path} if path in edited.values() else set(config_roots)
            stem = target.rsplit(".", 1)[0]
            found.update(edited[s] for s in (stem + ".c", stem + ".S") if s in edited)
            return found
        case ReasonKind.INPUT | ReasonKind.RELINK | ReasonKind.EXPORTS:
            return set(roots(cause, seen))
        case ReasonKind.MISSING:
            return set()
        case _:
            assert_never(reason.kind)
