#!/usr/bin/env python3
"""Build fuzzing, the way mkcheck checks incremental builds: random edits of a kbuild tree,
each one described to depgraph before it is made, asked about while it is pending, and then
compared with what ``make`` really redoes.

Usage::

    edit_fuzz.py --tree OBJTREE [--src SRCTREE] [--seed N] [--edits N] [--kinds k1,k2]
                 [--depgraph CMD] [--jobs N] [--keep DIR] [--allow-wide]
                 [--make-env VAR=VALUE ...]

OBJTREE is a kbuild object tree (an ``O=`` tree of sample_tree or of a Linux kernel); the
source tree is the one its ``source`` symlink names, or ``--src``, or OBJTREE itself (an
in-tree build). The tree is brought up to date first. Then, for each of N edits (drawn from
``random.Random(seed)``; the kinds come in a freshly shuffled order each round, so the
first rounds cover every kind), a target is picked from the tree itself (its ``.cmd`` files,
Makefiles and Kconfig files, read with plain Python) and ONE edit is made:

``touch-header``      a comment line appended to a header that some target lists;
``edit-source``       a comment line appended to a compiled ``.c`` file;
``makefile-flag``     ``CFLAGS_<obj>.o``/``ccflags-y``/``subdir-ccflags-y += -DFUZZ_<n>``
                      appended to the kbuild Makefile of a directory with compiled objects;
``makefile-comment``  a comment line appended to such a Makefile (make redoes nothing);
``new-file``          a new ``fuzz_<n>.c`` and ``obj-y += fuzz_<n>.o`` in a directory whose
                      objects are built in;
``delete-module``     (sample_tree only) a single-source module's source and its ``obj-``
                      line removed;
``config-symbol``     ``.config``: a bool/tristate with a prompt flipped, or an int with a
                      range changed (Kconfig decides what sticks);
``kconfig-default``   the ``default`` of an int symbol without a prompt changed.

Each edit is compared both ways:

1. *described*: before anything changes, the edit is written as a unified diff (``diff -u``
   per file, ``a/`` ``b/`` prefixes) or an edited copy of ``.config``, and
   ``depgraph why-rebuild -C OBJ --json --patch PATCH`` (``--config FILE``) is asked;
2. *pending*: the edit is applied (``patch -p1 --fuzz=0``, or ``.config`` written) and
   ``depgraph status -C OBJ --json`` is asked;
3. ``make V=2`` runs (``make olddefconfig`` first for a ``.config`` edit of a kernel); what
   make redid is read off the object tree: files whose mtime changed with a ``.T.cmd``
   beside them, ``compile`` when that ``.cmd`` has a ``source_`` line (``vmlinux``
   excepted), ``link`` otherwise;
4. verdict for each way: ``exact`` (the lists equal make's), ``flagged`` (depgraph exited 3
   and what it listed is a subset of make's), ``wrong`` (anything else); ``skipped`` when
   make failed on the edit;
5. the edit is reverted (reverse patch, saved ``.config``), make runs again, the files the
   edit left in the object tree are removed, the touched source files get their original
   mtimes back (so that other object trees of the same source stay up to date), and one
   more make must be a no-op.

At the end every touched file is compared (sha256 and mode) with what it was. Exit status:
0 if no verdict is ``wrong``, 1 otherwise, 2 on usage errors or when the tree cannot be
built or restored.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kernel_probe  # noqa: E402 (beside this script: make's side is classified as it does)
from kernel_probe import cmd_file_of, is_cmd_file, snapshot  # noqa: E402

KINDS = (
    "touch-header",
    "edit-source",
    "makefile-flag",
    "makefile-comment",
    "new-file",
    "delete-module",
    "config-symbol",
    "kconfig-default",
)
VERDICTS = ("exact", "flagged", "wrong", "skipped")
WAYS = ("described", "pending")
WIDE = 10  # on a kernel, a change reaching more objects than this is "wide" (costly)
TICK = 0.05  # seconds to wait so that an edit is newer than what make just wrote
PATCH = ("patch", "-p1", "--fuzz=0", "--force", "--no-backup-if-mismatch")

STAMP_RE = re.compile(r"^\$\(wildcard include/config/([A-Za-z0-9_]+)\)$")
CONFIG_LINE_RE = re.compile(r"^(?:# )?CONFIG_([A-Za-z0-9_]+)(?:=(.*)| is not set)\s*$")
DEFAULT_RE = re.compile(r"^(\s*default\s+)(\"?)(0x[0-9a-fA-F]+|-?[0-9]+)(\"?)(.*)$", re.S)
OBJ_LINE_RE = re.compile(r"^obj-\$\(CONFIG_([A-Za-z0-9_]+)\)\s*\+?:?=\s*([A-Za-z0-9_-]+)\.o\s*$")
TOKEN_RE = re.compile(r"[A-Za-z0-9_]+")
# a Makefile line that only lists objects: obj-$(CONFIG_X) += a.o b.o, foo-$(CONFIG_X) := c.o
OBJ_LIST_RE = re.compile(r"^[A-Za-z0-9_-]+-\$\(CONFIG_\w+\)\s*[+:]?=(\s+[\w-]+\.o)+\s*$")


class FuzzError(Exception):
    """The run cannot go on (the tree does not build, an edit cannot be reverted)."""


# --------------------------------------------------------------------------------------
# make's side: what a make redid (the classification of scripts/kernel_probe.py)


def classify(tree: Path, changed: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Split rewritten files into (compile, link, no-.cmd) as kernel_probe.py does (its
    .cmd files left out)."""
    compile_, link, nocmd, _ = kernel_probe.classify(tree, set(changed))
    return compile_, link, nocmd


def redone(tree: Path, before: dict[str, int]) -> tuple[list[str], list[str], list[str]]:
    """What make rewrote or created since ``before``, classified."""
    after = snapshot(tree)
    return classify(tree, [rel for rel, mtime in after.items() if before.get(rel) != mtime])


# --------------------------------------------------------------------------------------
# the verdicts


def unverifiable(tree: Path, targets: Iterable[str]) -> set[str]:
    """Listed files that make's side cannot show: they exist and have no ``.cmd`` (files
    kbuild rewrites only when their content changes, such as ``*.mod.c``)."""
    return {
        t
        for t in targets
        if not os.path.isabs(t) and (tree / t).is_file() and not (tree / cmd_file_of(t)).is_file()
    }


