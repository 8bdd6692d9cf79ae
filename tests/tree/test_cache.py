"""The persistent cache on real sample_tree builds: same answers with and without it,
reloads that re-read only what a build rewrote, and corrupt or foreign caches rebuilt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Build, touch

from depgraph import __version__
from depgraph.tree import cache
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


def why(obj: Path, cache_dir: Path | None, *changes: str) -> tuple[dict, str]:
    env = dict(os.environ)
    argv = [sys.executable, "-m", "depgraph", "why-rebuild", "-C", str(obj), "--json"]
    if cache_dir is None:
        argv.append("--no-cache")
    else:
        env["DEPGRAPH_CACHE_DIR"] = str(cache_dir)
    result = subprocess.run([*argv, *changes], capture_output=True, text=True, env=env,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def users(tree) -> dict[str, list[str]]:
    return {name: sorted(found) for name, found in tree.users.items()}


CHANGES = [
    ("include/linux/printk.h",),
    ("drivers/common/helper.h", "CONFIG_HZ"),
    ("CONFIG_NR_QUEUES",),
    ("drivers/misc/mymod_util.c",),
]


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: "+".join(c))
def test_answers_are_identical_with_and_without_cache(sample_build: Build, tmp_path, changes):
    uncached, _ = why(sample_build.obj, None, *changes)
    cold, _ = why(sample_build.obj, tmp_path, *changes)
    warm, _ = why(sample_build.obj, tmp_path, *changes)
    assert uncached == cold == warm
    assert list(tmp_path.glob("tree-*.pickle"))


def test_cache_lives_outside_the_tree_and_nothing_is_written_into_it(sample_build: Build,
                                                                    tmp_path):  # fmt: skip
    before = sorted(p for p in sample_build.obj.rglob("*"))
    why(sample_build.obj, tmp_path / "c", "include/linux/printk.h")
    assert sorted(p for p in sample_build.obj.rglob("*")) == before


def test_reload_after_a_build_reads_only_rewritten_files(own_build: Build, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_RAW_FROM", 1)  # columns mapped from the file, as on a kernel
    layout = locate(str(own_build.obj), {}, "/")
    first = load_tree(layout, cache_dir=str(tmp_path))
    read: list[int] = []
    again = load_tree(layout, cache_dir=str(tmp_path), progress=lambda d, t: read.append(t))
    assert read == []  # nothing changed: nothing parsed
    assert users(again) == users(first)

    touch(own_build.src / "drivers/net/netdev.c")
    own_build.make()
    reread: list[int] = []
    after = load_tree(layout, cache_dir=str(tmp_path), progress=lambda d, t: reread.append(t))
    # netdev.o's .cmd, its archives and everything up the vmlinux chain were rewritten;
    # far fewer than the whole tree.
    assert 0 < reread[-1] < first.cmd_files / 2
    fresh = load_tree(layout)
    assert users(after) == users(fresh)
    assert {n: after.targets[n] for n in after.targets} == {
        n: fresh.targets[n] for n in fresh.targets
    }


@pytest.mark.parametrize("raw_from", [1, 10**9])
def test_columns_stored_raw_and_mapped_back_give_the_same_tree(
    sample_build: Build, tmp_path, monkeypatch, raw_from: int
):
    """On a kernel the large index columns are stored raw and mapped back as views of the
    file; sample_tree's are small, so the threshold is lowered to store every one raw
    (and raised to store none)."""
    monkeypatch.setattr(cache, "_RAW_FROM", raw_from)
    layout = locate(str(sample_build.obj), {}, "/")
    load_tree(layout, cache_dir=str(tmp_path))
    (path,) = tmp_path.glob("tree-*.pickle")
    header = path.read_bytes()[:32]
    columns = int.from_bytes(header[20:24], "little")
    assert (columns > 10) if raw_from == 1 else (columns == 0)
    warm = load_tree(layout, cache_dir=str(tmp_path))
    fresh = load_tree(layout)
    assert users(warm) == users(fresh)
    assert {n: warm.targets[n] for n in warm.targets} == {
        n: fresh.targets[n] for n in fresh.targets
    }


def test_corrupt_cache_is_rebuilt_with_a_note(sample_build: Build, tmp_path):
    good, _ = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    (path,) = tmp_path.glob("tree-*.pickle")
    path.write_bytes(b"not a pickle at all")
    again, stderr = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    assert again == good
    assert "depgraph: note: cache" in stderr and "rebuilding" in stderr
    _, quiet = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    assert "note" not in quiet  # rebuilt and written back


def test_cache_of_another_format_is_rebuilt(sample_build: Build, tmp_path):
    why(sample_build.obj, tmp_path, "include/linux/printk.h")
    (path,) = tmp_path.glob("tree-*.pickle")
    data = bytearray(path.read_bytes())
    data[16:20] = (cache.FORMAT + 100).to_bytes(4, "little")  # the header's format
    path.write_bytes(bytes(data))
    _, stderr = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    assert "another version" in stderr


def test_cache_whose_state_is_of_another_format_is_rebuilt(sample_build: Build, tmp_path):
    why(sample_build.obj, tmp_path, "include/linux/printk.h")
    (path,) = tmp_path.glob("tree-*.pickle")
    layout = locate(str(sample_build.obj), {}, "/")
    key = cache.tree_key(__version__, layout.objtree, layout.srctree, layout.scan)
    assert cache.cache_path(str(tmp_path), key) == str(path)
    state, _ = cache.read(str(tmp_path), key)
    assert state is not None
    state.format = cache.FORMAT + 100
    assert cache.write(str(tmp_path), state) is None
    _, stderr = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    assert "another version" in stderr


@pytest.mark.parametrize("keep", [0, 10, 200, -100])
def test_cut_cache_is_rebuilt_with_a_note(sample_build: Build, tmp_path, keep: int):
    good, _ = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    (path,) = tmp_path.glob("tree-*.pickle")
    path.write_bytes(path.read_bytes()[:keep])
    again, stderr = why(sample_build.obj, tmp_path, "include/linux/printk.h")
    assert again == good
    assert "depgraph: note: cache" in stderr and "rebuilding" in stderr


def test_unwritable_cache_dir_is_a_note_not_an_error(sample_build: Build, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    answer, stderr = why(sample_build.obj, blocker / "sub", "include/linux/printk.h")
    assert answer["compile"]
    assert "cannot write cache" in stderr


def test_stored_include_scans_give_the_same_chains_and_follow_file_changes(
    sample_build: Build, sample_fake, tmp_path, monkeypatch
):
    from depgraph.questions.why import resolve_change, why_rebuild
    from depgraph.tree import sources

    monkeypatch.setattr(sources, "_SCANS_WORTH_LOADING", 1)
    layout = locate(str(sample_build.obj), {}, "/")
    tree = load_tree(layout)

    def ask(header: str):
        reader = sources.SourceReader(layout, str(tmp_path), fs=sample_fake)
        answer = why_rebuild(tree, [resolve_change(tree, header, True)], reader)
        reader.save()
        return answer

    first = ask("include/linux/printk.h")
    assert list(tmp_path.glob("scans-*.pickle"))
    assert ask("include/linux/printk.h") == first  # from stored scans

    # An edited file is scanned again: move netdev.c's include of helper.h down a line.
    source = f"{sample_build.src}/drivers/net/netdev.c"
    sample_fake.write(source, "/* moved */\n" + sample_fake.read_text(source))
    again = ask("drivers/common/helper.h")
    (netdev,) = [r for r in again.compile if r.target == "drivers/net/netdev.o"]
    chain = netdev.reasons[0].chain
    assert chain[0].file == "drivers/net/netdev.c" and chain[0].line == 5
