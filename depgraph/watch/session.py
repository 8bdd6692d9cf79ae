"""Watch mode: keep ``depgraph status`` current while files are saved, ``.config`` is
edited and builds run.

Only the directories that hold files the graph knows are observed (plus the objtree,
where ``.config`` lives, and ``include/config``), each without recursion: on Linux through
watchdog's inotify layer, every directory on one inotify descriptor read by one thread;
elsewhere through watchdog's observer. A burst of events (an editor's write-and-rename, a
``git checkout``, a build) is let settle, then the tree is reloaded (only the ``.cmd``
files a build rewrote are parsed again, see :mod:`depgraph.tree.cache`) and its status taken
from the files' mtimes again; what became stale or clean since is reported. Events that
arrive during a reload are kept for the next round, and the status is always taken
afresh from the disk, so no change is lost.

Library code: :func:`watch` reports :class:`Ready` and :class:`Update` values to a
callback and returns when its ``stop`` event is set; the CLI prints them.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from depgraph.model import BuildTree
from depgraph.questions.events import Clean, Event, Ready, Told, Update, compare
from depgraph.questions.status import StaleTarget, Status, status_of
from depgraph.tree.workspace import Workspace

SETTLE = 0.25  # seconds without an event before a burst counts as over
LONGEST = 2.0  # seconds a continuous stream of events (a build) may defer a report


class Changes:
    """The paths events named since the last :meth:`wait`, shared between the observer's
    thread and the loop."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._last = 0.0
        self._first = 0.0
        self._cond = threading.Condition()

    def add(self, path: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.append(path)
            self._last = now
            self._cond.notify_all()

    def wait(self, stop: threading.Event, settle: float, longest: float) -> list[str] | None:
        """The next burst of paths, once no event came for ``settle`` seconds or events
        have kept coming for ``longest``; None once ``stop`` is set."""
        with self._cond:
            while not stop.is_set():
                if self._paths:
                    now = time.monotonic()
                    quiet = now - self._last >= settle
                    if quiet or now - self._first >= longest:
                        paths, self._paths = self._paths, []
                        return paths
                    self._cond.wait(min(settle - (now - self._last), 0.1))
                else:
                    self._cond.wait(0.1)  # short, to see ``stop`` (and Ctrl-C) soon
        return None


class Session:
    """A tree under watch: takes the workspace's look again and compares its status with
    the last one."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.tree: BuildTree | None = None
        self.status: Status | None = None
        self._stale_times: dict[str, int] = {}
        self._told: set[str] = set()

    def refresh(self) -> tuple[Status, tuple[StaleTarget, ...], tuple[Clean, ...], Told]:
        """Reload the tree, take its status; return it with what changed since the last,
        and the notes and diagnostics not told before."""
        seen = self.workspace.look(pending=True)
        self.tree = seen.tree
        status = status_of(seen, self.workspace.fs)
        times = seen.times
        gone = [item.target for item in self.status.stale] if self.status else []
        stale, clean = compare(self.status, status, self._stale_times, times.mtimes(gone))
        now = {item.target for item in status.stale}
        self._stale_times = {name: when for name, when in times.mtimes(now).items() if name in now}
        self.status = status
        told = Told(
            tuple(n for n in seen.notes if n not in self._told),
            tuple(d for d in seen.diagnostics if str(d) not in self._told),
        )
        self._told = {*seen.notes, *(str(d) for d in seen.diagnostics)}
        return status, stale, clean, told


def watch(
    workspace: Workspace,
    emit: Callable[[Event], None],
    stop: threading.Event,
    *,
    settle: float = SETTLE,
    longest: float = LONGEST,
) -> None:
    """Watch the tree of ``workspace`` until ``stop`` is set (or the caller is
    interrupted), reporting to ``emit``; the observing thread is stopped and joined
    before it returns."""
    start = time.monotonic()
    session = Session(workspace)
    status, _, _, told = session.refresh()
    assert session.tree is not None
    directories = workspace.watched_directories(session.tree)
    changes = Changes()
    objtree = os.path.normpath(workspace.layout.objtree) + "/"
    observer = _observe(directories, changes.add)
    try:
        emit(Ready(len(directories), status, time.monotonic() - start, told))
        while True:
            paths = changes.wait(stop, settle, longest)
            if paths is None:
                return
            began = time.monotonic()
            status, stale, clean, told = session.refresh()
            if stale or clean or told:
                # Edits of the sources first, then what a build wrote into the objtree.
                fresh = dict.fromkeys(paths)
                changed = tuple(sorted(fresh, key=lambda p: p.startswith(objtree)))
                emit(Update(changed, stale, clean, status, time.monotonic() - began, told))
    finally:
        observer.stop()


class _Observer:
    """One way of observing directories; :meth:`stop` stops and joins its threads."""

    def stop(self) -> None:
        raise NotImplementedError


def _observe(directories: list[str], report: Callable[[str], None]) -> _Observer:
    if sys.platform.startswith("linux"):
        return _InotifyObserver(directories, report)
    return _PortableObserver(directories, report)


class _InotifyObserver(_Observer):
    """Every directory on one inotify descriptor, read by one thread (watchdog's
    ``InotifyFD``); watchdog's Observer would start a thread per directory, and a kernel
    tree has thousands."""

    def __init__(self, directories: list[str], report: Callable[[str], None]) -> None:
        from watchdog.observers.inotify_c import CallbackId, InotifyConstants, InotifyFD, Mask

        mask = Mask(
            InotifyConstants.IN_ATTRIB  # touch
            | InotifyConstants.IN_CLOSE_WRITE
            | InotifyConstants.IN_CREATE
            | InotifyConstants.IN_DELETE
            | InotifyConstants.IN_MOVED_TO  # an editor's write-and-rename
            | InotifyConstants.IN_MOVED_FROM
        )
        callback_id = CallbackId(id(self))
        self._fd = InotifyFD()
        self._dirs: dict[int, bytes] = {}
        self._report = report
        self._fd.start()
        try:
            for directory in directories:
                try:
                    wd = self._fd.add_callback(os.fsencode(directory), mask, self, callback_id)
                except OSError:
                    continue  # gone meanwhile, or not readable: nothing to watch there
                self._dirs[wd] = os.fsencode(directory)
        except BaseException:
            self.stop()
            raise

    # watchdog's WatchCallback protocol, called on the InotifyFD thread
    def on_event(self, event: Any) -> None:  # noqa: ANN401 (watchdog's InotifyEvent)
        directory = self._dirs.get(event.wd)
        if directory is not None:
            self._report(os.fsdecode(os.path.join(directory, event.name)))

    def on_watch_deleted(self, wd: int) -> None:
        self._dirs.pop(wd, None)

    def on_queue_overflow(self) -> None:
        self._report("")  # events were lost: a refresh from the disk recovers them

    def stop(self) -> None:
        self._fd.stop()
        if self._fd.is_alive():
            self._fd.join()


class _PortableObserver(_Observer):
    """watchdog's Observer, one non-recursive watch per directory (macOS, BSD)."""

    def __init__(self, directories: list[str], report: Callable[[str], None]) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                report(os.fsdecode(event.src_path))

        self._observer = Observer()
        handler = Handler()
        for directory in directories:
            self._observer.schedule(handler, directory, recursive=False)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join()