def verdict(
    rc: int | None,
    listed: tuple[set[str], ...] | None,
    made: tuple[set[str], ...],
) -> str:
    """``exact`` when every list equals make's, ``flagged`` when depgraph exited 3 and each
    list is a subset of make's, ``wrong`` otherwise (an error, a traceback, exit 2)."""
    if listed is None or rc not in (0, 3) or len(listed) != len(made):
        return "wrong"
    if all(mine == theirs for mine, theirs in zip(listed, made, strict=True)):
        return "exact"
    if rc == 3 and all(mine <= theirs for mine, theirs in zip(listed, made, strict=True)):
        return "flagged"
    return "wrong"


# --------------------------------------------------------------------------------------
# edits written as patches


def unified_diff(files: dict[str, tuple[bytes | None, bytes | None]], scratch: Path) -> str:
    """One ``-p1`` patch of every file, ``rel -> (old, new)`` (``None``: absent): the old and
    the new copy are written under ``scratch/a`` and ``scratch/b`` and compared with
    ``diff -u``, labelled ``a/REL`` and ``b/REL`` (``/dev/null`` for an absent side)."""
    parts: list[str] = []
    for rel, (old, new) in sorted(files.items()):
        if old == new:
            continue
        sides: list[str] = []
        labels: list[str] = []
        for prefix, data in (("a", old), ("b", new)):
            if data is None:
                sides.append(os.devnull)
                labels.append(os.devnull)
                continue
            path = scratch / prefix / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            sides.append(str(path))
            labels.append(f"{prefix}/{rel}")
        argv = ["diff", "-u", "--label", labels[0], "--label", labels[1], *sides]
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode != 1:
            raise FuzzError(f"{shlex.join(argv)}: exit {proc.returncode}: {proc.stderr.strip()}")
        parts.append(proc.stdout)
    return "".join(parts)


def run_patch(src: Path, patch: Path, *, reverse: bool = False) -> str | None:
    """Apply (or revert) ``patch`` to ``src`` with GNU patch, after a dry run: None on
    success, else what patch said (and nothing is changed)."""
    argv = [*PATCH, "-d", str(src), "-i", str(patch), *(["-R"] if reverse else [])]
    for extra in (["--dry-run"], []):
        proc = subprocess.run(
            [*argv, *extra], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
        if proc.returncode != 0:
            return (proc.stdout + proc.stderr).strip()[-500:]
    return None


def append_line(data: bytes, line: str) -> bytes:
    """``data`` with ``line`` appended as a line of its own."""
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return data + line.encode() + b"\n"


def set_config(text: str, symbol: str, value: str) -> str:
    """``.config`` text with ``CONFIG_<symbol>`` set to ``value`` (``n``: ``is not set``)."""
    new = f"# CONFIG_{symbol} is not set" if value == "n" else f"CONFIG_{symbol}={value}"
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if _config_name(line) == symbol]
    for i in hits:
        lines[i] = new
    if not hits:
        lines.append(new)
    return "\n".join(lines) + "\n"


def _config_name(line: str) -> str | None:
    m = CONFIG_LINE_RE.match(line)
    return m.group(1) if m else None


def read_config(text: str) -> dict[str, str]:
    """``.config``/``auto.conf`` values: ``FOO -> y|m|n|value`` (strings keep quotes)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        m = CONFIG_LINE_RE.match(line)
        if m:
            values[m.group(1)] = "n" if m.group(2) is None else m.group(2)
    return values


# --------------------------------------------------------------------------------------
# the tree, read with plain Python


@dataclass
class CmdInfo:
    """One ``.<target>.cmd`` file."""

    target: str  # objtree-relative
    command: str = ""
    source: str | None = None  # absolute, normalised
    deps: list[str] = field(default_factory=list)  # absolute, normalised
    symbols: list[str] = field(default_factory=list)  # FOO of include/config/FOO


def parse_cmd(target: str, text: str, obj: Path) -> CmdInfo:
    """Read a kbuild ``.cmd`` file (``savedcmd_``/``cmd_``, ``source_``, ``deps_``)."""
    info = CmdInfo(target)
    in_deps = False

    def norm(path: str) -> str:
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(obj, path))

    for line in text.splitlines():
        if in_deps:
            if line.startswith(" "):
                entry = line.strip().removesuffix("\\").strip()
                m = STAMP_RE.match(entry)
                if m:
                    info.symbols.append(m.group(1))
                elif entry:
                    info.deps.append(norm(entry))
                continue
            in_deps = False
        if line.startswith(("savedcmd_", "cmd_")) and not info.command:
            info.command = line.partition(" := ")[2]
        elif line.startswith("source_"):
            source = line.partition(":=")[2].strip()
            if source:
                info.source = norm(source)
        elif line.startswith("deps_") and line.rstrip().endswith("\\"):
            in_deps = True
    return info


@dataclass
class Symbol:
    """A Kconfig symbol, as far as choosing an edit needs it."""

    name: str
    type: str = ""
    prompt: bool = False
    defs: int = 0
    selects: bool = False
    ranges: list[tuple[str, str]] = field(default_factory=list)
    defaults: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, value


KCONFIG_TYPES = ("bool", "tristate", "int", "hex", "string")
KCONFIG_BLOCKS = (
    "choice",
    "endchoice",
    "menu",
    "endmenu",
    "if",
    "endif",
    "comment",
    "source",
    "rsource",
    "osource",
    "orsource",
    "mainmenu",
)


def parse_kconfig(src: Path, files: Iterable[str]) -> tuple[dict[str, Symbol], Counter[str]]:
    """The symbols of the Kconfig files (srctree-relative), and how many lines outside a
    symbol's own entries name it (``depends on``, ``select``, ``if``, other defaults)."""
    symbols: dict[str, Symbol] = {}
    mentions: Counter[str] = Counter()
    for rel in files:
        try:
            raw_lines = (src / rel).read_text(errors="replace").splitlines()
        except OSError:
            continue
        current: Symbol | None = None
        help_indent: int | None = None
        in_help = False
        pending = ""
        for number, raw in enumerate(raw_lines, 1):
            if in_help:
                expanded = raw.expandtabs()
                if not expanded.strip():
                    continue
                indent = len(expanded) - len(expanded.lstrip())
                if help_indent is None:
                    help_indent = indent
                    continue
                if indent >= help_indent:
                    continue
                in_help = False
            if raw.rstrip().endswith("\\"):
                pending += raw.rstrip()[:-1] + " "
                continue
            line, pending = pending + raw, ""
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            keyword = words[0]
            if keyword in ("config", "menuconfig") and len(words) > 1:
                current = symbols.setdefault(words[1], Symbol(words[1]))
                current.defs += 1
                continue
            if keyword in ("help", "---help---"):
                in_help, help_indent = True, None
                continue
            unquoted = re.sub(r'"[^"]*"', " ", line).split("#", 1)[0]
            for token in TOKEN_RE.findall(unquoted)[1:]:
                if current is None or token != current.name:
                    mentions[token] += 1
            if keyword in KCONFIG_BLOCKS:
                current = None
                continue
            if current is None:
                continue
            rest = line.strip()[len(keyword) :].strip()
            if keyword in KCONFIG_TYPES:
                current.type = keyword
                current.prompt = current.prompt or rest.startswith('"')
            elif keyword in ("def_bool", "def_tristate"):
                current.type = keyword[4:]
                current.defaults.append((rel, number, rest.split()[0] if rest else ""))
            elif keyword == "prompt":
                current.prompt = True
            elif keyword == "default" and rest:
                current.defaults.append((rel, number, rest.split()[0]))
            elif keyword == "range" and len(words) >= 3:
                current.ranges.append((words[1], words[2]))
            elif keyword == "select":
                current.selects = True
    return symbols, mentions


