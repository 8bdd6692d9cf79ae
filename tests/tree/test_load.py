"""Loading real sample_tree builds: layouts, damaged files among good ones, half-built
trees, and stale leftovers of an earlier configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, Build, redone, snapshot, touch

from depgraph.cli import main
from depgraph.model import BuildTree, NodeKind
from depgraph.tree.fs import FakeFileSystem, FileSystem
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


def load(build: Build):
    return load_tree(locate(str(build.obj), {}, "/"))


def why_json(obj: Path, *changes: str) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-m", "depgraph", "why-rebuild", "-C", str(obj), "--json", *changes],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), result.stderr


def test_o_build_layout_finds_source_tree(sample_build: Build):
    layout = locate(str(sample_build.obj), {}, "/")
    assert layout.kind == "O="
    assert Path(layout.srctree) == sample_build.src.resolve()


def test_every_target_kind_of_a_kbuild_tree_is_recognised(sample_build: Build):
    tree = load(sample_build)
    assert tree.diagnostics == []
    kinds = {t.kind for t in tree.targets.values()}
    assert {NodeKind.OBJECT, NodeKind.ARCHIVE, NodeKind.MODULE, NodeKind.LINK} <= kinds
    assert {"vmlinux.o", "scripts/link-vmlinux.sh"} <= set(tree.targets["vmlinux"].inputs)
    assert set(tree.targets["drivers/misc/mymod.o"].inputs) >= {
        "drivers/misc/mymod_main.o",
        "drivers/misc/mymod_util.o",
    }
    # One node per file however spelled: the "../" and "//" spellings are resolved.
    netdev = tree.targets["drivers/net/netdev.o"]
    assert "drivers/common/helper.h" in netdev.deps
    assert all("/../" not in d and "//" not in d for t in tree.targets.values() for d in t.deps)
    assert tree.stale == set()


def test_truncated_and_binary_cmd_files_warn_and_the_rest_answers(
    sample_build: Build, sample_fake: FakeFileSystem, capsys
):
    """Damaged .cmd files in an in-memory copy of the build: one warning each."""

    def ask(fs: FileSystem) -> tuple[dict, str]:
        capsys.readouterr()
        code = main(["why-rebuild", "-C", obj, "--json", "drivers/common/helper.h"], fs=fs)
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out), err

    obj = str(sample_build.obj)
    good, _ = ask(sample_fake)
    truncated = f"{obj}/drivers/net/.netqueue.o.cmd"
    text = sample_fake.read_text(truncated)
    sample_fake.write(truncated, text[: text.index("deps_") + 200])
    sample_fake.write(f"{obj}/kernel/.printk.o.cmd", b"\x7fELF\x00\x01\x02\xff" * 40)

    answer, stderr = ask(sample_fake)
    lines = stderr.strip().splitlines()
    assert any(ln.startswith("depgraph: drivers/net/.netqueue.o.cmd:") and "truncated" in ln
               for ln in lines)  # fmt: skip
    assert any(ln.startswith("depgraph: kernel/.printk.o.cmd:1:") for ln in lines)
    # netdev.o is still found with its chain, and the link cascade is unchanged.
    assert "drivers/net/netdev.o" in {c["target"] for c in answer["compile"]}
    assert [x["target"] for x in answer["link"]] == [x["target"] for x in good["link"]]


def test_half_built_tree_loads_and_answers(tmp_path: Path):
    src = tmp_path / "src"
    subprocess.run(["cp", "-a", str(SAMPLE), str(src)], check=True)
    broken = src / "kernel/sched/rt/rt.c"
    broken.write_text(broken.read_text() + "\n#error stop the build here\n")
    obj = tmp_path / "obj"
    result = subprocess.run(
        ["make", "-C", str(src), f"O={obj}"], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0  # the build stopped half way
    assert not (obj / "vmlinux").exists()

    answer, _ = why_json(obj, "include/linux/printk.h")
    compiled = {c["target"] for c in answer["compile"]}
    assert "init/main.o" in compiled
    assert "kernel/sched/rt/rt.o" not in compiled  # never built: nothing to predict


def test_stale_module_left_by_an_earlier_configuration_is_left_out(own_build: Build):
    """Switching CONFIG_SINGLE_MOD off leaves single.o, .mod.o, .ko and their .cmd files
    behind; make never visits them again, so touching their header rebuilds nothing of
    them, and depgraph must say the same."""
    config = own_build.obj / ".config"
    config.write_text(
        config.read_text().replace("CONFIG_SINGLE_MOD=m", "# CONFIG_SINGLE_MOD is not set")
    )
    own_build.make()
    assert (own_build.obj / "drivers/misc/single.ko").exists()
    assert {"drivers/misc/single.ko", "drivers/misc/single.o"} <= load(own_build).stale

    answer, _ = why_json(own_build.obj, "drivers/misc/single.c")
    before = snapshot(own_build.obj)
    touch(own_build.src / "drivers/misc/single.c")
    own_build.make()
    assert redone(own_build.obj, before) == set()
    assert answer["compile"] == [] and answer["link"] == []
    assert "stale" in answer["notes"][0]


def test_kbuild_output_names_the_tree(sample_build: Build):
    layout = locate(None, {"KBUILD_OUTPUT": str(sample_build.obj)}, os.getcwd())
    assert Path(layout.objtree) == sample_build.obj


def test_gcc_depfile_not_yet_converted_by_fixdep_becomes_a_target(own_build: Build):
    """A compile that stopped after gcc wrote its depfile but before fixdep turned it
    into a .cmd file (or a make-based build without fixdep) still loads."""
    saved = load(own_build).targets["drivers/net/netdev.o"].command
    command = saved.replace(".netdev.o.d", ".extra.o.d").replace(
        "-o drivers/net/netdev.o", "-o drivers/net/extra.o"
    )
    subprocess.run(["sh", "-c", command], cwd=own_build.obj, check=True)
    assert (own_build.obj / "drivers/net/.extra.o.d").exists()
    extra = load(own_build).targets["drivers/net/extra.o"]
    assert extra.source == "drivers/net/netdev.c"
    assert "drivers/common/helper.h" in extra.deps  # the "../" spelling, resolved
    assert extra.command == ""


def _assert_same_tree(together: BuildTree, alone: BuildTree) -> None:
    assert {n: together.targets[n] for n in together.targets} == {
        n: alone.targets[n] for n in alone.targets
    }
    # The same ids in the same order, so each users list is in the same (id) order too.
    assert dict(together.users.items()) == dict(alone.users.items())
    assert together.stale == alone.stale and together.generated == alone.generated


@pytest.mark.parametrize("cpus", [2, 3])
def test_parallel_cold_load_gives_the_same_tree(sample_build: Build, monkeypatch, cpus):
    """A large cold load parses in several processes (one worker on two cores, a chain
    of two on three); it must give exactly the tree one process gives (forced here on
    sample_tree, which is below the threshold)."""
    from depgraph.tree import load as loader
    from depgraph.tree import parallel

    layout = locate(str(sample_build.obj), {}, "/")
    alone = load_tree(layout)
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: cpus)
    merged = []
    real_merge = parallel._merge_part
    monkeypatch.setattr(parallel, "_merge_part", lambda *a: merged.append(1) or real_merge(*a))
    calls: list[tuple[int, int]] = []
    together = load_tree(layout, progress=lambda d, t: calls.append((d, t)))
    assert len(merged) == cpus - 1  # every worker's share came from the worker
    assert calls and calls[-1][0] == calls[-1][1] == alone.cmd_files
    _assert_same_tree(together, alone)


def test_a_worker_that_dies_has_its_share_read_by_the_parent(sample_build: Build, monkeypatch):
    from depgraph.tree import load as loader
    from depgraph.tree import parallel

    layout = locate(str(sample_build.obj), {}, "/")
    alone = load_tree(layout)
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)

    def dies(*args):
        os._exit(3)  # in the worker, after fork: as if it were killed

    monkeypatch.setattr(parallel, "_in_parent_ids", dies)
    merged = []
    monkeypatch.setattr(parallel, "_merge_part", lambda *a: merged.append(1))
    _assert_same_tree(load_tree(layout), alone)
    assert merged == []


def test_no_worker_processes_while_other_threads_run(sample_build: Build, monkeypatch):
    """fork() in a process with other threads can deadlock the child (watch mode runs an
    observer thread): the cold load then parses in the process itself."""
    import threading

    from depgraph.tree import load as loader

    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)

    def no_workers(*args, **kwargs):
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(loader, "parse_in_workers", no_workers)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    finally:
        stop.set()
        other.join()
    assert "init/main.o" in tree.targets


def test_a_prerequisite_only_a_makefile_rule_names_is_followed(own_build: Build):
    """kernel/blob-wrap.o pulls blob.bin in with .incbin; only the rule
    ``$(obj)/blob-wrap.o: $(obj)/blob.bin`` of kernel/Makefile records it (as
    arm64's vdso-wrap.o and vdso.so): a change of blob.h reaches blob-wrap.o through
    blob.o and blob.bin, as make finds."""
    tree = load(own_build)
    assert "kernel/blob.bin" in tree.targets["kernel/blob-wrap.o"].inputs
    answer, _ = why_json(own_build.obj, "kernel/blob.h")
    predicted = {x["target"] for x in (*answer["compile"], *answer["link"])}
    assert {"kernel/blob-wrap.o", "kernel/blob.bin"} <= predicted
    before = snapshot(own_build.obj)
    touch(own_build.src / "kernel/blob.h")
    own_build.make()
    assert predicted == redone(own_build.obj, before)


def test_a_rule_taken_out_of_a_makefile_is_forgotten(own_build: Build, tmp_path: Path):
    """The rules are read again when a Makefile changes (the cache keeps them with each
    Makefile's mtime)."""
    cache_dir = str(tmp_path / "cache")
    layout = locate(str(own_build.obj), {}, "/")
    assert "kernel/blob.bin" in (
        load_tree(layout, cache_dir=cache_dir).targets["kernel/blob-wrap.o"].inputs
    )
    makefile = own_build.src / "kernel/Makefile"
    touch(makefile)
    makefile.write_text(makefile.read_text().replace("$(obj)/blob-wrap.o: $(obj)/blob.bin", ""))
    tree = load_tree(layout, cache_dir=cache_dir)
    assert "kernel/blob.bin" not in tree.targets["kernel/blob-wrap.o"].inputs
