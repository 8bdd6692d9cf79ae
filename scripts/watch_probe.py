#!/usr/bin/env python3
"""Check ``depgraph watch`` on a real kernel object tree, the way a developer uses it.

Usage::

    watch_probe.py --tree DIR [--depgraph CMD] [--header PATH]... [-j N]

1. start ``depgraph watch --json -C DIR`` and wait for its ``ready`` event;
2. touch each ``--header`` (default ``include/linux/gcd.h``), one at a time, and time how
   long the update naming the header's users takes to arrive (the latency a developer
   sees after saving a file);
3. compare the stale set watch reports with ``depgraph status --json`` run apart;
4. run ``make O=DIR -j N`` of the whole tree under it, count the updates that arrive
   during the build, and wait for the update that reports everything clean;
5. stop it with SIGINT and check that it exits 0.

Prints the figures and "N passed, N failed"; exit status 0 when every check passed.
Nothing but the touched headers' mtimes is changed (and what make rebuilds).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any


def source_tree(tree: Path) -> Path:
    link = tree / "source"
    return link.resolve() if link.exists() else tree


def reader(stream: IO[str], events: queue.Queue[tuple[float, dict[str, Any]]]) -> None:
    for line in stream:
        events.put((time.monotonic(), json.loads(line)))


def next_event(
    events: queue.Queue[tuple[float, dict[str, Any]]], timeout: float
) -> tuple[float, dict[str, Any]]:
    return events.get(timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", type=Path, required=True, help="kernel object tree (O= dir)")
    ap.add_argument("--depgraph", default="depgraph", help="depgraph command")
    ap.add_argument("--header", action="append", help="a header to save (source-relative)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    tree = args.tree.resolve()
    src = source_tree(tree)
    headers = args.header or ["include/linux/gcd.h"]
    cmd = shlex.split(args.depgraph)
    passed = failed = 0

    def check(ok: bool, what: str) -> None:
        nonlocal passed, failed
        print(("ok    " if ok else "FAIL  ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    started = time.monotonic()
    proc = subprocess.Popen(
        [*cmd, "watch", "-C", str(tree), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, events), daemon=True).start()
    try:
        when, ready = next_event(events, 120)
        check(ready["event"] == "ready", f"ready after {when - started:.2f} s, "
              f"{ready['directories']} directories, {ready['stale_now']} stale")  # fmt: skip
        stale_now = ready["stale_now"]
        for header in headers:
            path = src / header
            time.sleep(0.3)
            touched = time.monotonic()
            os.utime(path)
            when, update = next_event(events, 30)
            latency = when - touched
            names = {item["target"] for item in update["stale"]}
            check(
                update["event"] == "update" and bool(names) and latency < 1.0,
                f"saved {header}: {len(names)} newly stale reported after {latency:.2f} s",
            )
            stale_now = update["stale_now"]
        status = subprocess.run(
            [*cmd, "status", "-C", str(tree), "--json"], capture_output=True, text=True
        )
        apart = len(json.loads(status.stdout)["stale"])
        check(apart == stale_now, f"watch says {stale_now} stale, depgraph status {apart}")

        build_start = time.monotonic()
        make = subprocess.run(
            ["make", "-C", str(src), f"O={tree}", f"-j{args.jobs}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        build_end = time.monotonic()
        check(make.returncode == 0, f"make -j{args.jobs} took {build_end - build_start:.1f} s")
        during = 0
        last: dict[str, Any] | None = None
        clean_at = None
        while True:
            try:
                when, update = next_event(events, 15)
            except queue.Empty:
                break
            last = update
            if when <= build_end:
                during += 1
            if update["stale_now"] == 0:
                clean_at = when
                break
        check(
            clean_at is not None and last is not None,
            f"{during} updates during the build; all clean {clean_at - build_end:.2f} s "
            "after make ended"
            if clean_at
            else "never reported all clean",
        )
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = -1
    check(code == 0, f"Ctrl-C: exit status {code}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