def _int(text: str) -> int | None:
    text = text.strip('"')
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None


@dataclass
class Index:
    """What the tree has to pick edits from."""

    cmds: dict[str, CmdInfo] = field(default_factory=dict)
    header_users: dict[str, set[str]] = field(default_factory=dict)  # srctree-rel -> targets
    sources: dict[str, set[str]] = field(default_factory=dict)  # srctree-rel .c -> targets
    symbol_users: dict[str, set[str]] = field(default_factory=dict)
    obj_dirs: dict[str, list[str]] = field(default_factory=dict)  # dir -> its .o targets
    builtin_dirs: list[str] = field(default_factory=list)  # built-in.a with own objects
    symbols: dict[str, Symbol] = field(default_factory=dict)
    mentions: Counter[str] = field(default_factory=Counter)  # Kconfig lines naming it
    make_use: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # file, line
    config: dict[str, str] = field(default_factory=dict)  # .config
    auto: dict[str, str] = field(default_factory=dict)  # include/config/auto.conf


class Tree:
    """An object tree, its source tree, and how to run make on them."""

    def __init__(self, obj: Path, src: Path, env: dict[str, str], jobs: int) -> None:
        self.obj = obj
        self.src = src
        self.env = env
        self.jobs = jobs
        self.kernel = (src / "scripts" / "kconfig" / "conf.c").is_file()
        self.index = Index()
        self.top_makefiles: set[str] = set()

    def make_argv(self, *goals: str) -> list[str]:
        where = (
            ["-C", str(self.src), f"O={self.obj}"]
            if self.src != self.obj
            else ["-C", str(self.obj)]
        )
        return ["make", *where, "V=2", f"-j{self.jobs}", *goals]

    def make(self, log: Path, *goals: str) -> tuple[int, float]:
        argv = self.make_argv(*goals)
        start = time.monotonic()
        with open(log, "a") as f:
            f.write("$ " + shlex.join(argv) + "\n")
            f.flush()
            rc = subprocess.run(
                argv,
                stdout=f,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                check=False,
            ).returncode
        return rc, time.monotonic() - start

    def rel_src(self, path: str) -> str | None:
        """``path`` relative to the source tree, if it is a file of it (not of the objtree)."""
        src = str(self.src)
        if not path.startswith(src + os.sep):
            return None
        if self.src != self.obj and path.startswith(str(self.obj) + os.sep):
            return None
        rel = path[len(src) + 1 :]
        if self.src == self.obj and rel.startswith(("include/generated/", "include/config/")):
            return None
        return rel

    def kbuild_file(self, directory: str) -> str | None:
        for name in ("Kbuild", "Makefile"):
            path = self.src / directory / name
            if path.is_file() and not path.is_symlink():
                return f"{directory}/{name}"
        return None

    def read(self) -> None:
        """Read every ``.cmd`` file, the Makefiles of the built directories, the Kconfig
        files the last sync read, ``.config`` and ``auto.conf``."""
        idx = Index()
        for dirpath, dirnames, filenames in os.walk(self.obj):
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
            for name in filenames:
                if not is_cmd_file(name):
                    continue
                rel_dir = os.path.relpath(dirpath, self.obj)
                target = os.path.normpath(os.path.join(rel_dir, name[1:-4]))
                try:
                    text = Path(dirpath, name).read_text(errors="replace")
                except OSError:
                    continue
                idx.cmds[target] = parse_cmd(target, text, self.obj)
        for target, info in idx.cmds.items():
            directory = os.path.dirname(target) or "."
            if os.path.basename(target) == "built-in.a":
                members = _archive_members(info.command)
                if any("/" not in m and m.endswith(".o") for m in members) and directory != ".":
                    idx.builtin_dirs.append(directory)
            if info.source is None or info.source.endswith(".sh"):
                continue
            for symbol in info.symbols:
                idx.symbol_users.setdefault(symbol, set()).add(target)
            for dep in info.deps:
                rel = self.rel_src(dep)
                if rel is not None and rel.endswith(".h"):
                    idx.header_users.setdefault(rel, set()).add(target)
            source = self.rel_src(info.source)
            if source is None:
                continue
            if source.endswith(".c"):
                idx.sources.setdefault(source, set()).add(target)
            if target.endswith(".o") and os.path.dirname(source) == os.path.dirname(target):
                idx.obj_dirs.setdefault(directory, []).append(target)
        idx.builtin_dirs.sort()
        for users in idx.obj_dirs.values():
            users.sort()
        config = self.obj / ".config"
        idx.config = read_config(config.read_text(errors="replace")) if config.is_file() else {}
        auto = self.obj / "include" / "config" / "auto.conf"
        idx.auto = read_config(auto.read_text(errors="replace")) if auto.is_file() else {}
        idx.symbols, idx.mentions = parse_kconfig(self.src, self.kconfig_files())
        idx.make_use = self._make_use(idx)
        self.index = idx

    def kconfig_files(self) -> list[str]:
        deps = self.obj / "include" / "config" / "auto.conf.cmd"
        files: list[str] = []
        if deps.is_file():
            in_list = False
            for line in deps.read_text(errors="replace").splitlines():
                if line.startswith("deps_config :="):
                    in_list = True
                    continue
                if in_list:
                    entry = line.strip().removesuffix("\\").strip()
                    if not entry:
                        break
                    files.append(entry)
        return files or ["Kconfig"]

    def _make_use(self, idx: Index) -> dict[str, list[tuple[str, str]]]:
        """``CONFIG_`` mentions in the Makefiles of the built directories and the top ones
        (``file``, ``line``)."""
        self.top_makefiles = {"Makefile", "Kbuild"} | {
            os.path.relpath(p, self.src)
            for pattern in ("arch/*/Makefile*", "scripts/Makefile*", "scripts/Kbuild*")
            for p in self.src.glob(pattern)
            if p.is_file()
        }
        makefiles = set(self.top_makefiles)
        for directory in {os.path.dirname(t) for t in idx.cmds}:
            makefile = self.kbuild_file(directory) if directory else None
            if makefile is not None:
                makefiles.add(makefile)
        use: dict[str, list[tuple[str, str]]] = {}
        for rel in sorted(makefiles):
            path = self.src / rel
            if not path.is_file():
                continue
            for line in path.read_text(errors="replace").splitlines():
                for symbol in re.findall(r"CONFIG_([A-Za-z0-9_]+)", line):
                    use.setdefault(symbol, []).append((rel, line.strip()))
        return use


