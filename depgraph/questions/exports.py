"""Export tables: what an edit of a source that exports symbols does to them.

modpost (``scripts/Makefile.modpost``, run by every make that links) writes
``.vmlinux.export.c`` (one line for each ``EXPORT_SYMBOL*`` of built-in code, in link
order) and each module's ``<module>.mod.c`` (the module's own exports among the rest),
every file only when its content changes; ``.vmlinux.export.o`` (``CONFIG_MODULES``) and
``<module>.mod.o`` are compiled again when it does. Objects joining or leaving the kernel
are handled with them (:func:`depgraph.questions.configchange.seed_objects`); here, an
edit of the source of an object of vmlinux or of a module:

* **described** (a patch, a git range; :func:`export_edit`): the export calls of the whole
  file before and after, in order, each kept when the conditionals around it hold with
  the configuration it is compiled with (:func:`depgraph.parse.source.guards_hold`);
* **pending** (``status``; :func:`pending_exports`): the exports the object was built
  with (its ``__export_symbol_*`` labels, Linux 6.5 and later, in order) against the
  export calls its source compiles now.

A conditional not read, an export macro not read as one call, or (pending) a macro whose
export cannot be named, is reported unless the table changes whatever it does. An export
written by a macro of a header, whose name the source never spells, is not seen.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from depgraph.kbuild.facts import VMLINUX_EXPORT_OBJECT
from depgraph.model import BuildTree, ReasonKind
from depgraph.parse.elf import EXPORT_PREFIX, ordered_symbol_names
from depgraph.parse.source import ExportCall, ExportSequence, export_sequence, guards_hold
from depgraph.questions.makechange import Unknown, changed_lines
from depgraph.questions.why import Cascade, Reason
from depgraph.tree.fs import FileSystem
from depgraph.tree.makefiles import BuiltObjects

_EXPORT = VMLINUX_EXPORT_OBJECT


def export_owners(
    tree: BuildTree, source: str, new: BuiltObjects | None = None
) -> list[tuple[str, str, bool]]:
    """``(object, table, module)`` for each live object compiled from ``source`` that
    ``new`` (the lists after the edits) still builds and whose exports land in a table:
    ``.vmlinux.export.o`` for built-in code (an archive takes the object), the module's
    ``<module>.mod.o`` for a module's object (``module`` True: compiled with ``MODULE``)."""
    found: list[tuple[str, str, bool]] = []
    if tree.layout != "M=" and _EXPORT not in tree.targets:
        return found  # no modules: no export table
    for obj in sorted(tree.users.get(source, ())):
        if (
            tree.targets[obj].source != source
            or obj in tree.stale
            or (new is not None and obj not in new.objects)
        ):
            continue
        users = tree.users.get(obj, ())
        if any(a.endswith(".a") for a in users):
            found.append((obj, _EXPORT, False))
            continue
        for module in (obj, *sorted(u for u in users if u.endswith(".o"))):
            table = module[: -len(".o")] + ".mod.o"
            if table in tree.targets and table not in tree.stale:
                found.append((obj, table, True))
                break
    return found


# The header that marks an export with a label modpost reads (since 6.5): before it,
# each object carries its own __ksymtab entries, .vmlinux.export.c holds symbol CRCs
# only and a .mod.c no KSYMTAB lines, so an export edit recompiles the object alone.
EXPORT_HEADER = "include/linux/export.h"


def tables_list_exports(text: str | None) -> bool:
    """Whether the kernel's export tables list its exports, judged from the text of its
    :data:`EXPORT_HEADER` (None: not found, as for an external module's tree)."""
    return text is None or EXPORT_PREFIX in text


def _compiled(
    sequence: ExportSequence, config: Mapping[str, str], module: bool
) -> tuple[list[ExportCall], list[ExportCall]]:
    """The calls of ``sequence`` compiled with ``config``, and those whose conditionals
    are not read."""
    compiled: list[ExportCall] = []
    doubtful: list[ExportCall] = []
    for call in sequence.calls:
        holds = guards_hold(call.guards, config, module)
        if holds is None:
            doubtful.append(call)
        elif holds:
            compiled.append(call)
    return compiled, doubtful


def _doubt(ident: str, call: ExportCall, table: str) -> Unknown:
    conditional = " / ".join(" ".join(chain) for chain in call.guards)
    return Unknown(f"{ident}:{call.line}",
                   f"an export call under a conditional not evaluated ({conditional})",
                   f"{table} may be recompiled")  # fmt: skip


