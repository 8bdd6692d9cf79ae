"""Where the trees are: the object tree a command names, its source tree, and for an
external module (``M=``) the kernel object tree it was built against."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from depgraph.model import DepgraphError
from depgraph.tree.fs import REAL, FileSystem

_O_MAKEFILE_INCLUDE = re.compile(r"^include\s+(\S+)/Makefile\s*$", re.M)


class LoadError(DepgraphError):
    """The directory is not something depgraph can read; the message is one line."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things are, all absolute.

    ``objtree`` is the kernel's object tree (relative paths in ``.cmd`` files are relative
    to it, since kbuild ≤ 6.12 runs every command there), ``srctree`` its source tree,
    ``scan`` the directory whose ``.cmd`` files are read: the objtree itself, or the
    module directory of an external (``M=``) module.
    """

    objtree: str
    srctree: str
    kind: str  # "O=", "in-tree" or "M="
    scan: str


def locate(
    build_dir: str | None,
    environ: Mapping[str, str],
    cwd: str,
    kernel: str | None = None,
    *,
    fs: FileSystem = REAL,
) -> Layout:
    """Find the object tree (``-C``, else ``KBUILD_OUTPUT`` as kbuild honours it, else the
    working directory) and its source tree (the ``source`` symlink ``O=`` builds have, the
    ``include …/Makefile`` line of their generated Makefile, or the tree itself).

    A directory without ``.config`` that holds an external module's ``.cmd`` files is read
    as an ``M=`` build; ``kernel`` (or ``$KDIR``) names the kernel tree it was built
    against, else it is found as :func:`_external_module_layout` says. ``fs`` is the disk
    looked at."""
    chosen = build_dir or environ.get("KBUILD_OUTPUT") or cwd
    objtree = os.path.abspath(os.path.join(cwd, chosen))
    if not fs.is_dir(objtree):
        raise LoadError(f"{objtree}: no such directory")
    if not fs.is_file(os.path.join(objtree, ".config")):
        if _has_module_cmd_files(fs, objtree):
            return _external_module_layout(fs, objtree, environ, cwd, kernel)
        raise LoadError(
            f"{objtree}: not a kbuild object tree (no .config); "
            "name the build directory with -C or KBUILD_OUTPUT"
        )
    srctree = source_tree_of(fs, objtree)
    kind = "in-tree" if srctree == objtree else "O="
    return Layout(objtree, srctree, kind, objtree)


def source_tree_of(fs: FileSystem, objtree: str) -> str:
    """The source tree of an object tree: the ``source`` symlink of an ``O=`` build, the
    ``include …/Makefile`` line of its generated Makefile, else the tree itself."""
    link = os.path.join(objtree, "source")
    if fs.is_link(link):
        srctree = os.path.normpath(os.path.join(objtree, fs.readlink(link)))
        if fs.is_dir(srctree):
            return srctree
    makefile = os.path.join(objtree, "Makefile")
    head = (fs.text_or_none(makefile) or "")[:4096]
    match = _O_MAKEFILE_INCLUDE.search(head)
    if match and "$" not in match.group(1):
        srctree = os.path.normpath(os.path.join(objtree, match.group(1)))
        if srctree != objtree and fs.is_dir(srctree):
            return srctree
    return objtree


def _has_module_cmd_files(fs: FileSystem, directory: str) -> bool:
    try:
        names = fs.listdir(directory)
    except OSError:
        return False
    return any(n.endswith(".ko.cmd") or n == ".modules.order.cmd" for n in names)


_PREFIX_MAP = re.compile(r"-f(?:macro|file)-prefix-map=(\S+?)/?=")
_KDIR_LINE = re.compile(
    r"^\s*(?:KDIR|KERNELDIR|KERNEL_DIR|KSRC|KERNEL_SRC)\s*[?:]?=\s*(\S+)\s*$", re.M
)


def _external_module_layout(
    fs: FileSystem, moddir: str, environ: Mapping[str, str], cwd: str, kernel: str | None
) -> Layout:
    """An ``M=`` build: kbuild ≤ 6.12 writes the module's own paths absolute and the
    kernel's generated files and config stamps relative to the kernel objtree, which no
    ``.cmd`` file names. The source tree is read from ``-fmacro-prefix-map=SRC/=``."""
    srctree = None
    cmd_files = sorted(path for path, _, _ in fs.build_files(moddir) if path.endswith(".cmd"))
    for path in cmd_files:
        match = _PREFIX_MAP.search(fs.text_or_none(path) or "")
        if match:
            srctree = os.path.normpath(match.group(1))
            break
    candidates: list[str] = []
    if kernel:
        candidates.append(os.path.abspath(os.path.join(cwd, kernel)))
    if environ.get("KDIR"):
        candidates.append(os.path.abspath(os.path.join(cwd, environ["KDIR"])))
    for name in ("Makefile", "Kbuild"):
        for match in _KDIR_LINE.finditer(fs.text_or_none(os.path.join(moddir, name)) or ""):
            value = match.group(1)
            if "$" not in value:
                candidates.append(os.path.normpath(os.path.join(moddir, value)))
    if fs.is_dir("/lib/modules"):
        for release in sorted(fs.listdir("/lib/modules")):
            candidates.append(os.path.join("/lib/modules", release, "build"))
    for candidate in candidates:
        if not fs.is_file(os.path.join(candidate, ".config")):
            continue
        real = fs.realpath(candidate)
        if srctree is None or source_tree_of(fs, real) == srctree or real == srctree:
            return Layout(real, source_tree_of(fs, real), "M=", moddir)
    if kernel:
        raise LoadError(f"{kernel}: not the kernel object tree this module was built against")
    raise LoadError(
        f"{moddir}: external module, but its kernel object tree was not found; "
        "name it with --kernel DIR (the KDIR of 'make -C KDIR M=…')"
    )


def kbuild_file(fs: FileSystem, srctree: str, directory: str) -> tuple[str, int] | None:
    """The file kbuild reads for a directory, srctree-relative, with its mtime:
    ``$(or $(wildcard $(src)/Kbuild),$(src)/Makefile)`` (scripts/Kbuild.include). One
    stat a name: a load checks every directory's."""
    for name in ("Kbuild", "Makefile"):
        rel = posixpath.normpath(posixpath.join(directory, name))
        when = fs.mtime(os.path.join(srctree, rel))
        if when >= 0:
            return rel, when
    return None