def _archive_members(command: str) -> list[str]:
    """The members a ``built-in.a`` command names (``printf "dir/%s " a.o b.o | xargs ar``)."""
    m = re.search(r'printf "[^"]*%s "\s+(.*?)\s*\|\s*xargs', command)
    return m.group(1).split() if m else []


# --------------------------------------------------------------------------------------
# choosing edits


@dataclass
class Edit:
    """One edit: new contents of source files (``None``: deleted), or a new ``.config``."""

    n: int
    kind: str
    where: str
    what: str
    files: dict[str, bytes | None] = field(default_factory=dict)
    config: bytes | None = None

    @property
    def label(self) -> str:
        return f"#{self.n} {self.kind} {self.where}: {self.what}"


class Chooser:
    """Picks edits of each kind from what the tree has, with one seeded generator."""

    def __init__(self, tree: Tree, rng: random.Random, allow_wide: bool) -> None:
        self.tree = tree
        self.rng = rng
        self.cheap_only = tree.kernel and not allow_wide

    def pick(self, kind: str, n: int) -> Edit | None:
        method = getattr(self, "_" + kind.replace("-", "_"))
        edit: Edit | None = method(n)
        return edit

    def _read(self, rel: str) -> bytes:
        return (self.tree.src / rel).read_bytes()

    def _regular(self, rel: str) -> bool:
        path = self.tree.src / rel
        return path.is_file() and not path.is_symlink()

    def _touch_header(self, n: int) -> Edit | None:
        idx = self.tree.index
        choices = sorted(
            h
            for h, users in idx.header_users.items()
            if (not self.cheap_only or len(users) <= WIDE) and self._regular(h)
        )
        return self._append_comment(n, "touch-header", choices)

    def _edit_source(self, n: int) -> Edit | None:
        idx = self.tree.index
        choices = sorted(
            s
            for s in idx.sources
            if self._regular(s)
            and not (self.cheap_only and s.startswith(("scripts/", "tools/", "usr/")))
        )
        return self._append_comment(n, "edit-source", choices)

    def _append_comment(self, n: int, kind: str, choices: Sequence[str]) -> Edit | None:
        """A C comment appended to one of ``choices``, drawn at random."""
        if not choices:
            return None
        path = self.rng.choice(choices)
        line = f"/* fuzz_{n}: edit_fuzz.py */"
        return Edit(n, kind, path, f"{line} appended", {path: append_line(self._read(path), line)})

    def _flag_dirs(self) -> list[tuple[str, str]]:
        idx = self.tree.index
        found = []
        for directory in sorted(idx.obj_dirs):
            if directory == "." or (self.cheap_only and directory.startswith(("scripts", "tools"))):
                continue
            makefile = self.tree.kbuild_file(directory)
            if makefile is not None:
                found.append((directory, makefile))
        return found

    def _below(self, directory: str) -> int:
        idx = self.tree.index
        return sum(
            len(objs)
            for d, objs in idx.obj_dirs.items()
            if d == directory or d.startswith(directory + "/")
        )

    def _makefile_flag(self, n: int) -> Edit | None:
        dirs = self._flag_dirs()
        if not dirs:
            return None
        directory, makefile = self.rng.choice(dirs)
        objects = self.tree.index.obj_dirs[directory]
        variants = ["CFLAGS"]
        if not self.cheap_only or len(objects) <= WIDE:
            variants.append("ccflags-y")
        if not self.cheap_only or self._below(directory) <= WIDE:
            variants.append("subdir-ccflags-y")
        variant = self.rng.choice(variants)
        if variant == "CFLAGS":
            variant = f"CFLAGS_{os.path.basename(self.rng.choice(objects))}"
        line = f"{variant} += -DFUZZ_{n}"
        return Edit(
            n, "makefile-flag", makefile, line, {makefile: append_line(self._read(makefile), line)}
        )

    def _makefile_comment(self, n: int) -> Edit | None:
        dirs = self._flag_dirs()
        if not dirs:
            return None
        _, makefile = self.rng.choice(dirs)
        line = f"# fuzz_{n}: a comment (edit_fuzz.py)"
        return Edit(
            n,
            "makefile-comment",
            makefile,
            line,
            {makefile: append_line(self._read(makefile), line)},
        )

    def _new_file(self, n: int) -> Edit | None:
        choices = []
        for directory in self.tree.index.builtin_dirs:
            makefile = self.tree.kbuild_file(directory)
            if makefile and not (self.tree.src / directory / f"fuzz_{n}.c").exists():
                choices.append((directory, makefile))
        if not choices:
            return None
        directory, makefile = self.rng.choice(choices)
        line = f"obj-y += fuzz_{n}.o"
        source = f"{directory}/fuzz_{n}.c"
        return Edit(
            n,
            "new-file",
            source,
            f"new, {line}",
            {
                source: f"int fuzz_{n};\n".encode(),
                makefile: append_line(self._read(makefile), line),
            },
        )

    def _delete_module(self, n: int) -> Edit | None:
        if self.tree.kernel:
            return None
        idx = self.tree.index
        included = set(idx.header_users)
        choices = []
        for directory, _ in self._flag_dirs() + [(d, "") for d in idx.builtin_dirs]:
            makefile = self.tree.kbuild_file(directory)
            if makefile is None:
                continue
            text = self._read(makefile).decode(errors="replace")
            for line in text.splitlines():
                m = OBJ_LINE_RE.match(line)
                if not m:
                    continue
                name = m.group(2)
                source = f"{directory}/{name}.c"
                symbol = idx.symbols.get(m.group(1))
                if symbol is None or symbol.type != "tristate" or idx.auto.get(m.group(1)) == "y":
                    continue  # built in: vmlinux may need it; a module (or nothing) may go
                composite = re.search(rf"^{re.escape(name)}-(y|objs|m|\$\()", text, re.M)
                if composite or not self._regular(source) or source in included:
                    continue
                choices.append((makefile, line, source))
        choices = sorted(set(choices))
        if not choices:
            return None
        makefile, line, source = self.rng.choice(choices)
        old = self._read(makefile).decode()
        kept = "".join(x for x in old.splitlines(keepends=True) if x.rstrip("\n") != line)
        return Edit(
            n,
            "delete-module",
            source,
            f"deleted, {line.split()[0]} line removed from {makefile}",
            {source: None, makefile: kept.encode()},
        )

    def _few_users(self, name: str, *, leaf: bool) -> bool:
        """On a kernel: a symbol few objects use, that no Makefile uses but in object lists,
        and (``leaf``) that no other Kconfig line names."""
        idx = self.tree.index
        if not self.cheap_only:
            return True
        if len(idx.symbol_users.get(name, ())) > WIDE or idx.mentions[name] > (0 if leaf else 2):
            return False
        for rel, text in idx.make_use.get(name, []):
            if rel in self.tree.top_makefiles or not OBJ_LIST_RE.match(text):
                return False
        return True

    def _config_symbol(self, n: int) -> Edit | None:
        idx = self.tree.index
        choices: list[tuple[str, str, str]] = []
        for name, sym in sorted(idx.symbols.items()):
            current = idx.config.get(name)
            if sym.type in ("bool", "tristate") and sym.prompt:
                if current in ("y", "m") and self._few_users(name, leaf=False):
                    choices.append((name, current, "n"))
                    if current == "m":
                        choices.append((name, current, "y"))
                elif (
                    (current == "n" or (current is None and not self.tree.kernel))
                    and self._few_users(name, leaf=True)
                    and not (self.cheap_only and sym.selects)
                ):
                    choices.append((name, current or "n", "y"))
                    if sym.type == "tristate" and idx.config.get("MODULES") == "y":
                        choices.append((name, current or "n", "m"))
            elif sym.type == "int" and current is not None and sym.prompt:
                value = _int(current)
                ranges = [(_int(lo), _int(hi)) for lo, hi in sym.ranges]
                literal = [(lo, hi) for lo, hi in ranges if lo is not None and hi is not None]
                if value is None or not literal or not self._few_users(name, leaf=True):
                    continue
                lo, hi = literal[0]
                assert lo is not None and hi is not None
                for number in sorted({lo, hi, value - 1, value + 1}):
                    if lo <= number <= hi and number != value:
                        choices.append((name, current, str(number)))
        if not choices:
            return None
        name, old, new = self.rng.choice(choices)
        text = (self.tree.obj / ".config").read_text()
        edited = set_config(text, name, new).encode()
        return Edit(n, "config-symbol", ".config", f"CONFIG_{name} {old} -> {new}", config=edited)

    def _kconfig_default(self, n: int) -> Edit | None:
        idx = self.tree.index
        choices: list[tuple[str, int, str, bool]] = []
        for name, sym in sorted(idx.symbols.items()):
            if sym.type not in ("int", "hex") or sym.prompt or sym.defs != 1:
                continue
            current = idx.auto.get(name)
            if self.tree.kernel and current is None:
                continue
            if not self._few_users(name, leaf=True):
                continue
            for rel, line, value in sym.defaults:
                if _int(value) is None:
                    continue
                is_active = current is not None and _int(value) == _int(current)
                if is_active or not self.tree.kernel:
                    choices.append((rel, line, name, is_active))
        if not choices:
            return None
        active = [c for c in choices if c[3]]
        pool = active if active and self.rng.random() < 2 / 3 else choices
        rel, number, name, _ = self.rng.choice(pool)
        lines = self._read(rel).decode().splitlines(keepends=True)
        m = DEFAULT_RE.match(lines[number - 1])
        old_value = _int(m.group(3)) if m else None
        if m is None or old_value is None:
            return None
        old = m.group(3)
        hexa = old.lower().startswith("0x")
        new = hex(old_value + 0x1000) if hexa else str(old_value + 1)
        lines[number - 1] = m.group(1) + m.group(2) + new + m.group(4) + m.group(5)
        return Edit(
            n,
            "kconfig-default",
            f"{rel}:{number}",
            f"{name} default {old} -> {new}",
            {rel: "".join(lines).encode()},
        )


