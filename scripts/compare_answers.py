#!/usr/bin/env python3
"""Show that two installs of depgraph give byte-identical answers on one tree.

    scripts/compare_answers.py --tree OBJTREE --old OLD/bin/depgraph --new NEW/bin/depgraph
                               [--out DIR] [--jobs N] [--ask "QUESTION"]...

Used to prove that a refactor changed no behaviour: install the code before the change in
one virtual environment and after it in another, and run this on a sample_tree build and
on real kernel object trees.

The battery of questions is built from the tree itself (with the old command), so it
works on any object tree depgraph reads:

* files: headers ranked 1, 2, 10, 100, 1000 and last by ``depgraph top headers``, and
  the sources of three compiled objects spread over ``depgraph top objects`` (read from
  the objects' ``.cmd`` files);
* symbols ranked 1, 10, 100 and last by ``depgraph top symbols``;
* for each file and symbol X: ``why-rebuild --json X``, ``why-rebuild X`` and
  ``why-rebuild --all X``;
* ``status --json``, ``status``, ``top headers|symbols|objects --json``,
  ``compile-commands``;
* ``graph --focus LEAF --depth 1`` for the last-ranked header, and ``graph --from OBJ --to
  LEAF`` for an object that ``why-rebuild --json LEAF`` says lists it;
* ``diff --save FILE``, then ``diff FILE`` and ``diff --json FILE`` (the saved snapshot's
  bytes are compared too; it keeps the tree's path, which both sides share);
* every ``--ask "ARGS"`` (split as a shell would; ``-C OBJTREE`` is added unless given).

Each question runs with both commands, as ``COMMAND ARGS -C OBJTREE`` in a scratch working
directory, twice:

* cold: with an empty cache directory of its own (``DEPGRAPH_CACHE_DIR``), so the answer
  comes from reading the ``.cmd`` files;
* warm: with one cache directory per side, filled beforehand by one unrecorded run, so the
  answer comes from the cache.

stdout, stderr and the exit code of each run are compared byte for byte, after the run's
cache directory (in stderr) and the diff snapshot's path (anywhere) are replaced by
``$CACHE`` and ``$SNAPSHOT``. One line is printed per question, ``same`` or ``DIFFERS``
with the first differing line, then a count. The exit code is 0 when every answer is the
same and the tree did not change during the run, 1 otherwise, 2 for bad arguments.

``--out DIR`` keeps both sides' outputs there (``DIR/{old,new}/{cold,warm}/NN.*``, with
``DIR/questions.txt`` naming each NN). Nothing is written into the tree: the caches,
snapshots and working directory are in a temporary directory, ``--out`` may not be
inside the tree, and the tree's files (sizes and mtimes) are compared before and after.
Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HEADER_RANKS = (1, 2, 10, 100, 1000)
SYMBOL_RANKS = (1, 10, 100)
SOURCES = 3
SNAPSHOT = "{snapshot}"  # stands for the side's snapshot file in a question's steps
TIMEOUT = 1800.0  # seconds for one run: a hang is reported, not waited for forever
SIDES = ("old", "new")
PASSES = ("cold", "warm")

TreeState = dict[str, tuple[int, int]]  # path in the object tree -> (size, mtime in ns)


@dataclass(frozen=True)
class Question:
    """One thing to ask: one or more depgraph runs (``steps``, without the command and
    ``-C``), recorded together; ``snapshot``: the snapshot file's bytes are part of it."""

    steps: tuple[tuple[str, ...], ...]
    snapshot: bool = False

    @property
    def label(self) -> str:
        return " && ".join(
            " ".join("$SNAPSHOT" if arg == SNAPSHOT else shlex.quote(arg) for arg in step)
            for step in self.steps
        )


@dataclass
class Answer:
    """What one side said to one question: named byte streams, in order."""

    streams: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0


def simple(*args: str) -> Question:
    return Question((tuple(args),))


# Running depgraph


