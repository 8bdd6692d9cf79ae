"""The one port through which depgraph reads the trees it analyses (ninja's
``DiskInterface``): the real disk, or an in-memory fake for tests.

Every read of a file of the analysed trees, every stat and every directory listing goes
through a :class:`FileSystem`: the loader, the readers of sources, Kconfig files and
Makefiles, the file times ``status`` compares, and the files a user names as input
(``--config FILE``, a snapshot). Nothing here writes. Paths are absolute.

:class:`FakeFileSystem` holds files, directories and symlinks in dictionaries, with mtimes
a test sets (each write is newer than the last by default), so that questions and
renderers can be tested on a tree built in memory instead of by ``make``.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator, Mapping
from typing import NamedTuple

# Directories a walk for build files never enters: the O= tree's link back to the source
# tree, git's own, and kbuild's leftovers of old module builds.
SKIPPED_DIRS = frozenset({".git", "source", ".tmp_versions"})


class FileStat(NamedTuple):
    size: int
    mtime_ns: int


class FileSystem:
    """What depgraph asks of a disk. Reads raise :class:`OSError` as the OS would; the
    helpers below turn a missing file into the value callers want."""

    def read_bytes(self, path: str) -> bytes:
        raise NotImplementedError

    def stat(self, path: str) -> FileStat:
        """Size and mtime, following symlinks; :class:`OSError` when there is no file."""
        raise NotImplementedError

    def is_file(self, path: str) -> bool:
        raise NotImplementedError

    def is_dir(self, path: str) -> bool:
        raise NotImplementedError

    def is_link(self, path: str) -> bool:
        raise NotImplementedError

    def readlink(self, path: str) -> str:
        raise NotImplementedError

    def listdir(self, path: str) -> list[str]:
        """The names in a directory, in no particular order."""
        raise NotImplementedError

    def realpath(self, path: str) -> str:
        raise NotImplementedError

    def is_executable(self, path: str) -> bool:
        raise NotImplementedError

    def build_files(self, directory: str) -> Iterator[tuple[str, int, int]]:
        """Every ``.<target>.cmd`` and ``.<target>.d`` file below ``directory`` with its
        size and mtime, in no particular order; symlinks and :data:`SKIPPED_DIRS` are not
        followed."""
        raise NotImplementedError

    # --- helpers over the primitives -----------------------------------------------

    def read_text(self, path: str) -> str:
        """The file's text; bytes that are not UTF-8 survive as surrogates."""
        return self.read_bytes(path).decode("utf-8", errors="surrogateescape")

    def text_or_none(self, path: str) -> str | None:
        try:
            return self.read_text(path)
        except OSError:
            return None

    def mtime(self, path: str) -> int:
        """The mtime in nanoseconds, ``-1`` when there is no file."""
        try:
            return self.stat(path).mtime_ns
        except OSError:
            return -1

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
        except OSError:
            return False
        return True

    def real_file(self, path: str) -> str | None:
        """The path with symlinks resolved, or None when no file is there."""
        real = self.realpath(path)
        return real if self.exists(real) else None

    def glob(self, pattern: str) -> list[str]:
        """The paths matching a shell pattern (``*``, ``?``, ``[…]`` in the last
        components), sorted."""
        head, tail = posixpath.split(pattern)
        bases = self.glob(head) if any(c in head for c in "*?[") else [head]
        found: list[str] = []
        for base in bases:
            if not any(c in tail for c in "*?["):
                candidate = posixpath.join(base, tail)
                if self.exists(candidate) or self.is_link(candidate):
                    found.append(candidate)
                continue
            try:
                names = self.listdir(base)
            except OSError:
                continue
            found.extend(
                posixpath.join(base, n)
                for n in names
                if fnmatch.fnmatchcase(n, tail) and (n[0] != "." or tail[0] == ".")
            )
        return sorted(found)


class RealFileSystem(FileSystem):
    """The disk."""

    def read_bytes(self, path: str) -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    def stat(self, path: str) -> FileStat:
        st = os.stat(path)
        return FileStat(st.st_size, st.st_mtime_ns)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def is_link(self, path: str) -> bool:
        return os.path.islink(path)

    def readlink(self, path: str) -> str:
        return os.readlink(path)

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path)

    def realpath(self, path: str) -> str:
        return os.path.realpath(path)

    def is_executable(self, path: str) -> bool:
        return os.access(path, os.X_OK)

    def mtime(self, path: str) -> int:
        try:  # the hot path of status: one call, no FileStat
            return os.stat(path).st_mtime_ns
        except OSError:
            return -1

    def build_files(self, directory: str) -> Iterator[tuple[str, int, int]]:
        # Every warm start runs this over tens of thousands of files: names are filtered
        # before anything is stat'ed, directories come from scandir's own type, and
        # nothing is sorted (callers sort what they keep).
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            return
        subdirs: list[str] = []
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                if (name.endswith(".cmd") or name.endswith(".d")) and len(name) > 4:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if not entry.is_symlink():
                        yield entry.path, st.st_size, st.st_mtime_ns
                    continue
                if name == ".git" or name == ".tmp_versions":
                    continue
            if name not in SKIPPED_DIRS and entry.is_dir(follow_symlinks=False):
                subdirs.append(entry.path)
        for subdir in subdirs:
            yield from self.build_files(subdir)