# --------------------------------------------------------------------------------------
# running one edit


@dataclass
class Answer:
    """What depgraph answered (``lists``: compile and link, or the stale list)."""

    argv: list[str]
    rc: int | None = None
    stdout: str = ""
    stderr: str = ""
    lists: tuple[set[str], ...] | None = None
    error: str = ""


@dataclass
class Case:
    edit: Edit
    described: Answer | None = None
    pending: Answer | None = None
    made_compile: list[str] = field(default_factory=list)
    made_link: list[str] = field(default_factory=list)
    made_nocmd: list[str] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    skipped: str = ""
    noop_redone: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    patch: str = ""
    dir: Path | None = None

    @property
    def failing(self) -> bool:
        return "wrong" in self.verdicts.values() or bool(self.noop_redone)


@dataclass
class Original:
    data: bytes | None
    mode: int = 0
    atime_ns: int = 0
    mtime_ns: int = 0


def _sha(data: bytes | None) -> str:
    return "absent" if data is None else hashlib.sha256(data).hexdigest()


class Fuzzer:
    def __init__(
        self,
        tree: Tree,
        depgraph: list[str],
        work: Path,
        keep: Path | None = None,
        tag: str = "",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.tree = tree
        self.depgraph = depgraph
        self.work = work
        self.keep = keep
        self.tag = tag
        self.extra_env = extra_env or {}
        self.originals: dict[Path, Original] = {}
        self.dirs: dict[Path, tuple[int, int]] = {}  # their directories' atime and mtime

    # ---- the files an edit touches, and putting them back

    def remember(self, path: Path) -> None:
        parent = path.parent
        if path != self.tree.obj / ".config" and parent not in self.dirs and parent.is_dir():
            st = parent.stat()
            self.dirs[parent] = (st.st_atime_ns, st.st_mtime_ns)
        if path in self.originals:
            return
        if path.is_file():
            st = path.stat()
            self.originals[path] = Original(
                path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_atime_ns, st.st_mtime_ns
            )
        else:
            self.originals[path] = Original(None)

    def touched(self, edit: Edit) -> list[Path]:
        paths = [self.tree.src / rel for rel in edit.files]
        if edit.config is not None:
            paths.append(self.tree.obj / ".config")
        return paths

    def put_back(self, paths: Iterable[Path], *, force: bool) -> list[str]:
        paths = list(paths)
        """Give ``paths`` their original content, mode and (``force``, or when the content
        is already the original) mtime; returns what had to be rewritten."""
        fixed = []
        for path in paths:
            orig = self.originals[path]
            now = path.read_bytes() if path.is_file() else None
            if now != orig.data:
                fixed.append(str(path))
                if orig.data is None:
                    path.unlink()
                    continue
                path.write_bytes(orig.data)
            if orig.data is None:
                continue
            if stat.S_IMODE(path.stat().st_mode) != orig.mode:
                fixed.append(f"{path} (mode)")
                os.chmod(path, orig.mode)
            if force or now == orig.data:
                os.utime(path, ns=(orig.atime_ns, orig.mtime_ns))
        for path in paths:
            times = self.dirs.get(path.parent)
            if times is not None and path.parent.is_dir():
                os.utime(path.parent, ns=times)
        return fixed

    def verify_all(self) -> tuple[int, list[str]]:
        """Compare every touched file with what it was (sha256, mode); repair differences."""
        bad = []
        for path, orig in sorted(self.originals.items()):
            data = path.read_bytes() if path.is_file() else None
            mode = stat.S_IMODE(path.stat().st_mode) if data is not None else 0
            if _sha(data) != _sha(orig.data) or (data is not None and mode != orig.mode):
                bad.append(str(path))
        if bad:
            self.put_back(self.originals, force=True)
        return len(self.originals), bad

    # ---- depgraph

    def ask(self, *args: str) -> Answer:
        argv = [*self.depgraph, *args]
        ans = Answer(argv)
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=self.tree.env,
            check=False,
        )
        ans.rc, ans.stdout, ans.stderr = proc.returncode, proc.stdout, proc.stderr
        if proc.returncode not in (0, 3):
            tail = proc.stderr.strip().splitlines()[-1:] or [""]
            ans.error = f"exit {proc.returncode}: {tail[0][:300]}"
            return ans
        try:
            data = json.loads(proc.stdout)
            if "stale" in data:
                ans.lists = (_targets(data["stale"]),)
            else:
                ans.lists = (_targets(data["compile"]), _targets(data["link"]))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            ans.error = f"exit {proc.returncode}, unreadable JSON: {e}"
        return ans

    # ---- one edit

    def run(self, edit: Edit) -> Case:
        start = time.monotonic()
        case = Case(edit)
        case.dir = self.work / f"{edit.n:03d}-{edit.kind}"
        case.dir.mkdir(parents=True)
        log = case.dir / "make.log"
        obj, src = self.tree.obj, self.tree.src
        touched = self.touched(edit)
        for path in touched:
            self.remember(path)

        # 1. described, with nothing changed yet
        patch = case.dir / "edit.patch"
        new_config = case.dir / "new.config"
        if edit.config is not None:
            new_config.write_bytes(edit.config)
            (case.dir / "old.config").write_bytes((obj / ".config").read_bytes())
            case.described = self.ask(
                "why-rebuild", "-C", str(obj), "--json", "--config", str(new_config)
            )
        else:
            pairs = {rel: (self.originals[src / rel].data, new) for rel, new in edit.files.items()}
            case.patch = unified_diff(pairs, case.dir / "scratch")
            shutil.rmtree(case.dir / "scratch")
            patch.write_text(case.patch)
            case.described = self.ask(
                "why-rebuild", "-C", str(obj), "--json", "--patch", str(patch)
            )

        # 2. applied: pending
        before = snapshot(obj)
        time.sleep(TICK)
        try:
            if edit.config is not None:
                (obj / ".config").write_bytes(edit.config)
            else:
                failed = run_patch(src, patch)
                if failed is not None:
                    raise FuzzError(f"{edit.label}: the patch does not apply: {failed}")
            case.pending = self.ask("status", "-C", str(obj), "--json")

            # 3. make
            rc = 0
            if edit.config is not None and self.tree.kernel:
                rc, _ = self.tree.make(log, "olddefconfig")
            if rc == 0:
                rc, _ = self.tree.make(log)
            compile_, link, nocmd = redone(obj, before)
            case.made_compile, case.made_link, case.made_nocmd = compile_, link, nocmd
            if rc != 0:
                errors = [
                    x
                    for x in log.read_text(errors="replace").splitlines()
                    if "rror" in x or "***" in x
                ]
                case.skipped = f"make failed (exit {rc}): {(errors or ['?'])[0].strip()[:200]}"
                case.verdicts = dict.fromkeys(WAYS, "skipped")
            else:
                self.judge(case)
        finally:
            # 5. restore
            self.restore(case, edit, touched, before, log)
        case.seconds = time.monotonic() - start
        if case.failing and self.keep is not None:
            self.save(case)
        return case

    def judge(self, case: Case) -> None:
        obj = self.tree.obj
        made = (set(case.made_compile), set(case.made_link))
        for way, ans in (("described", case.described), ("pending", case.pending)):
            assert ans is not None
            expected = made if way == "described" else (made[0] | made[1],)
            listed = ans.lists
            if listed is not None:
                hidden = unverifiable(obj, set().union(*listed))
                listed = tuple(x - hidden for x in listed)
                if hidden:
                    case.details.append(
                        f"{way}: not compared (no .cmd): {' '.join(sorted(hidden))}"
                    )
            case.verdicts[way] = verdict(ans.rc, listed, expected)
            if case.verdicts[way] == "wrong":
                case.details.extend(_differences(way, ans, listed, expected))
            elif ans.rc == 3:
                case.details.append(f"{way}: exit 3, unknown: {_unknown(ans)}")

    def restore(
        self, case: Case, edit: Edit, touched: list[Path], before: dict[str, int], log: Path
    ) -> None:
        obj = self.tree.obj
        time.sleep(TICK)
        reverted = False
        if edit.config is None and (case.dir is not None) and case.patch:
            changed = any(
                (p.read_bytes() if p.is_file() else None) != self.originals[p].data for p in touched
            )
            if changed:
                failed = run_patch(self.tree.src, case.dir / "edit.patch", reverse=True)
                reverted = failed is None
                if failed is not None:
                    case.details.append(f"reverse patch failed ({failed}); files written back")
        if not reverted:
            for path in touched:  # .config, or a patch that could not be reverted
                orig = self.originals[path]
                if orig.data is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(orig.data)
        rc, _ = self.tree.make(log)
        if rc != 0:
            raise FuzzError(f"{edit.label}: make fails after the edit was reverted; see {log}")
        fixed = self.put_back(touched, force=True)
        if fixed:
            case.details.append(f"restored by hand: {' '.join(fixed)}")
        # what the edit left in the object tree (new objects, stamps): kbuild keeps them
        for rel in sorted(set(snapshot(obj)) - set(before)):
            with contextlib.suppress(OSError):
                (obj / rel).unlink()
                case.leftovers.append(rel)
        for directory in sorted({os.path.dirname(r) for r in case.leftovers}, reverse=True):
            with contextlib.suppress(OSError):
                while directory and not any((obj / directory).iterdir()):
                    (obj / directory).rmdir()
                    directory = os.path.dirname(directory)
        again = snapshot(obj)
        rc, _ = self.tree.make(log)
        compile_, link, _ = redone(obj, again)
        case.noop_redone = compile_ + link
        if rc != 0:
            raise FuzzError(f"{edit.label}: the make after restoring fails; see {log}")

    def save(self, case: Case) -> None:
        """A failing case as a recipe that replays it by hand."""
        assert self.keep is not None and case.dir is not None
        edit = case.edit
        dest = self.keep / f"{self.tag}-{edit.n:03d}-{edit.kind}"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(case.dir, dest)
        for name, ans in (("described", case.described), ("pending", case.pending)):
            if ans is not None:
                (dest / f"{name}.json").write_text(ans.stdout)
                argv = shlex.join(ans.argv)
                (dest / f"{name}.stderr").write_text(f"$ {argv}\nexit {ans.rc}\n{ans.stderr}")
        made = {
            "compile": case.made_compile,
            "link": case.made_link,
            "nocmd": case.made_nocmd,
            "verdicts": case.verdicts,
            "details": case.details,
            "noop_redone": case.noop_redone,
            "skipped": case.skipped,
        }
        (dest / "make.json").write_text(json.dumps(made, indent=1) + "\n")
        (dest / "replay.sh").write_text(self.recipe(edit))
        (dest / "replay.sh").chmod(0o755)
        with open(self.keep / "README", "a") as f:
            f.write(f"{dest.name}: {edit.label} -> {_verdict_text(case)}; sh {dest}/replay.sh\n")

    def recipe(self, edit: Edit) -> str:
        """The shell commands of one case, to run from its directory on an up-to-date tree."""
        obj, src = shlex.quote(str(self.tree.obj)), shlex.quote(str(self.tree.src))
        depgraph = shlex.join(self.depgraph)
        env = "".join(f"{k}={shlex.quote(v)} " for k, v in self.extra_env.items())
        make = env + shlex.join(self.tree.make_argv())
        lines = [
            "#!/bin/sh",
            f"# {edit.label}  (edit_fuzz.py, {self.tag})",
            "# Run on an up-to-date tree; compare with described.json, pending.json and",
            "# make.json (what make redid then).",
            'cd "$(dirname "$0")" || exit 1',
        ]
        if edit.config is not None:
            lines += [
                f"{depgraph} why-rebuild -C {obj} --json --config new.config  # 1. described",
                "sleep 0.1",
                f"cp new.config {obj}/.config",
                f"{depgraph} status -C {obj} --json  # 2. pending",
            ]
            if self.tree.kernel:
                lines.append(env + shlex.join(self.tree.make_argv("olddefconfig")))
            lines += [
                f"{make}  # 3. what make redoes",
                "sleep 0.1",
                f"cp old.config {obj}/.config  # 4. restore",
                make,
            ]
        else:
            patch = " ".join(PATCH)
            lines += [
                f"{depgraph} why-rebuild -C {obj} --json --patch edit.patch  # 1. described",
                "sleep 0.1",
                f'{patch} -d {src} -i "$PWD/edit.patch"',
                f"{depgraph} status -C {obj} --json  # 2. pending",
                f"{make}  # 3. what make redoes",
                "sleep 0.1",
                f'{patch} -R -d {src} -i "$PWD/edit.patch"  # 4. restore',
                make,
            ]
        return "\n".join(lines) + "\n"


