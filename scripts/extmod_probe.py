#!/usr/bin/env python3
"""Compare depgraph with real make on an external module (``make -C KDIR M=MODDIR``).

    scripts/extmod_probe.py --module MODDIR --kernel KDIR CHANGE...

A CHANGE is a file: relative to the module directory, relative to the kernel source tree,
or absolute. For each one: ask ``depgraph why-rebuild -C MODDIR --json``, touch the file,
run make, and compare depgraph's targets with the module targets make rewrote (files of
the module directory with a ``.<name>.cmd`` beside them). Prints ``N passed, N failed``
and exits 1 when any change differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence


def snapshot(directory: str) -> dict[str, int]:
    return {
        os.path.join(d, f): os.stat(os.path.join(d, f)).st_mtime_ns
        for d, _, files in os.walk(directory)
        for f in files
    }


def is_target(path: str) -> bool:
    head, base = os.path.split(path)
    return not base.endswith(".cmd") and os.path.exists(os.path.join(head, f".{base}.cmd"))


def make(kdir: str, moddir: str) -> None:
    subprocess.run(["make", "-C", kdir, f"M={moddir}"], capture_output=True, check=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", required=True, help="the external module's directory")
    parser.add_argument("--kernel", required=True, help="the kernel object tree (KDIR)")
    parser.add_argument("--depgraph", default="depgraph", help="depgraph command")
    parser.add_argument("changes", nargs="+", metavar="CHANGE")
    args = parser.parse_args(argv)
    moddir, kdir = os.path.abspath(args.module), os.path.abspath(args.kernel)
    srctree = os.path.realpath(os.path.join(kdir, "source"))
    make(kdir, moddir)  # start from an up-to-date tree
    passed = failed = 0
    for change in args.changes:
        result = subprocess.run(
            [*shlex.split(args.depgraph), "why-rebuild", "-C", moddir, "--kernel", kdir,
             "--json", change],
            capture_output=True, text=True, cwd=moddir, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            print(f"{change}: depgraph failed: {result.stderr.strip()}")
            failed += 1
            continue
        answer = json.loads(result.stdout)
        predicted = {x["target"] for x in answer["compile"] + answer["link"]}
        path = change
        if not os.path.isabs(path):
            in_module = os.path.join(moddir, change)
            path = in_module if os.path.exists(in_module) else os.path.join(srctree, change)
        before = snapshot(moddir)
        time.sleep(0.05)
        os.utime(path)
        make(kdir, moddir)
        after = snapshot(moddir)
        made = {p for p, m in after.items() if before.get(p) != m and is_target(p)}
        if predicted == made:
            passed += 1
            print(f"{change}: predicted {len(predicted)}, made {len(made)}  OK")
        else:
            failed += 1
            print(f"{change}: missing {sorted(made - predicted)}, extra {sorted(predicted - made)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