REAL = RealFileSystem()


class FakeFileSystem(FileSystem):
    """Files, directories and symlinks in memory. Each :meth:`write` gets an mtime newer
    than every earlier one unless it is given one, as a build or an editor would."""

    def __init__(self, files: Mapping[str, str | bytes] | None = None) -> None:
        self._files: dict[str, tuple[bytes, int]] = {}
        self._dirs: set[str] = {"/"}
        self._links: dict[str, str] = {}
        self._clock = 1_000_000_000_000_000_000
        self.executables: set[str] = set()
        for path, data in (files or {}).items():
            self.write(path, data)

    # --- changing it (tests) -------------------------------------------------------

    def write(self, path: str, data: str | bytes, mtime_ns: int | None = None) -> None:
        path = posixpath.normpath(path)
        raw = data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data
        self._files[path] = (raw, self._at(mtime_ns))
        self.mkdir(posixpath.dirname(path))

    def touch(self, path: str, mtime_ns: int | None = None) -> None:
        """A newer mtime for an existing file (``OSError`` if there is none)."""
        path = self._resolve(path)
        data, _ = self._lookup(path)
        self._files[path] = (data, self._at(mtime_ns))

    def remove(self, path: str) -> None:
        del self._files[self._resolve(path)]

    def mkdir(self, path: str) -> None:
        path = posixpath.normpath(path)
        while path not in self._dirs:
            self._dirs.add(path)
            path = posixpath.dirname(path)

    def symlink(self, target: str, path: str) -> None:
        path = posixpath.normpath(path)
        self._links[path] = target
        self.mkdir(posixpath.dirname(path))

    def _tick(self) -> int:
        self._clock += 1_000_000
        return self._clock

    def _at(self, mtime_ns: int | None) -> int:
        """The mtime of a write: ``mtime_ns``, or later than every mtime so far."""
        if mtime_ns is None:
            return self._tick()
        self._clock = max(self._clock, mtime_ns)
        return mtime_ns

    # --- the port ------------------------------------------------------------------

    def _resolve(self, path: str) -> str:
        """``path`` with every symlink in it followed (relative targets resolved)."""
        path = posixpath.normpath(path)
        for _ in range(40):
            parts = path.split("/")
            for at in range(2, len(parts) + 1):
                head = "/".join(parts[:at])
                target = self._links.get(head)
                if target is not None:
                    base = posixpath.dirname(head)
                    path = posixpath.normpath(posixpath.join(base, target, *parts[at:]))
                    break
            else:
                return path
        raise OSError(40, "Too many levels of symbolic links", path)

    def _lookup(self, path: str) -> tuple[bytes, int]:
        found = self._files.get(path)
        if found is None:
            raise FileNotFoundError(2, "No such file or directory", path)
        return found

    def read_bytes(self, path: str) -> bytes:
        return self._lookup(self._resolve(path))[0]

    def stat(self, path: str) -> FileStat:
        resolved = self._resolve(path)
        if resolved in self._dirs:
            return FileStat(4096, 0)
        data, mtime = self._lookup(resolved)
        return FileStat(len(data), mtime)

    def is_file(self, path: str) -> bool:
        return self._resolve(path) in self._files

    def is_dir(self, path: str) -> bool:
        return self._resolve(path) in self._dirs

    def is_link(self, path: str) -> bool:
        return posixpath.normpath(path) in self._links

    def readlink(self, path: str) -> str:
        found = self._links.get(posixpath.normpath(path))
        if found is None:
            raise OSError(22, "Invalid argument", path)
        return found

    def listdir(self, path: str) -> list[str]:
        directory = self._resolve(path)
        if directory not in self._dirs:
            raise FileNotFoundError(2, "No such file or directory", path)
        prefix = directory.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/", 1)[0]
            for p in (*self._files, *self._dirs, *self._links)
            if p.startswith(prefix) and p != directory
        }
        return sorted(names)

    def realpath(self, path: str) -> str:
        try:
            return self._resolve(path)
        except OSError:
            return posixpath.normpath(path)

    def is_executable(self, path: str) -> bool:
        return self._resolve(path) in self.executables

    def build_files(self, directory: str) -> Iterator[tuple[str, int, int]]:
        directory = posixpath.normpath(directory)
        for name in sorted(self.listdir(directory)) if self.is_dir(directory) else ():
            path = posixpath.join(directory, name)
            if path in self._links:
                continue
            build_file = name[0] == "." and name.endswith((".cmd", ".d")) and len(name) > 4
            if build_file and path in self._files:
                data, mtime = self._files[path]
                yield path, len(data), mtime
                continue
            if name not in SKIPPED_DIRS and path in self._dirs:
                yield from self.build_files(path)

    @classmethod
    def copy_of(cls, roots: Mapping[str, str], fs: FileSystem = REAL) -> FakeFileSystem:
        """An in-memory copy of real directories, each put at a path of the fake:
        ``{"/obj": "/tmp/build/obj", …}``; files keep their mtimes, symlinks their
        targets (a symlink to an absolute path inside a copied root is moved with it)."""
        fake = cls()
        moved = sorted(roots.items(), key=lambda item: -len(item[1]))
        for place, real in roots.items():
            for dirpath, dirnames, filenames in os.walk(real):
                inside = place + dirpath[len(real) :]
                fake.mkdir(inside)
                for name in [*dirnames, *filenames]:
                    full = os.path.join(dirpath, name)
                    at = posixpath.join(inside, name)
                    if fs.is_link(full):
                        target = fs.readlink(full)
                        for into, origin in moved:
                            if target == origin or target.startswith(origin + "/"):
                                target = into + target[len(origin) :]
                                break
                        fake.symlink(target, at)
                        if name in dirnames:
                            dirnames.remove(name)
                    elif name in filenames:
                        fake.write(at, fs.read_bytes(full), fs.stat(full).mtime_ns)
                        if fs.is_executable(full):
                            fake.executables.add(at)
        return fake