def _targets(items: Sequence[object]) -> set[str]:
    found = set()
    for item in items:
        target = item["target"] if isinstance(item, dict) else str(item)
        found.add(os.path.normpath(str(target)))
    return found


def _unknown(ans: Answer) -> str:
    try:
        unknown = json.loads(ans.stdout).get("unknown") or []
    except (json.JSONDecodeError, AttributeError):
        return "?"
    parts = []
    for item in unknown[:3]:
        if isinstance(item, dict):
            parts.append(f"{item.get('where', '')} {item.get('what', '')}".strip())
        else:
            parts.append(str(item))
    return "; ".join(parts) + (f" (+{len(unknown) - 3})" if len(unknown) > 3 else "")


def _differences(
    way: str, ans: Answer, listed: tuple[set[str], ...] | None, made: tuple[set[str], ...]
) -> Iterator[str]:
    if listed is None:
        yield f"{way}: {ans.error or 'no answer'}"
        return
    names = ("compile", "link") if len(made) == 2 else ("stale",)
    if ans.rc == 3:
        yield f"{way}: exit 3, unknown: {_unknown(ans)}"
    for name, mine, theirs in zip(names, listed, made, strict=True):
        if theirs - mine:
            yield f"{way} {name}: make also redid {' '.join(sorted(theirs - mine))}"
        if mine - theirs:
            yield f"{way} {name}: make did not redo {' '.join(sorted(mine - theirs))}"


