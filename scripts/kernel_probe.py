#!/usr/bin/env python3
"""Compare depgraph's rebuild predictions with what kbuild's ``make`` really rebuilds.

Usage::

    kernel_probe.py --tree DIR [--depgraph CMD] PROBE...
    kernel_probe.py --tree DIR --make-only PROBE...

A PROBE is ``touch:PATH`` (PATH relative to the source tree, or absolute),
``config:CONFIG_FOO=VALUE`` (edited into .config as menuconfig would: VALUE ``n`` writes
``# CONFIG_FOO is not set``, ``y`` on a choice member sets the other members ``n``; depgraph
is asked ``why-rebuild CONFIG_FOO=VALUE``; make runs ``olddefconfig`` first),
``configfile:PATH`` (PATH replaces .config; depgraph is asked ``why-rebuild --config
PATH``), ``patch:PATH`` (a unified diff, -p1, applied to the source tree with GNU
``patch`` after depgraph is asked ``why-rebuild --patch PATH``, and reverted with
``patch -R`` afterwards, the tree then rebuilt), or ``noop:`` (change nothing: shows what
a no-op make rewrites anyway; depgraph is not asked and the prediction is empty).

For each probe, in order:

1. unless ``--make-only``: run ``CMD why-rebuild -C DIR --json CHANGE`` (CHANGE is the
   absolute path of the touched file, or ``CONFIG_FOO``) and read its ``compile`` and
   ``link`` lists;
2. snapshot ``st_mtime_ns`` of every file under DIR (symlinks are not followed);
3. apply the change (``os.utime`` to now, or rewrite the symbol's line in DIR/.config);
4. run ``make -C SRCTREE O=DIR V=2 -jN`` (log in ``--log-dir``);
5. diff the mtimes and classify the rebuilt files:

   * ``compile``: the target's ``.cmd`` file has a ``source_`` line (a compiled object,
     host program, ``.lds``, ...), except ``vmlinux`` (its ``source_`` is
     ``scripts/link-vmlinux.sh``);
   * ``link``: the target has a ``.cmd`` file without ``source_`` (archives, links,
     ``.mod``, ``.ko``, generated files made with ``if_changed``);
   * ``nocmd``: rewritten files with no ``.cmd`` of their own (``filechk`` outputs,
     stamps, temporary link files, ``.cmd`` files themselves are listed apart).

By default the tree is brought up to date once before the first probe (``--no-settle``
skips that), and a ``config:`` probe's ``.config`` is restored, and a ``patch:`` probe's
patch reverted, and the tree rebuilt afterwards (``--keep`` keeps the change: a large
patch is then undone by probing its reverse, not by one more build).

Exit status: 0 if every probe matched (or ``--make-only``), 1 if any differed, 2 on
usage or tool errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from depgraph.kbuild.facts import REWRITTEN_BY_LINK
from depgraph.parse.config import apply_assignments
from depgraph.tree.conf import recorded_env
from depgraph.tree.kconfig import choice_assignments, read_kconfig

# `make V=2` prints the quiet command and why it ran, e.g.
#   "  CC      init/main.o - due to: include/linux/foo.h"
#   "  LD [M]  fs/autofs/autofs4.ko - due to command line change"
WHY_RE = re.compile(r"^\s*(?P<tag>\S.*?)\s+(?P<target>\S+) - due to(?::)? ?(?P<why>.*)$")

CONFIG_LINE_RE = re.compile(r"^(?:# )?(CONFIG_[A-Za-z0-9_]+)(?:=| is not set)")


class ProbeError(Exception):
    """A probe could not be run (bad argument, make or depgraph failure)."""


@dataclass
class Probe:
    kind: str  # "touch", "config", "configfile", "patch" or "noop"
    spec: str  # as given on the command line
    path: Path | None = None  # touch: absolute path
    symbol: str = ""  # config: CONFIG_FOO
    value: str = ""  # config: new value

    @property
    def change(self) -> str:
        """The CHANGE argument for ``depgraph why-rebuild``."""
        if self.kind == "touch":
            return str(self.path)
        return f"{self.symbol}={self.value}"

    def why_rebuild_args(self) -> list[str]:
        """The arguments that ask ``depgraph why-rebuild`` about this probe."""
        if self.kind == "configfile":
            return ["--config", str(self.path)]
        if self.kind == "patch":
            return ["--patch", str(self.path)]
        return [self.change]


@dataclass
class MakeResult:
    compile: list[str] = field(default_factory=list)
    link: list[str] = field(default_factory=list)
    nocmd: list[str] = field(default_factory=list)
    cmd_files: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    why_lines: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "compile": self.compile,
            "link": self.link,
            "nocmd": self.nocmd,
            "cmd_files": self.cmd_files,
            "deleted": self.deleted,
            "reasons": self.reasons,
            "why_lines": self.why_lines,
            "seconds": round(self.seconds, 1),
            "log": self.log,
        }


# --------------------------------------------------------------------------------------
# tree helpers


def find_srctree(tree: Path) -> Path | None:
    """The source tree of an O= objtree (its ``source`` symlink); None for in-tree builds."""
    link = tree / "source"
    if link.is_symlink() or link.is_dir():
        src = link.resolve()
        if (src / "Makefile").is_file() and src != tree.resolve():
            return src
    return None


def snapshot(tree: Path) -> dict[str, int]:
    """objtree-relative path -> st_mtime_ns for every regular file (no symlink following)."""
    result: dict[str, int] = {}
    stack = [tree]
    while stack:
        d = stack.pop()
        try:
            it = os.scandir(d)
        except OSError:
            continue
        with it:
            for e in it:
                try:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(Path(e.path))
                    elif e.is_file(follow_symlinks=False):
                        rel = os.path.relpath(e.path, tree)
                        result[rel] = e.stat(follow_symlinks=False).st_mtime_ns
                except OSError:
                    continue
    return result


def cmd_file_of(target: str) -> str:
    """``dir/foo.o`` -> ``dir/.foo.o.cmd`` (``.foo.o`` -> ``..foo.o.cmd``)."""
    d, base = os.path.split(target)
    return os.path.join(d, "." + base + ".cmd")


def is_cmd_file(rel: str) -> bool:
    base = os.path.basename(rel)
    return base.startswith(".") and base.endswith(".cmd") and len(base) > 5


def is_compiled(cmd_path: Path) -> bool:
    """True if the ``.cmd`` file has a ``source_`` line naming a real source.

    ``vmlinux`` is the one fixdep-processed link target: its ``.cmd`` has
    ``source_vmlinux := .../scripts/link-vmlinux.sh`` and an empty ``deps_`` list, so a
    ``source_`` that is a shell script does not make a target "compiled".
    """
    try:
        with open(cmd_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("source_"):
                    src = line.partition(":=")[2].strip()
                    return not src.endswith(".sh")
                if line.startswith("deps_"):
                    break
    except OSError:
        return False
    return False


def classify(
    tree: Path, changed: Iterable[str]
) -> tuple[list[str], list[str], list[str], list[str]]:
    compile_: list[str] = []
    link: list[str] = []
    nocmd: list[str] = []
    cmd_files: list[str] = []
    for rel in sorted(changed):
        if is_cmd_file(rel):
            cmd_files.append(rel)
            continue
        cmd = tree / cmd_file_of(rel)
        if cmd.is_file():
            (compile_ if is_compiled(cmd) else link).append(rel)
        else:
            nocmd.append(rel)
    return compile_, link, nocmd, cmd_files


# --------------------------------------------------------------------------------------
# probes


def parse_probe(spec: str, srctree: Path) -> Probe:
    kind, sep, rest = spec.partition(":")
    if kind == "noop" and sep and not rest:
        return Probe("noop", spec)
    if not sep or not rest:
        raise ProbeError(f"bad probe {spec!r}: expected touch:PATH or config:CONFIG_FOO=VALUE")
    if kind == "touch":
        p = Path(rest)
        if not p.is_absolute():
            p = srctree / p
        if not p.exists():
            raise ProbeError(f"{spec}: {p} does not exist")
        return Probe("touch", spec, path=p)
    if kind in ("configfile", "patch"):
        p = Path(rest).resolve()
        if not p.is_file():
            raise ProbeError(f"{spec}: {p} does not exist")
        return Probe(kind, spec, path=p)
    if kind == "config":
        sym, eq, value = rest.partition("=")
        if not eq or not re.fullmatch(r"CONFIG_[A-Za-z0-9_]+", sym):
            raise ProbeError(f"bad probe {spec!r}: expected config:CONFIG_FOO=VALUE")
        return Probe("config", spec, symbol=sym, value=value)
    raise ProbeError(f"bad probe kind {kind!r} in {spec!r}")


def edit_config(config: Path, symbol: str, value: str, srctree: Path | None = None) -> None:
    """Set ``symbol`` in ``config`` as menuconfig would: ``=y`` on a member of a choice
    also sets the other members to ``n`` (read from the tree's Kconfig files)."""
    edits = {symbol: value}
    if value == "y" and srctree is not None:
        kconfig = read_kconfig(str(srctree), "Kconfig", recorded_env(str(config.parent)))
        edits = {**choice_assignments(kconfig, symbol, "y"), symbol: "y"}
    config.write_text(apply_assignments(config.read_text(), edits))


def apply_change(tree: Path, probe: Probe) -> None:
    if probe.kind == "touch":
        assert probe.path is not None
        os.utime(probe.path, None)
    elif probe.kind == "config":
        edit_config(tree / ".config", probe.symbol, probe.value, find_srctree(tree) or tree)
    elif probe.kind == "configfile":
        assert probe.path is not None
        (tree / ".config").write_bytes(probe.path.read_bytes())
    elif probe.kind == "patch":
        assert probe.path is not None
        patch_source(find_srctree(tree) or tree, probe.path)


_PATCH = ("patch", "-p1", "--fuzz=0", "--force", "--no-backup-if-mismatch", "--silent")


def patch_applies(srctree: Path, patch: Path, *, reverse: bool = False) -> bool:
    argv = [*_PATCH, "--dry-run", "-d", str(srctree), "-i", str(patch),
            *(["-R"] if reverse else [])]  # fmt: skip
    return subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL).returncode == 0


