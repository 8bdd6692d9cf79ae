"""``depgraph diff`` on real sample_tree builds: a snapshot before a config change against
the rebuilt tree, two O= builds of two source copies, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, Build, redone, snapshot, touch

from depgraph.cli import main


def saved(obj: Path) -> dict[str, tuple[str, bool]]:
    """target -> (savedcmd_ line as written, whether it is compiled: has a source_ line),
    read from the .cmd files with plain Python."""
    found: dict[str, tuple[str, bool]] = {}
    for cmd in obj.rglob(".*.cmd"):
        if "source" in cmd.relative_to(obj).parts:
            continue
        lines = cmd.read_text().splitlines()
        head, _, command = lines[0].partition(" := ")
        name = head.split("_", 1)[1]
        linked = name.rsplit("/", 1)[-1].startswith("vmlinux")  # source_ is its script
        found[name] = (command, any(ln.startswith("source_") for ln in lines) and not linked)
    return found


def set_symbol(config: Path, off: str, on: str) -> None:
    text = config.read_text()
    assert off in text
    config.write_text(text.replace(off, on))


def test_optimize_for_size_is_one_group_over_every_recompiled_object(own_build: Build, capsys):
    obj = own_build.obj
    snap = obj.parent / "before.json"
    assert main(["diff", "--save", str(snap), "-C", str(obj)]) == 0
    assert capsys.readouterr().out.startswith("Saved the commands of ")
    before, mtimes = saved(obj), snapshot(obj)

    touch(obj / ".config")  # newer than what make wrote: it syncs the config first
    set_symbol(
        obj / ".config",
        "# CONFIG_CC_OPTIMIZE_FOR_SIZE is not set",
        "CONFIG_CC_OPTIMIZE_FOR_SIZE=y",
    )
    own_build.make()
    after = saved(obj)
    rewritten = {n for n, (c, compiled) in after.items() if compiled and before[n][0] != c}
    assert len(rewritten) > 10 and rewritten <= redone(obj, mtimes)
    # The top Makefile's -O2/-Os (KBUILD_CFLAGS) reaches every object compiled from C, and
    # only those: not the linker scripts cpp preprocesses (cpp_flags, such as
    # scripts/module.lds), nor the objects assembled from .S (a_flags, arch/kernel/entry.o).
    assembled = {n for n in after if (own_build.src / n).with_suffix(".S").is_file()}
    assert "arch/kernel/entry.o" in assembled and after["arch/kernel/entry.o"][1]
    objects = {n for n, (_, compiled) in after.items() if compiled and n.endswith(".o")}
    assert rewritten == objects - assembled
    assert {n for n, (c, _) in after.items() if before[n][0] != c} == rewritten

    assert main(["diff", str(snap), str(obj), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["groups"] == [
        {"added": ["-Os"], "removed": ["-O2"], "targets": sorted(rewritten)}
    ]
    assert (document["only_old"], document["only_new"]) == ([], [])
    assert document["same"] == len(after) - len(rewritten)
    assert document["old"]["kind"] == "snapshot" and document["new"]["kind"] == "tree"

    # NEW defaults to the build directory; the text names the first few, --all every one.
    assert main(["diff", str(snap), "-C", str(obj)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[2] == (
        f"{len(after)} targets in both: {len(rewritten)} with other flags, in 1 group; "
        f"{len(after) - len(rewritten)} the same."
    )
    assert lines[4:7] == [f"{len(rewritten)} targets:", "  - -O2", "  + -Os"]
    assert lines[-1] == f"    … and {len(rewritten) - 5} more (--all lists them)"
    assert main(["diff", str(snap), "-C", str(obj), "--all"]) == 0
    every = capsys.readouterr().out.splitlines()
    assert every[7:] == [f"    {name}" for name in sorted(rewritten)]


def _build_with(base: Path, config_edit: tuple[str, str]) -> Build:
    """A new copy of sample_tree built out of tree, its .config edited before the first
    make (make only copies the defconfig when there is no .config)."""
    src, obj = base / "src", base / "obj"
    shutil.copytree(SAMPLE, src, symlinks=True)
    obj.mkdir()
    defconfig = (SAMPLE / "arch/configs/defconfig").read_text()
    assert config_edit[0] in defconfig
    (obj / ".config").write_text(defconfig.replace(*config_edit))
    build = Build(src, obj)
    build.make()
    return build


def test_two_trees_of_two_checkouts_differ_only_where_the_symbol_reaches(
    sample_build: Build, tmp_path: Path, capsys
):
    other = _build_with(tmp_path, ("# CONFIG_NET_STATS is not set", "CONFIG_NET_STATS=y"))
    old, new = saved(sample_build.obj), saved(other.obj)
    # Every compile names its own tree's absolute srctree: without normalising every
    # compiled target would differ.
    raw = {n for n in old.keys() & new.keys() if old[n][0] != new[n][0]}
    assert {n for n, (_, compiled) in old.items() if compiled} <= raw

    assert main(["diff", str(sample_build.obj), str(other.obj), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["groups"] == [
        # ccflags-$(CONFIG_NET_STATS) += -DNET_STATS_ENABLED in drivers/net/Makefile
        {
            "added": ["-DNET_STATS_ENABLED"],
            "removed": [],
            "targets": ["drivers/net/netdev.o", "drivers/net/netqueue.o"],
        },
        # netcore-$(CONFIG_NET_STATS) += netstats.o: one more member archived
        {"added": ["netstats.o"], "removed": [], "targets": ["drivers/net/built-in.a"]},
    ]
    assert (document["only_old"], document["only_new"]) == ([], ["drivers/net/netstats.o"])
    assert document["same"] == len(old.keys() & new.keys()) - 3
    assert document["old"]["srctree"] != document["new"]["srctree"]

    # The other way round, the same groups with their flags removed.
    assert main(["diff", str(other.obj), str(sample_build.obj), "--json"]) == 0
    back = json.loads(capsys.readouterr().out)
    assert [(g["added"], g["removed"]) for g in back["groups"]] == [
        ([], ["-DNET_STATS_ENABLED"]),
        ([], ["netstats.o"]),
    ]
    assert (back["only_old"], back["only_new"]) == (["drivers/net/netstats.o"], [])


def _damaged(tmp_path: Path, sample_build: Build) -> Path:
    good = tmp_path / "good.json"
    assert main(["diff", "--save", str(good), "-C", str(sample_build.obj)]) == 0
    cut = tmp_path / "cut.json"
    text = good.read_text()
    cut.write_text(text[: len(text) // 2])
    return cut


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "{tmp}/nothing", "{obj}"], "{tmp}/nothing: no such file or directory"),
        (["diff", "{tmp}/empty", "{obj}"], "{tmp}/empty: not a kbuild object tree (no .config)"),
        (["diff", "{obj}/.config", "{obj}"],
         "{obj}/.config: not a depgraph snapshot, nor an object tree directory"),
        (["diff", "{tmp}/cut.json", "{obj}"], "{tmp}/cut.json:"),
        (["diff", "{tmp}/list.json", "{obj}"], "{tmp}/list.json: not a depgraph snapshot"),
        (["diff", "--save", "{tmp}/no/such/dir.json", "-C", "{obj}"],
         "{tmp}/no/such/dir.json: cannot write: No such file or directory"),
        (["diff"], "diff: give OLD [NEW], or --save FILE"),
        (["diff", "a", "b", "c"], "diff: give at most two: OLD and NEW"),
        (["diff", "--save", "{tmp}/s.json", "{obj}"], "diff: --save takes no OLD or NEW"),
        (["diff", "{obj}", "{obj}", "-C", "{obj}"], "diff: -C names NEW when NEW is not given"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, sample_build: Build, tmp_path: Path, capsys
):
    (tmp_path / "empty").mkdir()
    (tmp_path / "list.json").write_text('[{"file": "a.c"}]')
    cut = _damaged(tmp_path, sample_build)
    capsys.readouterr()
    names = {"tmp": str(tmp_path), "obj": str(sample_build.obj)}
    assert main([arg.format(**names) for arg in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("depgraph: error: " + message.format(**names))
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    if "cut.json" in message:
        assert ": damaged snapshot: " in captured.err
        assert cut.exists()


def test_bad_input_through_the_console_entry_point_has_no_traceback(tmp_path: Path):
    snap = tmp_path / "snap.json"
    snap.write_text('{"format": "depgraph-commands", "version": 1, "commands": {')
    result = subprocess.run(
        [sys.executable, "-m", "depgraph", "diff", str(snap), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"depgraph: error: {snap}:1: damaged snapshot: " + (
        "Expecting property name enclosed in double quotes\n"
    )
