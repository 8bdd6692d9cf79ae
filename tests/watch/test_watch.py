"""Watch mode with a real observer on a real sample_tree build: saved headers, builds,
``.config`` edits, changes made during a reload, and a clean stop."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from conftest import Build, touch

from depgraph.questions.events import Event, Ready, Update
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.workspace import Workspace
from depgraph.watch import session as watch_module
from depgraph.watch.session import Changes, watch

TIMEOUT = 20.0


class Watching:
    """``watch()`` running in a thread of its own, its events in a queue."""

    def __init__(self, build: Build, **options: float) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.stop = threading.Event()
        workspace = Workspace(locate(str(build.obj), {}, "/"))
        self.thread = threading.Thread(
            target=watch, args=(workspace, self.events.put, self.stop), kwargs=options
        )
        self.thread.start()
        self.ready = self.next()
        assert isinstance(self.ready, Ready)

    def next(self) -> Event:
        return self.events.get(timeout=TIMEOUT)

    def until(self, done: callable) -> list[Update]:  # type: ignore[valid-type]
        """Updates until ``done(update)`` holds for one (or the time is up)."""
        seen: list[Update] = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            assert isinstance(event, Update)
            seen.append(event)
            if done(event):
                return seen
        raise AssertionError(f"no such update in {seen}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive()


@pytest.fixture
def watching(own_build: Build) -> Iterator[Watching]:
    before = threading.active_count()
    session = Watching(own_build, settle=0.2, longest=1.0)
    yield session
    session.close()
    assert threading.active_count() == before  # the observer's thread is gone too


def stale_names(update: Update) -> set[str]:
    return {item.target for item in update.stale}


def test_saved_header_then_a_build_then_a_config_edit(own_build: Build, watching: Watching):
    assert watching.ready.status.stale == ()
    assert watching.ready.directories > 5

    header = own_build.src / "drivers/common/helper.h"
    users = set(load_tree(locate(str(own_build.obj), {}, "/")).users["drivers/common/helper.h"])
    touch(header)
    (update,) = watching.until(lambda u: "drivers/net/netdev.o" in stale_names(u))
    assert str(header) in update.changed
    stale = {item.target: item for item in update.stale}
    assert users | {"drivers/net/netdev.o", "vmlinux"} <= set(stale)
    assert "init/main.o" not in stale
    assert stale["drivers/net/netdev.o"].reasons[0].chain  # with the include chain

    own_build.make()
    updates = watching.until(lambda u: not u.status.stale)
    cleaned = {c.target: c.why for u in updates for c in u.clean}
    assert cleaned["drivers/net/netdev.o"] == "remade" and "vmlinux" in cleaned

    config = own_build.obj / ".config"
    time.sleep(0.02)
    edits = {  # the choice member and the HZ Kconfig derives from it
        "CONFIG_HZ_250=y": "# CONFIG_HZ_250 is not set",
        "# CONFIG_HZ_100 is not set": "CONFIG_HZ_100=y",
        "CONFIG_HZ=250": "CONFIG_HZ=100",
    }
    lines = config.read_text().splitlines()
    config.write_text("".join(edits.get(line, line) + "\n" for line in lines))
    (update,) = watching.until(lambda u: bool(u.stale))
    assert update.status.config == {
        "CONFIG_HZ_250": ("y", "n"),
        "CONFIG_HZ_100": ("n", "y"),
        "CONFIG_HZ": ("250", "100"),
    }
    reasons = [r for item in update.stale for r in item.reasons if r.kind == "config"]
    assert reasons and {r.cause for r in reasons} == {"CONFIG_HZ", "CONFIG_HZ_100", "CONFIG_HZ_250"}


def test_a_change_made_during_a_reload_is_not_lost(own_build: Build, monkeypatch):
    """A file saved while the tree is being reloaded is reported by the next round."""
    refresh = watch_module.Session.refresh
    calls = []

    def slow_refresh(self: watch_module.Session):  # noqa: ANN202
        calls.append(1)
        if len(calls) == 2:  # the reload after the first save: save another file meanwhile
            touch(own_build.src / "init/main.c")
            time.sleep(0.5)
        return refresh(self)

    monkeypatch.setattr(watch_module.Session, "refresh", slow_refresh)
    session = Watching(own_build, settle=0.2, longest=1.0)
    try:
        touch(own_build.src / "drivers/net/netdev.c")
        updates = session.until(lambda u: "init/main.o" in u.status.names)
        assert "drivers/net/netdev.o" in {t for u in updates for t in stale_names(u)}
    finally:
        session.close()


def test_a_burst_settles_into_one_report():
    changes = Changes()
    stop = threading.Event()

    def burst() -> None:
        for n in range(10):
            changes.add(f"/f{n}")
            time.sleep(0.02)

    threading.Thread(target=burst).start()
    time.sleep(0.01)
    assert changes.wait(stop, settle=0.15, longest=5.0) == [f"/f{n}" for n in range(10)]
    stop.set()
    assert changes.wait(stop, settle=0.15, longest=5.0) is None


def test_a_stream_of_events_is_reported_at_least_every_longest_seconds():
    changes = Changes()
    stop = threading.Event()
    done = threading.Event()

    def stream() -> None:
        while not done.is_set():
            changes.add("/f")
            time.sleep(0.01)

    threading.Thread(target=stream).start()
    try:
        start = time.monotonic()
        assert changes.wait(stop, settle=0.2, longest=0.5)
        assert time.monotonic() - start < 2.0
    finally:
        done.set()


def test_cli_watch_json_event_stream_and_ctrl_c(own_build: Build):
    proc = subprocess.Popen(
        [sys.executable, "-m", "depgraph", "watch", "-C", str(own_build.obj), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["event"] == "ready" and ready["stale"] == [] and ready["directories"] > 5
        touch(own_build.src / "include/linux/types.h")
        update = json.loads(proc.stdout.readline())
        assert update["event"] == "update" and update["clean"] == []
        stale = {item["target"]: item for item in update["stale"]}
        assert "init/main.o" in stale and stale["init/main.o"]["reasons"][0]["kbuild"] is True
        assert update["stale_now"] == len(stale)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT) == 0
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
