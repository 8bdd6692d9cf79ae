"""Edits the next make will see, described instead of made: patches applied in memory, a
git range, and the two views of the source tree they give (as the last build saw it, and
as the next make will).

Nothing here writes into the analysed trees. A patch is applied to the texts read through
the :class:`~depgraph.tree.fs.FileSystem` port, and the result is an
:class:`~depgraph.tree.fs.OverlayFileSystem` over the disk. A git range is read with
``git`` (the system's, not a program of the tree): ``git diff`` for the files that differ,
``git show REV:PATH`` for their old texts. The tree's Kconfig program needs the edited
Kconfig files on disk: :func:`shadow_srctree` builds a scratch copy of the source tree
made of symlinks, with the edited files written as real files.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from depgraph.model import DepgraphError, Diagnostic
from depgraph.parse.patch import PatchError, apply_file, parse_patch
from depgraph.tree.fs import REAL, FileSystem, OverlayFileSystem

GIT_TIMEOUT = 120  # seconds: a git diff over a long range of a kernel tree


class EditKind(StrEnum):
    """What an edit does to one file."""

    CHANGED = "changed"
    """The file's text changes."""
    ADDED = "added"
    """The file is created."""
    DELETED = "deleted"
    """The file is removed (a rename is a deletion and an addition)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One file the edits change: its absolute ``path``, and where the change comes from
    (``origin``: a patch file, a git range)."""

    path: str
    kind: EditKind
    origin: str


@dataclass(frozen=True, slots=True)
class EditSet:
    """Edits and the two views of the trees: ``before`` as the last build saw them,
    ``after`` as the next make will. ``unreadable`` holds what could not be evaluated
    (a binary diff: its new content is unknown)."""

    edits: tuple[Edit, ...]
    before: FileSystem
    after: FileSystem
    description: str
    unreadable: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> dict[str, EditKind]:
        """The net effect on each path, in order (a file a patch adds and a later one
        deletes is deleted)."""
        found: dict[str, EditKind] = {}
        for edit in self.edits:
            before = found.get(edit.path)
            if before is EditKind.ADDED and edit.kind is EditKind.CHANGED:
                continue  # still new
            found[edit.path] = edit.kind
        return found


class EditError(DepgraphError):
    """Edits that cannot be described: a patch that does not apply, a bad git range."""


def from_patches(
    fs: FileSystem,
    root: str,
    patches: Sequence[tuple[str, str]],
    *,
    strip: int = 1,
) -> EditSet:
    """The tree after ``patches`` (``(name, text)``, applied in order, like a quilt series)
    to the files below ``root`` (the source tree, or an external module's directory).
    Raises :class:`EditError` when a patch does not apply, as ``patch`` would refuse it;
    its parse warnings (damaged hunks) refuse it too: a partly applied patch describes a
    tree nobody builds."""
    changes: dict[str, bytes | None] = {}
    edits: list[Edit] = []
    unreadable: list[Diagnostic] = []
    for name, text in patches:
        parsed = parse_patch(text, name, strip=strip)
        damaged = [d for d in parsed.diagnostics if "binary" not in d.message]
        if damaged:
            raise EditError(str(damaged[0]))
        view = OverlayFileSystem(fs, changes)
        for file in parsed.files:
            if file.binary:
                unreadable.append(
                    Diagnostic(
                        name, file.line, "binary diff: its new content is unknown", file.path
                    )  # fmt: skip
                )
                continue
            old_path = posixpath.join(root, file.old_path) if file.old_path else None
            new_path = posixpath.join(root, file.new_path) if file.new_path else None
            source = old_path or new_path
            assert source is not None
            old = view.text_or_none(source) if file.old_path is not None else None
            if file.old_path is None and new_path is not None:
                old = view.text_or_none(new_path)  # so that creating an existing file fails
            try:
                new = apply_file(file, old, name)
            except PatchError as exc:
                raise EditError(str(exc)) from None
            if file.rename and old_path is not None and old_path != new_path:
                changes[old_path] = None
                edits.append(Edit(old_path, EditKind.DELETED, name))
            target = new_path or old_path
            assert target is not None
            if new is None:
                changes[target] = None
                edits.append(Edit(target, EditKind.DELETED, name))
            else:
                existed = view.exists(target)
                changes[target] = new.encode("utf-8", errors="surrogateescape")
                kind = EditKind.CHANGED if existed else EditKind.ADDED
                edits.append(Edit(target, kind, name))
            view = OverlayFileSystem(fs, changes)
    names = ", ".join(name for name, _ in patches)
    return EditSet(tuple(edits), fs, OverlayFileSystem(fs, changes), names, tuple(unreadable))


def read_patch(path: str, fs: FileSystem = REAL, stdin: str | None = None) -> tuple[str, str]:
    """``(name, text)`` of a patch file; ``-`` is standard input (given as ``stdin``)."""
    if path == "-":
        return "<stdin>", stdin or ""
    try:
        return path, fs.read_text(path)
    except OSError as exc:
        raise EditError(f"{path}: cannot read: {exc.strerror or exc}") from None


# --- git ---------------------------------------------------------------------------------


def _git(root: str, *args: str) -> str:
    try:
        run = subprocess.run(
            ["git", "-C", root, *args],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EditError(f"git {' '.join(args)}: {exc}") from None
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["failed"])[-1]
        raise EditError(f"git {' '.join(args)}: {last}")
    return run.stdout