def export_edit(
    cascade: Cascade,
    ident: str,
    path: str,
    views: tuple[FileSystem, FileSystem],
    new: BuiltObjects | None,
    configs: tuple[Mapping[str, str], Mapping[str, str]],
) -> list[Unknown]:
    """An edit of ``ident`` (at ``path``; its text in the ``views`` before and after) that
    adds, drops, reorders or changes an export call compiled into vmlinux or a module
    redoes the object of its export table (``.vmlinux.export.o``, ``<module>.mod.o``).
    ``configs``: the configuration the object was built with and the one of the next
    make, which decide the conditionals around the calls."""
    owners = [o for o in export_owners(cascade.tree, ident, new) if cascade.known(o[1])]
    header = views[1].text_or_none(os.path.join(cascade.tree.srctree, EXPORT_HEADER))
    if not owners or not tables_list_exports(header):
        return []  # no modules, no export table, or one that does not list exports
    old_text, new_text = (view.text_or_none(path) for view in views)
    removed, added = changed_lines(old_text, new_text)
    before, after = export_sequence(old_text or ""), export_sequence(new_text or "")
    unread = [
        (line, when)
        for lines, changed, when in (
            (before.unread, removed, "before the edit"),
            (after.unread, added, "after the edit"),
        )
        for line in lines
        if line in changed
    ]
    same_text = [(c.call, c.guards) for c in before.calls] == [
        (c.call, c.guards) for c in after.calls
    ]
    unknown: list[Unknown] = []
    for obj, table, module in owners:
        (old, old_doubts), (now, now_doubts) = (
            _compiled(before, configs[0], module),
            _compiled(after, configs[1], module),
        )
        old_calls, new_calls = [c.call for c in old], [c.call for c in now]
        if old_doubts or now_doubts:
            doubted = {c.call for c in (*old_doubts, *now_doubts)}
            differ = (Counter(old_calls) - Counter(new_calls)) + (
                Counter(new_calls) - Counter(old_calls)
            )
            if any(call not in doubted for call in differ):
                cascade.redo(table, Reason(ReasonKind.EXPORTS, obj))
            elif not (same_text and configs[0] == configs[1]):
                unknown.extend(_doubt(ident, c, table) for c in (*old_doubts, *now_doubts))
            continue
        if old_calls != new_calls:
            cascade.redo(table, Reason(ReasonKind.EXPORTS, obj))
            continue
        for line, when in unread:
            unknown.append(Unknown(f"{ident}:{line}",
                                   f"an export macro not read as one call ({when})",
                                   f"{table} may be recompiled"))  # fmt: skip
    return _unique(unknown)


def _unique(unknown: list[Unknown]) -> list[Unknown]:
    return list(dict.fromkeys(unknown))


def pending_exports(
    cascade: Cascade,
    edited: Sequence[tuple[str, str]],
    read: Callable[[str], bytes | None],
    config: Mapping[str, str],
) -> list[Unknown]:
    """For objects whose source is newer than them (``(object, source)`` pairs), whether
    the next make changes their export table: the names the object exported, in order,
    against the export calls its source compiles now with ``config`` (the next make's).
    ``read`` gives a tree file's bytes."""
    unknown: list[Unknown] = []
    header = read(EXPORT_HEADER) if edited else None
    if edited and not tables_list_exports(header.decode("utf-8", "replace") if header else None):
        return unknown
    for obj, source in edited:
        owner = next((o for o in export_owners(cascade.tree, source) if o[0] == obj), None)
        if owner is None or not cascade.known(owner[1]):
            continue
        _, table, module = owner
        data = read(source)
        sequence = export_sequence(data.decode("utf-8", errors="replace") if data else "")
        built = read(obj)
        then = ordered_symbol_names(built, EXPORT_PREFIX) if built is not None else None
        if then is None:
            why = f"whether the exports of {obj} change: its object cannot be read"
            unknown.append(Unknown(source, why, f"{table} may be recompiled"))
            continue
        compiled, doubtful = _compiled(sequence, config, module)
        names = [call.name for call in compiled]
        if any(name is not None and name not in then for name in names):
            cascade.redo(table, Reason(ReasonKind.EXPORTS, obj))
            continue  # a symbol exported now that the object does not export
        if sequence.unread or doubtful or None in names:
            why = ("an export macro not read as one call" if sequence.unread
                   else "a conditional not evaluated" if doubtful
                   else "a macro exports symbols not named in its call")  # fmt: skip
            unknown.append(Unknown(source, f"whether the exports of {obj} change: {why}",
                                   f"{table} may be recompiled"))  # fmt: skip
            continue
        if tuple(names) != then:  # one dropped, or the order changed
            cascade.redo(table, Reason(ReasonKind.EXPORTS, obj))
    return unknown