def _verdict_text(case: Case) -> str:
    if case.skipped:
        return f"skipped: {case.skipped}"
    parts = []
    for way, ans in (("described", case.described), ("pending", case.pending)):
        said = case.verdicts.get(way, "?")
        exit3 = ans is not None and ans.rc == 3 and said == "exact"
        parts.append(f"{way} {said}" + (" (exit 3)" if exit3 else ""))
    return ", ".join(parts)


# --------------------------------------------------------------------------------------
# the run


def find_src(obj: Path, given: Path | None) -> Path:
    if given is not None:
        return given.resolve()
    link = obj / "source"
    if link.is_symlink() or link.is_dir():
        src = link.resolve()
        if (src / "Makefile").is_file():
            return src
    return obj


def default_depgraph() -> str:
    here = Path(sys.executable).parent / "depgraph"
    return shlex.quote(str(here)) if here.is_file() else "depgraph"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Random edits of a kbuild tree: depgraph's answers (why-rebuild --patch "
        "before the edit, status after it) against what make then redoes."
    )
    ap.add_argument("--tree", required=True, type=Path, help="the object tree (O= directory)")
    ap.add_argument("--src", type=Path, help="the source tree (default: OBJTREE/source)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    ap.add_argument("--edits", type=int, default=20, help="how many edits (default: %(default)s)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated edit kinds")
    ap.add_argument("--depgraph", default=default_depgraph(), help="depgraph command")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="make -j (default: %(default)s)")
    ap.add_argument("--keep", type=Path, help="save every failing case as a recipe here")
    ap.add_argument(
        "--allow-wide",
        action="store_true",
        help=f"on a kernel, also edit what more than {WIDE} objects use",
    )
    ap.add_argument(
        "--make-env",
        nargs="*",
        default=[],
        metavar="VAR=VALUE",
        help="exported to make and depgraph (ARCH, CROSS_COMPILE, LLVM)",
    )
    return ap.parse_args(argv)


