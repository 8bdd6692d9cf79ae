"""vmlinux's export table: what an edit of built-in code does to it.

``scripts/Makefile.vmlinux_o`` has modpost write ``.vmlinux.export.c`` (one line for each
``EXPORT_SYMBOL*`` of built-in code, in link order) only when its content changes, and
``.vmlinux.export.o`` is compiled again when it does (``CONFIG_MODULES``). Objects joining
or leaving the kernel are handled with them
(:func:`depgraph.questions.configchange.seed_objects`); here, an edit of the source of a
built-in object:

* **described** (a patch, a git range; :func:`export_edit`): the export calls of the lines
  the edit removes and adds are compared; export lines it does not touch are the same
  before and after;
* **pending** (``status``; :func:`pending_exports`): the exports the object was built
  with (its ``__export_symbol_*`` symbols, Linux 6.5 and later) are compared with the
  export calls its source holds now. When they differ, a call may sit under a conditional
  that is not compiled, or be written by a macro: that cannot be told without the old
  text, and is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from depgraph.kbuild.facts import VMLINUX_EXPORT_OBJECT
from depgraph.model import BuildTree, ReasonKind
from depgraph.parse.elf import EXPORT_PREFIX, symbol_names
from depgraph.parse.source import export_lines
from depgraph.questions.makechange import Unknown, changed_lines
from depgraph.questions.why import Cascade, Reason
from depgraph.tree.fs import FileSystem
from depgraph.tree.makefiles import BuiltObjects

_EXPORT = VMLINUX_EXPORT_OBJECT


def builtin_objects(tree: BuildTree, source: str, new: BuiltObjects | None = None) -> list[str]:
    """The live objects compiled from ``source`` that an archive takes (built-in code),
    and that ``new`` (the lists after the edits) still builds."""
    return [
        user
        for user in sorted(tree.users.get(source, ()))
        if tree.targets[user].source == source
        and user not in tree.stale
        and (new is None or user in new.objects)
        and any(a.endswith(".a") for a in tree.users.get(user, ()))
    ]


def export_edit(
    cascade: Cascade,
    ident: str,
    path: str,
    views: tuple[FileSystem, FileSystem],
    new: BuiltObjects | None,
) -> list[Unknown]:
    """An edit of ``ident`` (at ``path``; its text in the ``views`` before and after) that
    adds, drops or changes an export call of built-in code redoes ``.vmlinux.export.o``.
    An export call under a conditional is taken as compiled."""
    if not cascade.known(_EXPORT):
        return []  # no modules, no export table
    builtin = builtin_objects(cascade.tree, ident, new)
    if not builtin:
        return []
    old_text, new_text = (view.text_or_none(path) for view in views)
    removed, added = changed_lines(old_text, new_text)
    gone = export_lines(old_text or "", removed)
    came = export_lines(new_text or "", added)
    if gone.calls != came.calls:
        cascade.redo(_EXPORT, Reason(ReasonKind.EXPORTS, builtin[0]))
        return []
    unknown: list[Unknown] = []
    for when, lines in (("before the edit", gone.unread), ("after the edit", came.unread)):
        for line in lines:
            unknown.append(Unknown(f"{ident}:{line}",
                                   f"an export macro not read as one call ({when})",
                                   f"{_EXPORT} may be recompiled"))  # fmt: skip
    return unknown


def pending_exports(
    cascade: Cascade,
    edited: Sequence[tuple[str, str]],
    read: Callable[[str], bytes | None],
) -> list[Unknown]:
    """For built-in objects whose source is newer than them (``(object, source)`` pairs),
    whether the next make changes the export table: the names the object exported
    against the export calls of its source now. ``read`` gives a tree file's bytes."""
    if not edited or not cascade.known(_EXPORT):
        return []
    unknown: list[Unknown] = []
    for obj, source in edited:
        if obj not in builtin_objects(cascade.tree, source):
            continue
        data = read(source)
        text = data.decode("utf-8", errors="replace") if data is not None else ""
        lines = set(range(1, text.count("\n") + 2))
        now = export_lines(text, lines)
        names = {call[call.index("(") + 1 :].split(",")[0].rstrip(")") for call in now.calls}
        built = read(obj)
        then = symbol_names(built, EXPORT_PREFIX) if built is not None else None
        if then is not None and not now.unread:
            if names == then:
                continue  # the same exports: an edit of code, not of exports
            if not names:
                cascade.redo(_EXPORT, Reason(ReasonKind.EXPORTS, obj))
                continue  # every export call is gone from the source
        why = ("its object cannot be read" if then is None
               else "its source names other exports than its object holds (a conditional, "
               "a macro, or an edit of its exports)")  # fmt: skip
        unknown.append(Unknown(source, f"whether the exports of {obj} change: {why}",
                               f"{_EXPORT} may be recompiled"))  # fmt: skip
    return unknown
