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

import os
import pickle
import zlib
from dataclasses import dataclass, field

from depgraph.index import Index
from depgraph.model import Diagnostic

# Bump when what is stored changes meaning; a cache of another format is rebuilt.
FORMAT = 3


@dataclass
class CmdEntry:
    """What one ``.cmd`` (or depfile) gave, and the size and mtime it had then."""

    size: int
    mtime_ns: int
    target: int  # index id of its target, -1 when it gave none
    diagnostics: tuple[Diagnostic, ...]
    candidates: tuple[str, ...] = ()  # link-type targets: the files the command names
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
            state = pickle.load(handle)
    except FileNotFoundError:
        return None, None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError) as exc:  # fmt: skip
        return None, f"cache {path} is unreadable ({type(exc).__name__}); rebuilding it"
    if not isinstance(state, State) or state.format != FORMAT or state.key != key:
        return None, f"cache {path} is of another version or tree; rebuilding it"
    return state, None


def write(directory: str, state: State) -> str | None:
    """Store ``state`` atomically; returns why it could not be written, or None."""
    return write_object(directory, cache_path(directory, state.key), state)


# Per file: (size, mtime_ns, includes as (name, quoted, line), mentions as (symbol, line,
# text), either None until scanned).
Scan = tuple[int, int, tuple[tuple[str, bool, int], ...] | None,
             tuple[tuple[str, int, str], ...] | None]  # fmt: skip


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
    return found[2]


def write_scans(directory: str, key: str, scans: dict[str, Scan]) -> str | None:
    return write_object(directory, scans_path(directory, key), (FORMAT, key, scans))


def write_object(directory: str, path: str, value: object) -> str | None:
    """Pickle ``value`` to ``path`` atomically; returns why it could not, or None."""
    import tempfile  # only a run that writes pays for importing it

    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            # The rename is atomic: a crash leaves the old cache or the new one. (No
            # fsync: after a power loss a torn file fails to unpickle and is rebuilt.)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        return f"cannot write cache in {directory}: {exc.strerror or exc}"
    return None