def table(cases: Sequence[Case], kinds: Sequence[str]) -> list[str]:
    """Kinds x verdicts, for each way."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for case in cases:
        for way in WAYS:
            verdict_ = case.verdicts.get(way, "skipped")
            counts[case.edit.kind, way, verdict_] += 1
            counts["total", way, verdict_] += 1
    head = " ".join(f"{v:>7}" for v in VERDICTS)
    out = [f"{'':18} {'described':^31} | {'pending':^31}", f"{'kind':18} {head} | {head}"]
    for kind in [*kinds, "total"]:
        row = [" ".join(f"{counts[kind, way, v]:>7}" for v in VERDICTS) for way in WAYS]
        out.append(f"{kind:18} {row[0]} | {row[1]}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    obj: Path = args.tree.resolve()
    if not (obj / ".config").is_file():
        print(f"error: {obj}: no .config: not a configured kbuild object tree", file=sys.stderr)
        return 2
    src = find_src(obj, args.src)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        print(f"error: unknown kinds {bad}; known: {', '.join(KINDS)}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    extra_env: dict[str, str] = {}
    for item in args.make_env:
        name, eq, value = item.partition("=")
        if not eq or not name:
            print(f"error: --make-env {item!r}: expected VAR=VALUE", file=sys.stderr)
            return 2
        extra_env[name] = value
    env.update(extra_env)
    tree = Tree(obj, src, env, args.jobs)
    if tree.kernel and "delete-module" in kinds and args.kinds != ",".join(KINDS):
        print("note: delete-module is for sample_tree only; not used on a kernel tree")
    work = Path(tempfile.mkdtemp(prefix="edit_fuzz-"))
    keep: Path | None = args.keep.resolve() if args.keep else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    fuzzer = Fuzzer(tree, shlex.split(args.depgraph), work, keep, f"seed{args.seed}", extra_env)
    print(
        f"edit_fuzz: {obj} (source {src}, {'kernel' if tree.kernel else 'sample tree'}), "
        f"seed {args.seed}, {args.edits} edits, logs in {work}"
    )

    settle = work / "settle.log"
    rc, seconds = tree.make(settle)
    if rc != 0:
        print(f"error: the tree does not build; see {settle}", file=sys.stderr)
        return 2
    before = snapshot(obj)
    rc, _ = tree.make(settle)
    compile_, link, _ = redone(obj, before)
    if rc != 0 or compile_ or link:
        print(f"warning: a second make is not a no-op: {' '.join(compile_ + link)[:300]}")
    tree.read()
    idx = tree.index
    print(
        f"  tree: {len(idx.cmds)} .cmd files, {len(idx.header_users)} headers, "
        f"{len(idx.sources)} C sources, {len(idx.obj_dirs)} directories with objects, "
        f"{len(idx.symbols)} Kconfig symbols (make took {seconds:.1f}s)"
    )

    rng = random.Random(args.seed)
    chooser = Chooser(tree, rng, args.allow_wide)
    cases: list[Case] = []
    order: list[str] = []
    status = 0
    try:
        for n in range(1, args.edits + 1):
            edit = None
            tried: set[str] = set()
            while edit is None and len(tried) < len(kinds):
                if not order:
                    order = rng.sample(kinds, len(kinds))
                kind = order.pop(0)
                tried.add(kind)
                edit = chooser.pick(kind, n)
            if edit is None:
                print(f"#{n}: no kind of {', '.join(kinds)} has a target in this tree")
                break
            case = fuzzer.run(edit)
            cases.append(case)
            made = f"make: {len(case.made_compile)} compile, {len(case.made_link)} link"
            print(f"{edit.label} -> {_verdict_text(case)} ({made}, {case.seconds:.1f}s)")
            for line in case.details:
                print(f"    {line}")
            if case.noop_redone:
                print(
                    f"    after restoring, the next make still redid: "
                    f"{' '.join(case.noop_redone[:20])}"
                )
            if case.leftovers:
                print(f"    removed {len(case.leftovers)} files the edit left in the object tree")
            sys.stdout.flush()
            tree.read()  # the tree as the next edit finds it
    except FuzzError as e:
        print(f"error: {e}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        status = 2
    finally:
        checked, bad_files = fuzzer.verify_all()
    print()
    print("\n".join(table(cases, kinds)))
    if bad_files:
        differed = " ".join(bad_files)
        print(
            f"source tree: {checked} touched files checked (sha256, mode); "
            f"{len(bad_files)} differed and were written back: {differed}"
        )
        status = status or 1
    else:
        print(f"source tree: {checked} touched files checked (sha256, mode): all as found")
    wrong = sum("wrong" in c.verdicts.values() for c in cases)
    print(
        f"{len(cases)} edits, {wrong} with a wrong verdict; "
        f"{time.monotonic() - started:.1f}s in all"
    )
    if keep is not None and any(c.failing for c in cases):
        print(f"failing cases saved in {keep} (see {keep / 'README'})")
    if status == 0:
        shutil.rmtree(work, ignore_errors=True)
    return status or (1 if wrong else 0)


if __name__ == "__main__":
    sys.exit(main())