def from_git(fs: FileSystem, srctree: str, spec: str) -> EditSet:
    """Edits from git, for a source tree that is a git work tree.

    * ``REV``: the last build was of ``REV``; the work tree as it is now (committed or
      not, and files git does not track yet) is what the next make sees. ``before`` shows
      each file that differs as ``REV`` has it.
    * ``A..B``: the tree on disk was built; the next make sees it with the changes from
      ``A`` to ``B`` applied (a pull, a rebase onto ``B``): a patch made by ``git diff``.
    """
    top = _git(srctree, "rev-parse", "--show-toplevel").strip()
    prefix = posixpath.relpath(srctree, top) if srctree != top else ""
    if prefix.startswith(".."):
        raise EditError(f"{srctree}: not inside the git work tree {top}")
    if ".." in spec:
        first, _, second = spec.partition("..")
        text = _git(top, "diff", "--no-color", "--no-ext-diff", "--binary", "-M",
                    first or "HEAD", second or "HEAD", "--", prefix or ".")  # fmt: skip
        strip = 1 + (prefix.count("/") + 1 if prefix else 0)
        return _described(from_patches(fs, srctree, [(spec, text)], strip=strip), spec)
    _git(top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    listing = _git(top, "diff", "--no-color", "--name-status", "-z", "--no-renames", spec,
                   "--", prefix or ".")  # fmt: skip
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--",
                     prefix or ".")  # fmt: skip
    old: dict[str, bytes | None] = {}
    edits: list[Edit] = []
    words = listing.split("\0")
    for status, name in zip(words[0::2], words[1::2], strict=False):
        if not name:
            continue
        path = posixpath.join(top, name)
        if status.startswith("A"):
            old[path] = None
            edits.append(Edit(path, EditKind.ADDED, spec))
        elif status.startswith("D"):
            old[path] = _show(top, spec, name)
            edits.append(Edit(path, EditKind.DELETED, spec))
        else:
            old[path] = _show(top, spec, name)
            edits.append(Edit(path, EditKind.CHANGED, spec))
    for name in untracked.split("\0"):
        if name:
            path = posixpath.join(top, name)
            old[path] = None
            edits.append(Edit(path, EditKind.ADDED, f"{spec} (untracked)"))
    return EditSet(tuple(edits), OverlayFileSystem(fs, old, mtime_ns=0), fs, f"since {spec}")


def _show(top: str, rev: str, name: str) -> bytes:
    try:
        run = subprocess.run(
            ["git", "-C", top, "show", f"{rev}:{name}"],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EditError(f"git show {rev}:{name}: {exc}") from None
    if run.returncode != 0:
        raise EditError(f"git show {rev}:{name}: {run.stderr.decode(errors='replace').strip()}")
    return run.stdout


def _described(edits: EditSet, description: str) -> EditSet:
    return EditSet(edits.edits, edits.before, edits.after, description, edits.unreadable)


# --- a source tree the tree's Kconfig program can read -----------------------------------


@contextmanager
def shadow_srctree(
    fs: FileSystem, srctree: str, changes: Mapping[str, EditKind], scratch: str
) -> Iterator[str]:
    """A copy of ``srctree`` in ``scratch`` as ``fs`` shows it, for a program that reads
    files from disk: every entry is a symlink to the real one, except the directories on
    the way to a changed file (real directories of symlinks) and the changed files
    themselves (written, or left out when deleted). Removed with ``scratch``'s owner."""
    shadow = os.path.join(scratch, "srctree")
    os.makedirs(shadow)
    inside = {
        posixpath.relpath(path, srctree): kind
        for path, kind in changes.items()
        if path.startswith(srctree.rstrip("/") + "/")
    }
    opened: set[str] = {""}
    for rel in inside:
        parts = rel.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            opened.add("/".join(parts[:depth]))
    for directory in sorted(opened, key=lambda d: d.count("/") if d else -1):
        real = posixpath.join(srctree, directory) if directory else srctree
        here = os.path.join(shadow, directory) if directory else shadow
        os.makedirs(here, exist_ok=True)
        try:
            names = fs.listdir(real)
        except OSError:
            names = []
        for name in names:
            rel = posixpath.join(directory, name) if directory else name
            if rel in opened or rel in inside:
                continue
            os.symlink(posixpath.join(real, name), os.path.join(here, name))
    for rel, kind in inside.items():
        if kind is EditKind.DELETED:
            continue
        with open(os.path.join(shadow, rel), "wb") as handle:
            handle.write(fs.read_bytes(posixpath.join(srctree, rel)))
    yield shadow


def is_kconfig(path: str) -> bool:
    """Whether a file is one of the Kconfig files (``Kconfig``, ``Kconfig.debug``, …)."""
    return posixpath.basename(path).startswith("Kconfig")


@contextmanager
def kconfig_sources(edits: EditSet | None, srctree: str) -> Iterator[str]:
    """The source tree the tree's Kconfig program should read: the real one, or a scratch
    copy (:func:`shadow_srctree`) with the Kconfig files the edits change."""
    changed = {
        path: kind
        for path, kind in (edits.changed if edits is not None else {}).items()
        if is_kconfig(path)
    }
    if not changed or edits is None:
        yield srctree
        return
    with (
        tempfile.TemporaryDirectory(prefix="depgraph-sources-") as scratch,
        shadow_srctree(edits.after, srctree, changed, scratch) as shadow,
    ):
        yield shadow
