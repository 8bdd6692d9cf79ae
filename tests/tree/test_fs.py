"""The FileSystem port: the in-memory fake answers as the real disk does for a copied
tree (listings, stats, symlinks, globs, the build-file walk), and a tree loaded through
the fake is the tree loaded from the disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import Build

from depgraph.tree.fs import EDITED, REAL, FakeFileSystem, OverlayFileSystem
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


@pytest.fixture
def copied(sample_build: Build) -> FakeFileSystem:
    roots = {
        str(sample_build.src): str(sample_build.src),
        str(sample_build.obj): str(sample_build.obj),
    }
    return FakeFileSystem.copy_of(roots)


def test_the_fake_walks_the_same_build_files_as_the_disk(sample_build: Build, copied):
    obj = str(sample_build.obj)
    assert sorted(copied.build_files(obj)) == sorted(REAL.build_files(obj))
    assert len(list(REAL.build_files(obj))) > 50


def test_the_fake_lists_stats_and_follows_symlinks_as_the_disk(sample_build: Build, copied):
    obj, src = str(sample_build.obj), str(sample_build.src)
    for directory in (obj, f"{obj}/drivers/net", src, f"{src}/include/linux"):
        assert sorted(copied.listdir(directory)) == sorted(os.listdir(directory))
    # O= trees link back to their source tree: the fake resolves it like the disk.
    assert copied.is_link(f"{obj}/source") and REAL.is_link(f"{obj}/source")
    assert copied.readlink(f"{obj}/source") == os.readlink(f"{obj}/source")
    through = f"{obj}/source/include/linux/kernel.h"
    assert copied.stat(through) == REAL.stat(through)
    assert copied.realpath(through) == os.path.realpath(through)
    assert copied.is_dir(f"{obj}/source/include") and not copied.is_file(f"{obj}/source")
    assert copied.glob(f"{src}/*/Kconfig") == REAL.glob(f"{src}/*/Kconfig") != []
    assert copied.is_executable(f"{obj}/scripts/kconfig/conf")


def test_the_fake_raises_what_the_disk_raises(copied):
    with pytest.raises(FileNotFoundError) as caught:
        copied.read_bytes("/no/such/file")
    assert caught.value.errno == errno.ENOENT
    assert copied.mtime("/no/such/file") == -1
    assert copied.text_or_none("/no/such/file") is None
    assert copied.real_file("/no/such/file") is None


def test_writes_are_newer_than_what_was_there(copied, sample_build: Build):
    header = f"{sample_build.src}/drivers/common/helper.h"
    before = copied.mtime(header)
    copied.touch(header)
    assert copied.mtime(header) > before
    copied.write(f"{sample_build.src}/drivers/net/new.c", "int x;\n")
    assert copied.mtime(f"{sample_build.src}/drivers/net/new.c") > copied.mtime(header)
    copied.remove(header)
    assert not copied.exists(header)
    assert os.path.exists(header)  # the disk is never touched


def test_a_tree_loaded_through_the_fake_is_the_tree_on_disk(sample_build: Build, copied):
    layout = locate(str(sample_build.obj), {}, "/")
    assert locate(str(sample_build.obj), {}, "/", fs=copied) == layout
    on_disk = load_tree(layout)
    in_memory = load_tree(layout, fs=copied)
    assert dict(in_memory.targets.items()) == dict(on_disk.targets.items())
    assert dict(in_memory.users.items()) == dict(on_disk.users.items())
    assert (in_memory.config, in_memory.auto_conf) == (on_disk.config, on_disk.auto_conf)
    assert (in_memory.stale, in_memory.generated) == (on_disk.stale, on_disk.generated)


def test_a_fake_tree_from_text_alone(tmp_path: Path):
    """A tree written into the fake by hand: two objects, an archive, a config stamp."""
    fs = FakeFileSystem(
        {
            "/obj/.config": "CONFIG_A=y\n",
            "/obj/include/config/auto.conf": "CONFIG_A=y\n",
            "/obj/x/.a.o.cmd": (
                "savedcmd_x/a.o := gcc -c -o x/a.o /src/x/a.c\n"
                "source_x/a.o := /src/x/a.c\n"
                "deps_x/a.o := \\\n  /src/x/a.h \\\n    $(wildcard include/config/A) \\\n\n"
                "x/a.o: $(deps_x/a.o)\n$(deps_x/a.o):\n"
            ),
            "/obj/x/a.o": "",
            "/obj/x/.built-in.a.cmd": (
                'savedcmd_x/built-in.a := rm -f x/built-in.a; printf "x/%s " a.o | '
                "xargs ar cDPrST x/built-in.a\n"
            ),
            "/obj/x/built-in.a": "",
            "/src/x/a.c": '#include "a.h"\n',
            "/src/x/a.h": "#ifdef CONFIG_A\n#endif\n",
        }
    )
    fs.symlink("/src", "/obj/source")
    tree = load_tree(locate("/obj", {}, "/", fs=fs), fs=fs)
    assert tree.srctree == "/src"
    assert tree.users["x/a.h"] == ["x/a.o"]
    assert tree.users["CONFIG_A"] == ["x/a.o"]
    assert tree.targets["x/built-in.a"].inputs == ("x/a.o",)


def test_an_overlay_shows_edits_without_writing(sample_build: Build):
    src = str(sample_build.src)
    helper, new, gone = (
        f"{src}/drivers/common/helper.h",
        f"{src}/drivers/new/x.c",
        f"{src}/init/main.c",
    )
    overlay = OverlayFileSystem(REAL, {helper: b"/* edited */\n", new: b"int x;\n", gone: None})
    assert overlay.read_text(helper) == "/* edited */\n"
    assert overlay.mtime(helper) == EDITED > REAL.mtime(helper)
    assert overlay.is_file(new) and overlay.is_dir(f"{src}/drivers/new")
    assert "new" in overlay.listdir(f"{src}/drivers") and "main.c" not in overlay.listdir(
        f"{src}/init"
    )
    assert overlay.listdir(f"{src}/drivers/new") == ["x.c"]
    assert not overlay.exists(gone) and overlay.mtime(gone) == -1
    with pytest.raises(FileNotFoundError):
        overlay.read_bytes(gone)
    assert overlay.read_bytes(f"{src}/Makefile") == REAL.read_bytes(f"{src}/Makefile")
    # Nothing reached the disk.
    assert os.path.exists(gone) and not os.path.exists(new)
    assert REAL.read_text(helper) != "/* edited */\n"
