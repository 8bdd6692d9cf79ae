#!/usr/bin/env python3
"""Measure depgraph on a real kernel object tree against a no-op make of the same tree.

    scripts/benchmark.py --tree /work/kernels/defconfig [--wide H] [--leaf H] [--runs N]

Prints a Markdown table: wall time (whole process, Python start-up included) and peak
RSS of ``depgraph why-rebuild --json`` for a widely included and a leaf header, cold
(empty cache), warm (valid cache) and after one ``.cmd`` file changed (what watch mode
pays after each compile); the time to merely read every ``.cmd`` byte (the floor of a
cold load); and the wall time of a no-op ``make``. Every depgraph figure is also given
as a ratio to that make. Each figure is the median of ``--runs`` runs.

It measures the ``depgraph`` command as users install it: by default this checkout is
installed with a plain ``pip install`` (what ``scripts/install.sh`` does) into a
temporary virtual environment, so its bytecode is compiled at install time, as for any
installed package; ``--depgraph PATH`` measures an installed command instead. (Running
from the checkout instead would add the editable install's import hook and, under
``PYTHONDONTWRITEBYTECODE``, compiling every module on every run: 0.05-0.06 s.)

It runs make in the tree once (a no-op on a built tree) and changes the mtime of one
``.cmd`` file for the reload figure, restoring it afterwards; nothing else is written
into the tree. Caches go to a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PYTHON = os.path.realpath(sys.executable)  # not a pyenv shim: its start-up is not ours
ROOT = Path(__file__).resolve().parent.parent


def run(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(argv)}\n{err}")
    return elapsed, usage.ru_maxrss // 1024


def median(samples: list[tuple[float, int]]) -> tuple[float, int]:
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def cmd_files(tree: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d != "source"]
        found.extend(
            Path(dirpath, n) for n in filenames if n.startswith(".") and n.endswith(".cmd")
        )
    return found


def read_floor(tree: Path) -> tuple[float, int, int]:
    """Seconds to walk the tree and read every .cmd byte in Python; files and bytes."""
    start = time.perf_counter()
    total = 0
    files = cmd_files(tree)
    for path in files:
        with open(path, "rb") as handle:
            total += len(handle.read())
    return time.perf_counter() - start, len(files), total


def install(into: Path) -> Path:
    """This checkout, installed plainly (not editable) into a fresh venv under ``into``."""
    venv = into / "venv"
    for argv in (
        [PYTHON, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(argv)}\n{done.stderr}")
    return venv / "bin" / "depgraph"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True, type=Path, help="kernel object tree")
    parser.add_argument("--wide", default="include/linux/kernel.h", help="a widely used header")
    parser.add_argument("--leaf", default="include/linux/gcd.h", help="a header few objects use")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--depgraph",
        type=Path,
        help="an installed depgraph command to measure (default: install this checkout "
        "into a temporary venv)",
    )
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    source = tree / "source"
    make = ["make", "-s", "-C", str(source.resolve() if source.exists() else tree)]
    if source.exists():
        make.append(f"O={tree}")

    run([*make, "-j2"])  # settle: the tree is up to date before anything is measured
    make_time = statistics.median(run([*make, "-j2"])[0] for _ in range(args.runs))
    floor, nfiles, nbytes = read_floor(tree)

    scratch = Path(tempfile.mkdtemp(prefix="depgraph-bench-"))
    depgraph = str(args.depgraph or install(scratch))
    cache_dir = str(scratch / "cache")
    env = dict(os.environ, DEPGRAPH_CACHE_DIR=cache_dir)
    rows: list[tuple[str, float, int]] = []

    def why(header: str, *extra: str) -> list[str]:
        return [depgraph, "why-rebuild", "-C", str(tree), "--json", *extra, header]

    for label, header in (("wide", args.wide), ("leaf", args.leaf)):
        cold = []
        for _ in range(args.runs):
            shutil.rmtree(cache_dir, ignore_errors=True)
            cold.append(run(why(header), env))
        rows.append((f"cold, {label} header ({header}), writes the cache", *median(cold)))
        rows.append(
            (
                f"no cache at all, {label} header",
                *median([run(why(header, "--no-cache")) for _ in range(args.runs)]),
            )
        )
        rows.append(
            (f"warm, {label} header", *median([run(why(header), env) for _ in range(args.runs)]))
        )

    victim = next(p for p in cmd_files(tree) if p.name.endswith(".o.cmd"))
    saved = victim.stat()
    reload = []
    try:
        for i in range(args.runs):
            os.utime(victim, ns=(saved.st_atime_ns, saved.st_mtime_ns + 1_000_000 * (i + 1)))
            reload.append(run(why(args.leaf), env))
    finally:
        os.utime(victim, ns=(saved.st_atime_ns, saved.st_mtime_ns))
    rows.append((f"reload after one .cmd changed ({victim.relative_to(tree)})", *median(reload)))
    shutil.rmtree(scratch, ignore_errors=True)

    print(f"Tree: {tree} — {nfiles} .cmd files, {nbytes / 1e6:.0f} MB")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", {time.strftime('%Y-%m-%d')}"
    )
    what = f"depgraph at {args.depgraph}" if args.depgraph else "a plain install of this checkout"
    print(f"Measured: {what}")
    print()
    print("| measurement | wall time | × no-op make | peak RSS |")
    print("|---|---:|---:|---:|")
    print(f"| no-op `make -j2` | {make_time:.2f} s | 1.000 | |")
    print(f"| read every .cmd byte (floor) | {floor:.2f} s | {floor / make_time:.3f} | |")
    for label, seconds, rss in rows:
        print(f"| {label} | {seconds:.2f} s | {seconds / make_time:.3f} | {rss} MB |")
    cold_wide = rows[0][1]
    print()
    print(f"Cold load of the wide header = {cold_wide / floor:.1f} × the read floor.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