def patch_source(srctree: Path, patch: Path, *, reverse: bool = False) -> None:
    """Apply (or revert) a -p1 patch to the source tree with GNU patch, no fuzz, no
    backup files. --force, not --batch: --batch takes a patch that looks reversed as
    reversed, and would apply a revert forward."""
    argv = [*_PATCH, "-d", str(srctree), "-i", str(patch), *(["-R"] if reverse else [])]
    proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise ProbeError(f"{shlex.join(argv)}: {(proc.stdout + proc.stderr).strip()[:300]}")


# --------------------------------------------------------------------------------------
# make and depgraph


# The architecture whose symbol a .config sets, where it is not CONFIG_<DIR> (arch/Kconfig)
_ARCH_SYMBOLS = {"powerpc": "PPC", "um": "UML", "x86": "X86"}
_COMPILED_WITH = ("init/.main.o.cmd", "init/.version.o.cmd", "kernel/.fork.o.cmd")


def tree_make_variables(tree: Path, srctree: Path | None) -> list[str]:
    """The make variables a tree was built with that make cannot guess again: ``ARCH``
    (from the architecture symbol of its ``.config``), and ``CROSS_COMPILE`` or ``LLVM``
    (from the compiler of a saved compile command: ``aarch64-linux-gnu-gcc``, ``clang``,
    ``clang-19``). A variable set in the environment is left to the environment."""
    found: dict[str, str] = {}
    config = (tree / ".config").read_text(errors="replace")
    arch_dir = (srctree or tree) / "arch"
    for name in sorted(p.name for p in arch_dir.iterdir() if (p / "Kconfig").is_file()):
        symbol = _ARCH_SYMBOLS.get(name, name.upper())
        if re.search(rf"^CONFIG_{symbol}=y$", config, re.M):
            found["ARCH"] = name
            break
    for rel in _COMPILED_WITH:
        try:
            first = (tree / rel).read_text(errors="replace").split("\n", 1)[0]
        except OSError:
            continue
        words = first.split(":=", 1)[-1].split()
        if not words:
            continue
        compiler = os.path.basename(words[0])
        if m := re.fullmatch(r"clang(-\d+)?", compiler):
            found["LLVM"] = m.group(1) or "1"
        elif compiler.endswith("gcc") and words[0] != "gcc":
            found["CROSS_COMPILE"] = words[0][: -len("gcc")]
        break
    return [f"{k}={v}" for k, v in sorted(found.items()) if k not in os.environ]