def run_depgraph(
    command: str, args: Sequence[str], tree: Path, cache: Path, cwd: Path
) -> tuple[bytes, bytes, int | str]:
    """stdout, stderr and exit code (or ``"timeout"``) of ``command ARGS -C TREE``."""
    argv = [command, *args]
    if "-C" not in args:
        argv += ["-C", str(tree)]
    env = dict(os.environ, DEPGRAPH_CACHE_DIR=str(cache))
    env.pop("KBUILD_OUTPUT", None)
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as expired:
        return expired.stdout or b"", expired.stderr or b"", "timeout"
    return done.stdout, done.stderr, done.returncode


def placeholders(text: bytes, paths: dict[Path, bytes]) -> bytes:
    """Each path (as given and resolved) replaced by its placeholder."""
    for path, placeholder in paths.items():
        for spelling in sorted({str(path), os.path.realpath(path)}, key=len, reverse=True):
            text = text.replace(os.fsencode(spelling), placeholder)
    return text


def ask(
    command: str, question: Question, tree: Path, cache: Path, scratch: Path, cwd: Path
) -> Answer:
    """Run every step of ``question`` with ``command``; ``scratch`` holds its snapshot."""
    answer = Answer()
    snapshot = scratch / "snapshot.json"
    start = time.perf_counter()
    for number, step in enumerate(question.steps, 1):
        args = [arg.replace(SNAPSHOT, str(snapshot)) for arg in step]
        out, err, code = run_depgraph(command, args, tree, cache, cwd)
        prefix = f"{number}." if len(question.steps) > 1 else ""
        answer.streams[f"{prefix}stdout"] = placeholders(out, {snapshot: b"$SNAPSHOT"})
        answer.streams[f"{prefix}stderr"] = placeholders(
            err, {snapshot: b"$SNAPSHOT", cache: b"$CACHE"}
        )
        answer.streams[f"{prefix}exit"] = f"{code}\n".encode()
    if question.snapshot:
        answer.streams["snapshot"] = snapshot.read_bytes() if snapshot.exists() else b""
    answer.seconds = time.perf_counter() - start
    return answer


def json_of(command: str, args: Sequence[str], tree: Path, cache: Path, cwd: Path) -> object:
    """The parsed stdout of one run that must succeed (for building the battery)."""
    out, err, code = run_depgraph(command, args, tree, cache, cwd)
    if code != 0:
        message = err.decode(errors="replace").strip()
        raise SystemExit(f"compare_answers: {shlex.join(args)} failed ({code}): {message}")
    return json.loads(out)


# Building the battery from the tree


def pick(rows: Sequence[str], ranks: Iterable[int]) -> list[str]:
    """The rows at the 1-based ``ranks`` that exist, and the last one, each once."""
    wanted = [r - 1 for r in ranks if r <= len(rows)]
    if rows:
        wanted.append(len(rows) - 1)
    return [rows[i] for i in sorted(set(wanted))]


def names(rows: object) -> list[str]:
    if not isinstance(rows, list):
        raise SystemExit("compare_answers: top --json did not print a list")
    return [str(row["name"]) for row in rows]


def source_of(tree: Path, target: str) -> str | None:
    """The ``source_`` of ``target`` in its ``.cmd`` file, as a user would name it:
    relative to the source tree when it lies there. None for a generated or unknown
    source."""
    head, _, base = target.rpartition("/")
    cmd = tree / head / f".{base}.cmd"
    try:
        lines = cmd.read_text(errors="replace").splitlines()
    except OSError:
        return None
    prefix = f"source_{target} := "
    source = next((ln[len(prefix) :].strip() for ln in lines if ln.startswith(prefix)), None)
    if not source or not source.endswith((".c", ".S")) or source.endswith(".mod.c"):
        return None
    srctree = (tree / "source").resolve() if (tree / "source").is_dir() else tree.resolve()
    if os.path.isabs(source):
        resolved = Path(source).resolve()
        if resolved.is_relative_to(srctree):
            return str(resolved.relative_to(srctree))
        return source if resolved.exists() else None
    return source if (srctree / source).exists() else None


def spread(items: Sequence[str], count: int) -> list[int]:
    """``count`` indices spread from the first to the last item."""
    if len(items) <= count:
        return list(range(len(items)))
    return sorted({round(i * (len(items) - 1) / (count - 1)) for i in range(count)})


