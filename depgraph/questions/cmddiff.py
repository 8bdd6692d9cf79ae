"""Which saved commands differ between two trees, or one tree at two moments, and which
flags were added and removed (``depgraph diff``).

Kbuild redoes a target whose command line changed (rule 3 of ``kbuild-notes.md``): that
is how Makefile-level config use (``-O2``/``-Os``, ``ccflags-$(CONFIG_X)``) reaches
objects. A flag change typically hits thousands of objects identically, so targets that
share exactly the same change are grouped.

Each side is the ``{target: command}`` of every target that has a saved command: read
from a loaded tree (:func:`commands_of`) or from a *snapshot* file that
:func:`write_snapshot` wrote earlier, so that a tree can be compared with itself before a
change. A snapshot is JSON::

    {"format": "depgraph-commands", "version": 1, "depgraph": "0.1.0",
     "objtree": "/abs/obj", "srctree": "/abs/src",
     "commands": {"init/main.o": "gcc -Wp,-MMD,init/.main.o.d … -O2 …", …}}

Before two commands are compared they become *flags* (:class:`Normaliser`): shell words
(:func:`depgraph.parse.command.split_command`) in which what is specific to the tree and
not a flag is spelled alike, and an option whose argument is a separate word is one flag
with it (``-include $(srctree)/include/linux/kconfig.h``). So ``O=a`` and ``O=b`` builds,
or two checkouts of the source, compare equal where their flags are.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from depgraph import __version__
from depgraph.model import BuildTree, DepgraphError
from depgraph.parse.command import split_command
from depgraph.tree.fs import REAL, FileSystem

FORMAT = "depgraph-commands"
VERSION = 1

OBJTREE = "$(objtree)"
SRCTREE = "$(srctree)"

# Options whose argument may be the next word (gcc, cpp, ld): ``-I dir`` and ``-Idir`` are
# one flag each. The sample tree's ``ccflags-y += -I $(srctree)/drivers/common`` is one.
JOINED_OPTIONS = frozenset(
    {
        "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter",
        "-o", "-x", "-MF", "-MT", "-MQ", "-L", "-T", "-m", "-z", "-e",
    }
)  # fmt: skip


class DiffError(DepgraphError):
    """OLD or NEW names neither an object tree nor a snapshot; the message is one line."""


class SnapshotError(DiffError):
    """A snapshot file that cannot be read, written, or is not one; the message is one
    line, ``path:line:`` first where a line is known."""


@dataclass(frozen=True, slots=True)
class Commands:
    """One side of a diff: the saved command of every target that has one.

    ``origin`` is where they were read (the object tree, or the snapshot file), and
    ``snapshot`` says which. ``objtree`` and ``srctree`` are the trees the commands were
    written in, resolved as kbuild resolves them (``realpath``), since that is how its
    commands spell them.
    """

    origin: str
    snapshot: bool
    objtree: str
    srctree: str
    commands: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Change:
    """Targets whose flags changed the same way: ``added`` and ``removed`` are multisets
    in order of appearance (a flag added twice is listed twice). Both are empty when the
    flags are the same but in another order (which still makes make redo the target:
    the order of ``-I`` and the last ``-O`` matter)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommandDiff:
    """The answer of ``depgraph diff``: ``groups`` largest first, every name sorted."""

    old: Commands
    new: Commands
    groups: tuple[Change, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    same: int

    @property
    def changed(self) -> int:
        """How many targets of both sides have other flags."""
        return sum(len(group.targets) for group in self.groups)


# --- the two sides ----------------------------------------------------------------------


def commands_of(tree: BuildTree, fs: FileSystem = REAL) -> Commands:
    """The saved commands of a loaded tree: every target built in its configuration
    (leftovers of an earlier one keep their ``.cmd`` files, but make no longer builds
    them: a symbol turned off shows its objects as gone, not as unchanged)."""
    commands = {
        name: target.command
        for name, target in tree.targets.items()
        if target.command and name not in tree.stale
    }
    return Commands(
        origin=tree.objtree,
        snapshot=False,
        objtree=fs.realpath(tree.objtree),
        srctree=fs.realpath(tree.srctree),
        commands=dict(sorted(commands.items())),
    )


def snapshot_text(commands: Commands) -> str:
    """The snapshot file of ``commands``: JSON with sorted keys, one target a line."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "depgraph": __version__,
        "objtree": commands.objtree,
        "srctree": commands.srctree,
        "commands": dict(sorted(commands.commands.items())),
    }
    # indent=1 puts each target on its own line, so snapshots can be read and diffed.
    return json.dumps(document, indent=1) + "\n"


def parse_snapshot(text: str, path: str) -> Commands:
    """The commands a snapshot's ``text`` holds; ``path`` names it in errors and becomes
    the ``origin``. Raises :class:`SnapshotError` for anything else."""
    if not text.lstrip().startswith("{"):
        raise SnapshotError(f"{path}: not a depgraph snapshot, nor an object tree directory")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}: damaged snapshot: {exc.msg}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f'{path}: not a depgraph snapshot (no "format": "{FORMAT}")')
    version = document.get("version")
    if version != VERSION:
        raise SnapshotError(
            f"{path}: snapshot format version {version!r}: this depgraph reads version "
            f"{VERSION}; save it again"
        )
    for key in ("objtree", "srctree"):
        if not isinstance(document.get(key), str):
            raise SnapshotError(f"{path}: damaged snapshot: {key!r} is not a path")
    commands = document.get("commands")
    if not isinstance(commands, dict):
        raise SnapshotError(f"{path}: damaged snapshot: 'commands' is not an object")
    for name, command in commands.items():
        if not isinstance(command, str):
            raise SnapshotError(f"{path}: damaged snapshot: the command of {name!r} is not text")
    return Commands(path, True, document["objtree"], document["srctree"], commands)


def read_snapshot(fs: FileSystem, path: str) -> Commands:
    """Read and check the snapshot file at ``path``."""
    try:
        data = fs.read_bytes(path)
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(
            f"{path}: not a depgraph snapshot, nor an object tree directory"
        ) from exc
    return parse_snapshot(text, path)


def read_side(fs: FileSystem, path: str, cwd: str, load: Callable[[str], BuildTree]) -> Commands:
    """OLD or NEW: a snapshot file is read, a directory loaded with ``load`` (which
    raises :class:`depgraph.tree.layout.LoadError` for a directory that is no object
    tree)."""
    full = os.path.abspath(os.path.join(cwd, path))
    if fs.is_file(full):
        return read_snapshot(fs, full)
    if fs.is_dir(full):
        return commands_of(load(full))
    raise DiffError(f"{path}: no such file or directory (OLD and NEW are object trees or "
                    "snapshots saved with --save)")  # fmt: skip


# --- flags ------------------------------------------------------------------------------

# A root ends where a path component ends: "/tmp/src" is not the start of "/tmp/src2/x".
_ROOT_END = r"(?=/|$|[\s=:,;'\"|&<>(){}])"
# Where a path starts inside a word: "../x", "-I../x", "-fmacro-prefix-map=../=", "@../f".
_RELATIVE_SRCTREE = re.compile(
    r"(?:^|(?<=[=,@])|(?<=^-[A-Za-z])|(?<=^-isystem)|(?<=^-iquote)|(?<=^-idirafter)"
    r"|(?<=^-include)|(?<=^-imacros))\.\.(?=/|$)"
)
# The roots are replaced in the whole command before it is split (one regex pass instead
# of one per word), by sentinels the shell tokeniser reads as plain word characters:
# "$(srctree)" itself would split at its parentheses. A .cmd file holds no NUL.
_SENTINELS = {OBJTREE: "\x00objtree\x00", SRCTREE: "\x00srctree\x00"}


class Normaliser:
    """Turns the commands of one tree into flags comparable with another tree's.

    * the absolute objtree and srctree become ``$(objtree)`` and ``$(srctree)`` (the
      longer first, should one lie inside the other; one tree both are: ``$(srctree)``);
    * when the objtree is a direct child of the srctree, kbuild spells the srctree
      ``..`` (``-I../include``): a ``..`` where a path starts becomes ``$(srctree)``;
    * an option of :data:`JOINED_OPTIONS` and its separate argument become one flag,
      joined by a space.
    """

    def __init__(self, objtree: str, srctree: str) -> None:
        roots = {srctree: SRCTREE} if objtree == srctree else {objtree: OBJTREE, srctree: SRCTREE}
        ordered = sorted(roots, key=len, reverse=True)
        self._sentinel = {root: _SENTINELS[name] for root, name in roots.items()}
        self._roots = re.compile("|".join(re.escape(root) + _ROOT_END for root in ordered))
        self.relative = os.path.dirname(objtree) == srctree

    def text(self, command: str) -> str:
        """``command`` with the absolute roots replaced: two commands whose texts are
        equal have equal flags (if both normalisers are alike :attr:`relative`)."""
        return self._roots.sub(lambda m: self._sentinel[m.group(0)], command)

    def _word(self, word: str) -> str:
        if "\x00" in word:
            word = word.replace(_SENTINELS[SRCTREE], SRCTREE).replace(_SENTINELS[OBJTREE], OBJTREE)
        if self.relative and ".." in word:
            word = _RELATIVE_SRCTREE.sub(SRCTREE, word)
        return word

    def flags(self, command: str, text: str | None = None) -> tuple[str, ...]:
        """The flags of ``command`` in order (``text``: its :meth:`text`, if known)."""
        words = split_command(self.text(command) if text is None else text)
        flags: list[str] = []
        at = 0
        while at < len(words):
            word = self._word(words[at])
            if word in JOINED_OPTIONS and at + 1 < len(words):
                flags.append(f"{word} {self._word(words[at + 1])}")
                at += 2
            else:
                flags.append(word)
                at += 1
        return tuple(flags)


def flag_changes(old: Sequence[str], new: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(added, removed)`` between two flag sequences, as multisets: a flag new has
    more often than old is added as many times, in order of appearance in new (removed
    likewise, in old)."""

    def extra(ours: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
        budget = Counter(theirs)
        found: list[str] = []
        for flag in ours:
            if budget[flag] > 0:
                budget[flag] -= 1
            else:
                found.append(flag)
        return tuple(found)

    return extra(new, old), extra(old, new)


def diff_commands(old: Commands, new: Commands) -> CommandDiff:
    """Compare the targets of both sides by their flags and group the ones that changed
    alike, largest group first (ties by their flags), names sorted."""
    old_norm = Normaliser(old.objtree, old.srctree)
    new_norm = Normaliser(new.objtree, new.srctree)
    alike = old_norm.relative == new_norm.relative
    by_change: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    same = 0
    for name in sorted(old.commands.keys() & new.commands.keys()):
        before, after = old_norm.text(old.commands[name]), new_norm.text(new.commands[name])
        if alike and before == after:  # most targets: no need to split them
            same += 1
            continue
        before_flags = old_norm.flags(old.commands[name], before)
        after_flags = new_norm.flags(new.commands[name], after)
        if before_flags == after_flags:
            same += 1
            continue
        by_change.setdefault(flag_changes(before_flags, after_flags), []).append(name)
    groups = [Change(added, removed, tuple(names)) for (added, removed), names in by_change.items()]
    groups.sort(key=lambda g: (-len(g.targets), g.added, g.removed))
    return CommandDiff(
        old=old,
        new=new,
        groups=tuple(groups),
        only_old=_sorted(old.commands.keys() - new.commands.keys()),
        only_new=_sorted(new.commands.keys() - old.commands.keys()),
        same=same,
    )


def _sorted(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names))