EDITED = 1 << 62  # the mtime an overlay gives the files it changes: newer than anything


class OverlayFileSystem(FileSystem):
    """Another file system with some files replaced, added or deleted: the tree as the
    next make would see it once a patch is applied, without writing anything. The files
    it changes get the mtime ``mtime_ns`` (by default newer than any real file)."""

    def __init__(
        self,
        base: FileSystem,
        changes: Mapping[str, bytes | None],
        *,
        mtime_ns: int = EDITED,
    ) -> None:
        self.base = base
        self.changes = {posixpath.normpath(p): data for p, data in changes.items()}
        self._mtime = mtime_ns
        self._added_dirs: set[str] = set()
        for path, data in self.changes.items():
            if data is None:
                continue
            parent = posixpath.dirname(path)
            while parent not in self._added_dirs and parent != "/":
                self._added_dirs.add(parent)
                parent = posixpath.dirname(parent)

    def _changed(self, path: str) -> tuple[bool, bytes | None]:
        clean = posixpath.normpath(path)
        if clean in self.changes:
            return True, self.changes[clean]
        return False, None

    def read_bytes(self, path: str) -> bytes:
        changed, data = self._changed(path)
        if not changed:
            return self.base.read_bytes(path)
        if data is None:
            raise FileNotFoundError(2, "No such file or directory", path)
        return data

    def stat(self, path: str) -> FileStat:
        changed, data = self._changed(path)
        if not changed:
            if posixpath.normpath(path) in self._added_dirs and not self.base.exists(path):
                return FileStat(4096, self._mtime)
            return self.base.stat(path)
        if data is None:
            raise FileNotFoundError(2, "No such file or directory", path)
        return FileStat(len(data), self._mtime)

    def mtime(self, path: str) -> int:
        changed, data = self._changed(path)
        if not changed:
            return self.base.mtime(path)
        return -1 if data is None else self._mtime

    def is_file(self, path: str) -> bool:
        changed, data = self._changed(path)
        return data is not None if changed else self.base.is_file(path)

    def is_dir(self, path: str) -> bool:
        return posixpath.normpath(path) in self._added_dirs or self.base.is_dir(path)

    def is_link(self, path: str) -> bool:
        changed, _ = self._changed(path)
        return not changed and self.base.is_link(path)

    def readlink(self, path: str) -> str:
        return self.base.readlink(path)

    def listdir(self, path: str) -> list[str]:
        directory = posixpath.normpath(path)
        try:
            names = set(self.base.listdir(path))
        except OSError:
            if directory not in self._added_dirs:
                raise
            names = set()
        prefix = directory.rstrip("/") + "/"
        for changed, data in self.changes.items():
            if not changed.startswith(prefix):
                continue
            name = changed[len(prefix) :].split("/", 1)[0]
            if data is None and "/" not in changed[len(prefix) :]:
                names.discard(name)
            elif data is not None:
                names.add(name)
        return sorted(names)

    def realpath(self, path: str) -> str:
        return self.base.realpath(path)

    def is_executable(self, path: str) -> bool:
        changed, _ = self._changed(path)
        return not changed and self.base.is_executable(path)

    def build_files(self, directory: str) -> Iterator[tuple[str, int, int]]:
        for path, size, mtime in self.base.build_files(directory):
            changed, data = self._changed(path)
            if not changed:
                yield path, size, mtime
            elif data is not None:
                yield path, len(data), self._mtime