def sources(tree: Path, objects: Sequence[str]) -> list[str]:
    """The sources of up to SOURCES objects spread over the list; an object without a
    usable source gives way to the next one."""
    found: list[str] = []
    for start in spread(objects, SOURCES):
        for target in objects[start:]:
            source = source_of(tree, target)
            if source and source not in found:
                found.append(source)
                break
    return found


def battery(command: str, tree: Path, cache: Path, cwd: Path) -> list[Question]:
    """The questions this tree supports, found by asking ``command``."""
    headers = names(json_of(command, ["top", "headers", "--json"], tree, cache, cwd))
    symbols = names(json_of(command, ["top", "symbols", "--json"], tree, cache, cwd))
    objects = names(json_of(command, ["top", "objects", "--json"], tree, cache, cwd))
    files = pick(headers, HEADER_RANKS) + sources(tree, objects)
    changes = files + pick(symbols, SYMBOL_RANKS)

    questions: list[Question] = []
    for change in changes:
        questions += [
            simple("why-rebuild", "--json", change),
            simple("why-rebuild", change),
            simple("why-rebuild", "--all", change),
        ]
    questions += [
        simple("status", "--json"),
        simple("status"),
        simple("top", "headers", "--json"),
        simple("top", "symbols", "--json"),
        simple("top", "objects", "--json"),
        simple("compile-commands"),
    ]
    if headers:
        leaf = headers[-1]
        questions.append(simple("graph", "--focus", leaf, "--depth", "1"))
        answer = json_of(command, ["why-rebuild", "--json", leaf], tree, cache, cwd)
        compiled = answer.get("compile", []) if isinstance(answer, dict) else []
        lister = next(
            (
                item["target"]
                for item in compiled
                if any(r.get("kind") == "file" for r in item.get("reasons", []))
            ),
            None,
        )
        if lister:
            questions.append(simple("graph", "--from", lister, "--to", leaf))
    questions.append(
        Question(
            (("diff", "--save", SNAPSHOT), ("diff", SNAPSHOT), ("diff", "--json", SNAPSHOT)),
            snapshot=True,
        )
    )
    return questions


# Comparing


def shorten(line: bytes, width: int = 100) -> str:
    text = line.decode(errors="replace")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def first_difference(old: Answer, new: Answer) -> str | None:
    """Where two answers first differ, or None."""
    for name in dict.fromkeys([*old.streams, *new.streams]):
        a, b = old.streams.get(name, b""), new.streams.get(name, b"")
        if a == b:
            continue
        if name.endswith("exit"):
            return f"{name}: old {a.decode().strip()}, new {b.decode().strip()}"
        a_lines, b_lines = a.splitlines(keepends=True), b.splitlines(keepends=True)
        for number, (x, y) in enumerate(zip(a_lines, b_lines, strict=False), 1):
            if x != y:
                return f"{name} line {number}: old {shorten(x)}, new {shorten(y)}"
        number = min(len(a_lines), len(b_lines)) + 1
        longer, side = (a_lines, "old") if len(a_lines) > len(b_lines) else (b_lines, "new")
        return f"{name} line {number}: only {side} has {shorten(longer[number - 1])}"
    return None


def keep(out: Path, side: str, run: str, number: int, answer: Answer) -> None:
    """Write one answer's streams under ``out/SIDE/RUN/NN.STREAM``."""
    where = out / side / run
    where.mkdir(parents=True, exist_ok=True)
    for name, data in answer.streams.items():
        (where / f"{number:02d}.{name}").write_bytes(data)


def tree_state(tree: Path) -> TreeState:
    """Size and mtime of every file of the object tree (``source`` not followed)."""
    state: TreeState = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if not (dirpath == str(tree) and d == "source")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            state[os.path.relpath(path, tree)] = (st.st_size, st.st_mtime_ns)
    return state


def changed_files(before: TreeState, after: TreeState) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


