"""The persistent cache of a parsed tree, kept outside the tree it describes.

Like ninja's deps log: what was parsed from every ``.cmd`` file, with the size and mtime
it had, so a later load re-reads only the files a build rewrote. One file per tree,
``$DEPGRAPH_CACHE_DIR`` or ``$XDG_CACHE_HOME/depgraph`` (``~/.cache/depgraph``), named
after a hash of the tree's paths. Written to a temporary file and renamed into place, so
a crash or Ctrl-C leaves the old cache or the new one, never half of one. A cache that is
corrupt, of another format or of another tree is ignored (the caller is told why) and
rebuilt.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import struct
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from depgraph.model import Diagnostic
from depgraph.tree.index import Index

# Bump when what is stored changes meaning; a cache of another format is rebuilt.
FORMAT = 11

# A tree's cache file: a header, a pickle of the State, then the large integer columns
# of its index raw (8-byte aligned). They are mapped, not read: a warm start unpickles a
# few megabytes and pays for the rest of some 40 MB only as a query touches it.
_MAGIC = b"depgraph cache\n\0"
_HEADER = struct.Struct("<16sIIQ")  # magic, FORMAT, number of columns, pickle length
_RAW_FROM = 4096  # array items from which a column is stored raw


class CmdEntry(NamedTuple):
    """What one ``.cmd`` (or depfile) gave, and the size and mtime it had then. A tuple:
    a cache holds thousands, and tuples unpickle three times faster than dataclasses."""

    size: int
    mtime_ns: int
    target: int  # index id of its target, -1 when it gave none
    diagnostics: tuple[Diagnostic, ...]
    candidates: tuple[str, ...] = ()  # link-type targets: the files the command names;
    # compiled ones: the programs named by a path it runs (tool_programs)
    responses: tuple[str, ...] = ()  # ... and its @response files


@dataclass
class State:
    """Everything a load keeps between runs for one tree."""

    format: int
    key: str
    index: Index
    entries: dict[str, CmdEntry] = field(default_factory=dict)
    generated: set[int] = field(default_factory=set)
    stale: set[int] | None = None  # recomputed when any file or modules.order changed
    modules_order_mtime: int = -1
    # path -> ((size, mtime_ns), values, diagnostics) of .config and auto.conf
    configs: dict[str, tuple[tuple[int, int], dict[str, str], tuple[Diagnostic, ...]]] = field(
        default_factory=dict
    )
    configs_changed: bool = False  # this run's only: set when a config file was re-read
    # The prerequisites only directories' Makefile rules name (target, prerequisite), and
    # what they were read from: each Makefile with its mtime, and the configuration's
    # (size, mtime_ns)
    rules_stamp: tuple[object, ...] = ()
    rules: tuple[tuple[str, str], ...] = ()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["configs_changed"] = False
        return state


def default_dir(environ: dict[str, str]) -> str:
    if environ.get("DEPGRAPH_CACHE_DIR"):
        return environ["DEPGRAPH_CACHE_DIR"]
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "depgraph")


def tree_key(*paths: str) -> str:
    """What identifies a tree's cache: the version and paths, stored whole in the state
    and checked on reading (so the short name below may collide without harm)."""
    return "\0".join(paths)


def cache_path(directory: str, key: str) -> str:
    # A checksum, not hashlib: importing OpenSSL costs 10 ms of every run.
    tail = key.rsplit("\0", 1)[-1].rstrip("/").rsplit("/", 1)[-1] or "root"
    return os.path.join(directory, f"tree-{tail}-{zlib.crc32(key.encode()):08x}.pickle")


def read(directory: str, key: str) -> tuple[State | None, str | None]:
    """The stored state, or None with the reason it could not be used (None: no cache)."""
    path = cache_path(directory, key)
    try:
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        return None, f"cache {path} is unreadable ({type(exc).__name__}); rebuilding it"
    view = memoryview(mapped)
    try:
        magic, fmt, count, length = _HEADER.unpack_from(view)
        if magic != _MAGIC or fmt != FORMAT:
            return None, f"cache {path} is of another version or tree; rebuilding it"
        at = _HEADER.size + 8 * count
        sizes = struct.unpack_from(f"<{count}Q", view, _HEADER.size)
        payload = view[at : at + length]
        columns = []
        at = _aligned(at + length)
        for size in sizes:
            columns.append(view[at : at + size])
            at = _aligned(at + size)
        if at > _aligned(len(view)) or len(payload) != length:
            raise EOFError("cut short")
        state = pickle.loads(payload, buffers=columns)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError, struct.error) as exc:  # fmt: skip
        return None, f"cache {path} is unreadable ({type(exc).__name__}); rebuilding it"
    if not isinstance(state, State) or state.format != FORMAT or state.key != key:
        return None, f"cache {path} is of another version or tree; rebuilding it"
    return state, None


def write(directory: str, state: State) -> str | None:
    """Store ``state`` atomically; returns why it could not be written, or None."""
    columns: list[pickle.PickleBuffer] = []
    payload = io.BytesIO()
    _Pickler(payload, protocol=5, buffer_callback=columns.append).dump(state)
    raws = [column.raw() for column in columns]
    header = _HEADER.pack(_MAGIC, FORMAT, len(raws), payload.tell())
    header += struct.pack(f"<{len(raws)}Q", *(len(raw) for raw in raws))

    def dump(handle: io.BufferedWriter) -> None:
        handle.write(header)
        handle.write(payload.getbuffer())
        for raw in raws:
            handle.write(b"\0" * (_aligned(handle.tell()) - handle.tell()))
            handle.write(raw)

    return _write_atomically(directory, cache_path(directory, state.key), dump)


def _aligned(offset: int) -> int:
    return (offset + 7) & ~7


def _column(typecode: str, buffer: Any) -> memoryview:  # noqa: ANN401 (any buffer)
    # typecode is an array's ("i", "q", "b"): one of the formats cast() takes, which the
    # stubs can only check for a literal.
    column: memoryview = memoryview(buffer).cast("B").cast(typecode)  # type: ignore[call-overload]
    return column


class _Pickler(pickle.Pickler):
    """Sets the large arrays apart as raw columns (read back as views of the file)."""

    def reducer_override(self, obj: object) -> Any:  # noqa: ANN401 (pickle's protocol)
        if type(obj) is array and len(obj) >= _RAW_FROM:
            return _column, (obj.typecode, pickle.PickleBuffer(obj))
        return NotImplemented


class Scan(NamedTuple):
    """What one file's text gave, with the size and mtime it had: its ``#include`` lines
    as (name, quoted, line) and its ``CONFIG_`` mentions as (symbol, line, text), each
    None until scanned."""

    size: int
    mtime_ns: int
    includes: tuple[tuple[str, bool, int], ...] | None
    mentions: tuple[tuple[str, int, str], ...] | None


def scans_path(directory: str, key: str) -> str:
    return cache_path(directory, key).replace("/tree-", "/scans-")


def read_scans(directory: str, key: str) -> dict[str, Scan]:
    """The stored ``#include``/``CONFIG_`` scans of a tree's files; empty if none or
    unusable (they are only a speed-up: a bad file is rebuilt without a word)."""
    try:
        with open(scans_path(directory, key), "rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):  # fmt: skip
        return {}
    if not (isinstance(found, tuple) and len(found) == 3 and found[:2] == (FORMAT, key)):
        return {}
    scans: dict[str, Scan] = found[2]
    return scans


def write_scans(directory: str, key: str, scans: dict[str, Scan]) -> str | None:
    return write_object(directory, scans_path(directory, key), (FORMAT, key, scans))


def read_resolution(directory: str, key: str, stamp: tuple[object, ...]) -> object | None:
    """What :func:`write_resolution` kept for ``stamp`` (the files it was worked out
    from, by size and mtime), or None."""
    path = cache_path(directory, key).replace("/tree-", "/config-")
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):  # fmt: skip
        return None
    if isinstance(found, tuple) and len(found) == 4 and found[:3] == (FORMAT, key, stamp):
        value: object = found[3]
        return value
    return None


def write_resolution(directory: str, key: str, stamp: tuple[object, ...], value: object) -> None:
    """Keep a configuration the tree's Kconfig program resolved, for the next runs (it
    takes seconds on a kernel, and a tree edited but not rebuilt asks it every run)."""
    path = cache_path(directory, key).replace("/tree-", "/config-")
    write_object(directory, path, (FORMAT, key, stamp, value))


def write_object(directory: str, path: str, value: object) -> str | None:
    """Pickle ``value`` to ``path`` atomically; returns why it could not, or None."""
    return _write_atomically(
        directory,
        path,
        lambda handle: pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL),
    )


def _write_atomically(
    directory: str, path: str, dump: Callable[[io.BufferedWriter], None]
) -> str | None:
    import tempfile  # only a run that writes pays for importing it

    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                dump(handle)
            # The rename is atomic: a crash leaves the old cache or the new one. (No
            # fsync: after a power loss a torn file fails to load and is rebuilt.)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        return f"cannot write cache in {directory}: {exc.strerror or exc}"
    return None