def make_argv(tree: Path, srctree: Path | None, jobs: int, extra: Sequence[str] = ()) -> list[str]:
    variables = tree_make_variables(tree, srctree)
    if srctree is None:
        return ["make", "-C", str(tree), *variables, "V=2", f"-j{jobs}", *extra]
    return ["make", "-C", str(srctree), f"O={tree}", *variables, "V=2", f"-j{jobs}", *extra]


def run_make(
    tree: Path, srctree: Path | None, jobs: int, log: Path, goals: Sequence[str] = ()
) -> float:
    argv = make_argv(tree, srctree, jobs, goals)
    start = time.monotonic()
    with open(log, "w") as f:
        f.write("$ " + shlex.join(argv) + "\n")
        f.flush()
        rc = subprocess.run(
            argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        ).returncode
    elapsed = time.monotonic() - start
    if rc != 0:
        raise ProbeError(f"make failed with status {rc}; see {log}")
    return elapsed


def parse_why(log: Path, tree: Path) -> tuple[dict[str, str], list[str]]:
    reasons: dict[str, str] = {}
    lines: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        m = WHY_RE.match(line)
        if not m:
            continue
        lines.append(line.rstrip())
        target = m.group("target")
        if os.path.isabs(target):
            with contextlib.suppress(ValueError):
                target = os.path.relpath(target, tree)
        reasons.setdefault(os.path.normpath(target), m.group("why"))
    return reasons, lines