# Command line


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Ask two depgraph installs the same questions about one object tree "
        "and report any answer that is not byte-identical."
    )
    parser.add_argument("--tree", required=True, type=Path, help="the kbuild object tree")
    parser.add_argument("--old", required=True, help="the old depgraph command")
    parser.add_argument("--new", required=True, help="the new depgraph command")
    parser.add_argument("--out", type=Path, help="keep both sides' outputs in this directory")
    parser.add_argument(
        "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="runs at once"
    )
    parser.add_argument(
        "--ask",
        action="append",
        default=[],
        metavar="QUESTION",
        help='more arguments to ask, e.g. "why-rebuild --json include/linux/kernel.h"',
    )
    args = parser.parse_args(argv)
    if not args.tree.is_dir():
        parser.error(f"--tree {args.tree}: not a directory")
    args.tree = args.tree.absolute()
    for option in ("old", "new"):
        found = shutil.which(getattr(args, option))
        if found is None:
            parser.error(f"--{option} {getattr(args, option)}: not an executable")
        setattr(args, option, os.path.abspath(found))
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    if args.out is not None:
        out = args.out.resolve()
        roots = {args.tree.resolve(), (args.tree / "source").resolve()}
        if any(out == root or out.is_relative_to(root) for root in roots):
            parser.error("--out may not be inside the tree")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    tree: Path = args.tree
    commands = {"old": args.old, "new": args.new}
    started = time.perf_counter()
    before = tree_state(tree)

    with tempfile.TemporaryDirectory(prefix="compare-answers-") as tmp:
        scratch = Path(tmp)
        cwd = scratch / "cwd"
        cwd.mkdir()
        questions = battery(args.old, tree, scratch / "cache-battery", cwd)
        questions += [Question((tuple(shlex.split(text)),)) for text in args.ask]
        print(f"{len(questions)} questions on {tree}", flush=True)

        def run(side: str, kind: str, number: int) -> Answer:
            where = scratch / side / kind / f"{number:02d}"
            where.mkdir(parents=True)
            cache = where / "cache" if kind == "cold" else scratch / side / "cache-warm"
            answer = ask(commands[side], questions[number], tree, cache, where, cwd)
            if kind == "cold":
                shutil.rmtree(where / "cache", ignore_errors=True)  # a kernel's is large
            return answer

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            # Fill each side's warm cache with one unrecorded run first.
            primes = [
                pool.submit(
                    run_depgraph,
                    commands[side],
                    ["top", "objects", "--json"],
                    tree,
                    scratch / side / "cache-warm",
                    cwd,
                )
                for side in SIDES
            ]
            for prime in primes:
                prime.result()
            futures = {
                (side, kind, number): pool.submit(run, side, kind, number)
                for number in range(len(questions))
                for kind in PASSES
                for side in SIDES
            }
            differing = 0
            seconds = {(side, kind): 0.0 for side in SIDES for kind in PASSES}
            for number, question in enumerate(questions):
                verdict = None
                for kind in PASSES:
                    old = futures["old", kind, number].result()
                    new = futures["new", kind, number].result()
                    seconds["old", kind] += old.seconds
                    seconds["new", kind] += new.seconds
                    if args.out is not None:
                        keep(args.out, "old", kind, number, old)
                        keep(args.out, "new", kind, number, new)
                    where = first_difference(old, new)
                    if where is not None and verdict is None:
                        verdict = f"{kind} {where}"
                if verdict is None:
                    print(f"same     {question.label}", flush=True)
                else:
                    differing += 1
                    print(f"DIFFERS  {question.label}\n         {verdict}", flush=True)

    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "questions.txt").write_text(
            "".join(f"{n:02d} {q.label}\n" for n, q in enumerate(questions))
        )
    changed = changed_files(before, tree_state(tree))
    count = len(questions)
    print(
        f"{count - differing} of {count} questions answered the same, {differing} differ "
        f"({time.perf_counter() - started:.1f} s)"
    )
    average = ", ".join(
        f"{side} {kind} {seconds[side, kind] / max(count, 1):.2f} s"
        for side in SIDES
        for kind in PASSES
    )
    print(f"mean time per question: {average}")
    if changed:
        shown = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
        files = "1 file" if len(changed) == 1 else f"{len(changed)} files"
        print(f"the tree changed during the run ({files}: {shown})")
    return 0 if differing == 0 and not changed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