def measure(tree: Path, srctree: Path | None, probe: Probe, jobs: int, log: Path) -> MakeResult:
    before = snapshot(tree)
    apply_change(tree, probe)
    if probe.kind in ("config", "configfile"):  # as a user would: make olddefconfig && make
        run_make(tree, srctree, jobs, log.with_suffix(".olddefconfig.log"), ["olddefconfig"])
    seconds = run_make(tree, srctree, jobs, log)
    after = snapshot(tree)
    changed = [p for p, t in after.items() if before.get(p) != t]
    # The touched file itself is the change, not a rebuild (matters for objtree files).
    if probe.kind == "touch" and probe.path is not None:
        with contextlib.suppress(ValueError):
            changed = [p for p in changed if p != os.path.relpath(probe.path, tree)]
    if probe.kind in ("config", "configfile"):
        changed = [p for p in changed if p not in (".config", ".config.old")]
    res = MakeResult()
    res.compile, res.link, res.nocmd, res.cmd_files = classify(tree, changed)
    res.deleted = sorted(p for p in before if p not in after)
    res.reasons, res.why_lines = parse_why(log, tree)
    res.seconds = seconds
    res.log = str(log)
    return res


def run_depgraph(cmd: Sequence[str], tree: Path, probe: Probe) -> tuple[set[str], set[str]]:
    argv = [*cmd, "why-rebuild", "-C", str(tree), "--json", *probe.why_rebuild_args()]
    proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode == 3:  # an answer with parts depgraph could not evaluate
        print(f"  depgraph could not evaluate all of {probe.spec}: "
              f"{json.loads(proc.stdout).get('unknown')}")  # fmt: skip
    elif proc.returncode not in (0, 1):
        raise ProbeError(f"{shlex.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise ProbeError(f"{shlex.join(argv)}: bad JSON: {e}") from e

    def targets(key: str) -> set[str]:
        out: set[str] = set()
        for item in data.get(key, []) or []:
            t = item["target"] if isinstance(item, dict) else str(item)
            out.add(os.path.normpath(t))
        return out

    return targets("compile"), targets("link")


def status_mode(
    tree: Path,
    srctree: Path | None,
    probes: Sequence[Probe],
    cmd: Sequence[str],
    jobs: int,
    log_dir: Path,
) -> int:
    """Apply every probe, ask ``depgraph status``, run make once, compare."""
    saved_config = (tree / ".config").read_bytes()
    before = snapshot(tree)
    touched: set[str] = set()
    for probe in probes:
        apply_change(tree, probe)
        if probe.kind == "touch" and probe.path is not None:
            touched.add(os.path.relpath(probe.path, tree))
    argv = [*cmd, "status", "-C", str(tree), "--json"]
    proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode not in (0, 1, 3):
        print(f"error: {shlex.join(argv)} failed: {proc.stderr.strip()}", file=sys.stderr)
        _revert_patches(tree, srctree, probes, jobs, log_dir)
        return 2
    data = json.loads(proc.stdout)
    if data.get("unknown"):
        print(f"  depgraph could not evaluate: {data['unknown']}")
    predicted = {os.path.normpath(item["target"]) for item in data["stale"]}
    listed = {os.path.normpath(item["target"]): item["reasons"] for item in data["stale"]}
    log = log_dir / "status.log"
    try:
        seconds = run_make(tree, srctree, jobs, log)
    finally:
        after = snapshot(tree)
        (tree / ".config").write_bytes(saved_config)
    changed = [p for p, t in after.items() if before.get(p) != t and p not in touched]
    changed = [p for p in changed if p != ".config"]
    made_compile, made_link, nocmd, _ = classify(tree, changed)
    pred_compile, pred_link, _, _ = classify(tree, predicted)
    out = [f"== status after {' '.join(p.spec for p in probes)}  (make took {seconds:.1f}s)"]
    ok = diff_report("compile", set(pred_compile), set(made_compile), out)
    ok = diff_report("link", set(pred_link), set(made_link), out) and ok
    # V=2 prints one line a target: "target missing", or the prerequisites make found
    # newer. depgraph lists every reason, and marks the ones it expects V=2 to print.
    reasons, _ = parse_why(log, tree)
    unlisted = differ = unnamed = 0
    for target, why in sorted(reasons.items()):
        ours = listed.get(target)
        if ours is None:
            continue
        marked = _names({_printed_name(r, target) for r in ours if r["kbuild"]}, why)
        if not _names_prerequisites(log, target, why):
            unnamed += 1  # "command line change", "vmlinux not in $(targets)": no files
            continue
        if why == "target missing":
            v2 = {target}
            all_ours = {_printed_name(r, target) for r in ours}
        else:
            v2 = {_objtree_name(w, tree, srctree) for w in why.split()}
            all_ours = _names({_printed_name(r, target) for r in ours}, why)
        if not v2 <= all_ours:
            unlisted += 1
            out.append(f"    reason not listed for {target}: make says {why!r}; listed {ours}")
        elif v2 != marked:
            differ += 1
            if differ <= 10:
                out.append(f"    (V=2 printed {why!r} for {target}; marked {sorted(marked)})")
    out.append(
        f"  V=2 reasons: {len(reasons)} targets; every printed reason listed: "
        f"{'yes' if not unlisted else f'no, {unlisted} not'}; marked as printed: "
        f"{len(reasons) - differ - unlisted - unnamed} exactly, {differ} differ; "
        f"{unnamed} name no file"
    )
    print("\n".join(out))
    if data["config"]:
        (tree / ".config").write_bytes(saved_config)
        run_make(tree, srctree, jobs, log_dir / "status-restore.log")
    _revert_patches(tree, srctree, probes, jobs, log_dir)
    ok = ok and unlisted == 0
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    return 0 if ok else 1


def _revert_patches(
    tree: Path, srctree: Path | None, probes: Sequence[Probe], jobs: int, log_dir: Path
) -> None:
    """Take the patch probes back out of the source tree, last first, and rebuild."""
    patches = [p.path for p in probes if p.kind == "patch" and p.path is not None]
    source = srctree or tree
    for patch in reversed(patches):
        if patch_applies(source, patch, reverse=True):
            patch_source(source, patch, reverse=True)
    if patches:
        run_make(tree, srctree, jobs, log_dir / "status-revert.log")


def _names(printed: set[str], why: str) -> set[str]:
    """Names of marked reasons; a relink stands for the files that link rewrites, of which
    V=2 names the ones the target lists."""
    words = set(why.split())
    found: set[str] = set()
    for name in printed:
        files = name.split(" ")
        if len(files) > 1:
            found.update(f for f in files if f in words)
        else:
            found.add(name)
    return found


def _names_prerequisites(log: Path, target: str, why: str) -> bool:
    """Whether V=2's reason for ``target`` is "target missing" or "due to: FILES"."""
    if why == "target missing":
        return True
    for line in log.read_text(errors="replace").splitlines():
        if " - due to: " in line and line.rstrip().endswith(why) and target in line:
            return True
    return False


def _objtree_name(word: str, tree: Path, srctree: Path | None) -> str:
    """A prerequisite as V=2 prints it, as a depgraph id (objtree- or srctree-relative)."""
    path = os.path.normpath(word)
    for base in (tree, srctree):
        if base is not None and os.path.isabs(path):
            rel = os.path.relpath(path, base)
            if not rel.startswith(".."):
                return rel
    return path


def _printed_name(reason: dict[str, object], target: str) -> str:
    """The prerequisite a marked reason of ``target`` stands for, as V=2 would name it."""
    cause = str(reason["cause"])
    if reason["kind"] == "exports":  # modpost rewrote the table's source (.vmlinux.export.c)
        return target.removesuffix(".o") + ".c"
    if reason["kind"] == "config":
        return "include/config/" + cause.removeprefix("CONFIG_")
    if reason["kind"] == "relink":  # the files the link rewrote
        return " ".join(REWRITTEN_BY_LINK.get(cause, (cause,)))
    return cause


# --------------------------------------------------------------------------------------
# reporting


def diff_report(name: str, predicted: set[str], made: set[str], out: list[str]) -> bool:
    missing = sorted(made - predicted)
    extra = sorted(predicted - made)
    out.append(
        f"  {name}: predicted {len(predicted)}, made {len(made)}"
        + ("" if missing or extra else "  OK")
    )
    for t in missing:
        out.append(f"    missing {t}")
    for t in extra:
        out.append(f"    extra   {t}")
    return not missing and not extra


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Compare depgraph why-rebuild with real kbuild make on an objtree."
    )
    ap.add_argument(
        "--tree", required=True, type=Path, help="kernel object tree (O= dir, or in-tree source)"
    )
    ap.add_argument(
        "--depgraph",
        default="depgraph",
        help="depgraph command (split with shell rules; default: %(default)s)",
    )
    ap.add_argument(
        "--make-only",
        action="store_true",
        help="do not run depgraph: print what make rebuilt, as JSON",
    )
    ap.add_argument("-j", "--jobs", type=int, default=2, help="make -j (default: %(default)s)")
    ap.add_argument(
        "--log-dir", type=Path, default=None, help="where make logs go (default: a new /tmp dir)"
    )
    ap.add_argument(
        "--no-settle", action="store_true", help="do not run make once before the first probe"
    )
    ap.add_argument(
        "--keep",
        "--keep-config",
        dest="keep",
        action="store_true",
        help="do not undo a config: or patch: probe (restore .config, revert the patch) "
        "and rebuild afterwards",
    )
    ap.add_argument(
        "--status",
        action="store_true",
        help="apply every probe at once, then compare `depgraph status --json` (what make "
        "would redo now, and the reasons V=2 prints) with what make then redoes",
    )
    ap.add_argument(
        "probes",
        nargs="+",
        metavar="PROBE",
        help="touch:PATH, config:CONFIG_FOO=VALUE, configfile:PATH, patch:PATH or noop:",
    )
    args = ap.parse_args(argv)

    tree: Path = args.tree.resolve()
    if not (tree / ".config").is_file():
        print(f"{tree}: no .config; not a configured kernel objtree", file=sys.stderr)
        return 2
    srctree = find_srctree(tree)
    src_for_paths = srctree if srctree is not None else tree
    log_dir: Path = args.log_dir or Path(tempfile.mkdtemp(prefix="kernel_probe-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    depgraph_cmd = shlex.split(args.depgraph)

    try:
        probes = [parse_probe(s, src_for_paths) for s in args.probes]
    except ProbeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    try:
        if not args.no_settle:
            run_make(tree, srctree, args.jobs, log_dir / "settle.log")
    except ProbeError as e:
        print(f"error: settling the tree: {e}", file=sys.stderr)
        return 2

    if args.status:
        return status_mode(tree, srctree, probes, depgraph_cmd, args.jobs, log_dir)

    passed = failed = 0
    results: list[dict[str, object]] = []
    for n, probe in enumerate(probes, 1):
        log = log_dir / f"probe{n}.log"
        configs = ("config", "configfile")
        saved_config = (tree / ".config").read_bytes() if probe.kind in configs else None
        res: MakeResult | None = None
        predicted: tuple[set[str], set[str]] | None = None
        try:
            if probe.kind == "noop":
                predicted = (set(), set())
            elif not args.make_only:
                predicted = run_depgraph(depgraph_cmd, tree, probe)
            res = measure(tree, srctree, probe, args.jobs, log)
        except ProbeError as e:
            print(f"error: {probe.spec}: {e}", file=sys.stderr)
            failed += 1
        if (
            probe.kind == "patch"
            and not args.keep
            and probe.path is not None
            and patch_applies(src_for_paths, probe.path, reverse=True)
        ):
            try:
                patch_source(src_for_paths, probe.path, reverse=True)
                run_make(tree, srctree, args.jobs, log_dir / f"probe{n}-revert.log")
            except ProbeError as e:
                print(f"error: reverting {probe.spec}: {e}", file=sys.stderr)
                return 2
        if saved_config is not None and not args.keep:
            (tree / ".config").write_bytes(saved_config)
            try:
                run_make(tree, srctree, args.jobs, log_dir / f"probe{n}-restore.log")
            except ProbeError as e:
                print(f"error: restoring .config after {probe.spec}: {e}", file=sys.stderr)
                return 2
        if res is None:
            continue

        if args.make_only:
            results.append({"probe": probe.spec, **res.to_json()})
            continue
        assert predicted is not None
        out = [f"== {probe.spec}  (make took {res.seconds:.1f}s, log {log})"]
        ok = diff_report("compile", predicted[0], set(res.compile), out)
        ok = diff_report("link", predicted[1], set(res.link), out) and ok
        if res.nocmd:
            out.append(f"  (also rewritten, no .cmd: {' '.join(res.nocmd)})")
        print("\n".join(out))
        if ok:
            passed += 1
        else:
            failed += 1

    if args.make_only:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0 if failed == 0 else 2
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
