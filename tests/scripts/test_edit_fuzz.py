"""scripts/edit_fuzz.py: its pure helpers, and a short seeded fuzz run on a private sample
build (random edits described to depgraph, made, compared with make, and reverted)."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

from conftest import Build, load_script

ef = load_script("edit_fuzz")

# Seed 12's first six kinds (one shuffled round, before any target is drawn).
SEED = 12
SEED_KINDS = {
    "kconfig-default",
    "makefile-flag",
    "delete-module",
    "new-file",
    "config-symbol",
    "touch-header",
}


def _checksums(tree: Path) -> dict[str, tuple[str, int]]:
    found = {}
    for dirpath, _, filenames in os.walk(tree):
        for name in filenames:
            path = Path(dirpath, name)
            rel = os.path.relpath(path, tree)
            found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
    return found


# ---- pure helpers


def test_unified_diff_applies_forward_and_back(tmp_path):
    src = tmp_path / "src"
    (src / "d").mkdir(parents=True)
    (src / "d" / "a.c").write_text("int a;\n")
    (src / "d" / "gone.c").write_text("int gone;\n")
    files = {
        "d/a.c": (b"int a;\n", b"int a;\n/* fuzz */\n"),
        "d/new.c": (None, b"int fuzz_1;\n"),
        "d/gone.c": (b"int gone;\n", None),
        "d/same.c": (b"x\n", b"x\n"),
    }
    text = ef.unified_diff(files, tmp_path / "scratch")
    assert "--- a/d/a.c\n+++ b/d/a.c\n" in text
    assert "--- /dev/null\n+++ b/d/new.c\n" in text
    assert "--- a/d/gone.c\n+++ /dev/null\n" in text
    assert "same.c" not in text
    patch = tmp_path / "edit.patch"
    patch.write_text(text)

    assert ef.run_patch(src, patch) is None
    assert (src / "d" / "a.c").read_text() == "int a;\n/* fuzz */\n"
    assert (src / "d" / "new.c").read_text() == "int fuzz_1;\n"
    assert not (src / "d" / "gone.c").exists()

    assert ef.run_patch(src, patch, reverse=True) is None
    assert (src / "d" / "a.c").read_text() == "int a;\n"
    assert (src / "d" / "gone.c").read_text() == "int gone;\n"
    assert not (src / "d" / "new.c").exists()
    assert sorted(p.name for p in (src / "d").iterdir()) == ["a.c", "gone.c"]


def test_a_patch_that_does_not_apply_changes_nothing(tmp_path):
    (tmp_path / "f.h").write_text("other\n")
    patch = tmp_path / "p.patch"
    patch.write_text(ef.unified_diff({"f.h": (b"old\n", b"new\n")}, tmp_path / "scratch"))
    assert ef.run_patch(tmp_path, patch) is not None
    assert (tmp_path / "f.h").read_text() == "other\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.h", "p.patch", "scratch"]


def test_append_line_and_set_config():
    assert ef.append_line(b"a", "b") == b"a\nb\n"
    assert ef.append_line(b"a\n", "b") == b"a\nb\n"
    text = "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_N=4\n"
    assert (
        ef.set_config(text, "A", "n")
        == "# CONFIG_A is not set\n# CONFIG_B is not set\nCONFIG_N=4\n"
    )
    assert ef.set_config(text, "B", "m") == "CONFIG_A=y\nCONFIG_B=m\nCONFIG_N=4\n"
    assert ef.set_config(text, "N", "5").endswith("CONFIG_N=5\n")
    assert ef.set_config(text, "NEW", "y").endswith("CONFIG_N=4\nCONFIG_NEW=y\n")
    assert ef.read_config(text) == {"A": "y", "B": "n", "N": "4"}


def test_verdicts():
    made = ({"a.o"}, {"built-in.a", "vmlinux"})
    assert ef.verdict(0, ({"a.o"}, {"built-in.a", "vmlinux"}), made) == "exact"
    assert ef.verdict(0, ({"a.o"}, {"built-in.a"}), made) == "wrong"
    assert ef.verdict(3, ({"a.o"}, {"built-in.a"}), made) == "flagged"
    assert ef.verdict(3, ({"a.o", "b.o"}, set()), made) == "wrong"
    assert ef.verdict(2, None, made) == "wrong"
    assert ef.verdict(1, (set(), set()), (set(), set())) == "wrong"
    assert ef.verdict(0, ({"a.o", "vmlinux"},), ({"a.o", "vmlinux"},)) == "exact"


def test_parse_cmd_file():
    obj = Path("/o")
    text = (
        "savedcmd_d/x.o := gcc -c -o d/x.o /s/d/x.c\n\n"
        "source_d/x.o := /s/d/x.c\n\n"
        "deps_d/x.o := \\\n"
        "    $(wildcard include/config/FOO) \\\n"
        "  /s/include/linux/kconfig.h \\\n"
        "  /s/d/../common/helper.h \\\n"
        "    $(wildcard include/config/BAR) \\\n"
        "  include/generated/autoconf.h \\\n\n"
        "d/x.o: $(deps_d/x.o)\n\n$(deps_d/x.o):\n"
    )
    info = ef.parse_cmd("d/x.o", text, obj)
    assert info.command == "gcc -c -o d/x.o /s/d/x.c"
    assert info.source == "/s/d/x.c"
    assert info.deps == ["/s/include/linux/kconfig.h", "/s/common/helper.h",
                         "/o/include/generated/autoconf.h"]  # fmt: skip
    assert info.symbols == ["FOO", "BAR"]


def test_parse_kconfig(tmp_path):
    (tmp_path / "Kconfig").write_text(
        "config A\n"
        '\tbool "A prompt"\n'
        "\tselect B\n"
        "\thelp\n"
        "\t  default 99 is help text, config C too\n"
        "\n"
        "config B\n"
        "\tint\n"
        "\tdefault 3 if A\n"
        '\tdefault "4"\n'
        "\n"
        "config N\n"
        '\tint "N"\n'
        "\trange 1 8\n"
        "\tdepends on A\n"
        "\tdefault 2\n"
    )
    symbols, mentions = ef.parse_kconfig(tmp_path, ["Kconfig"])
    assert symbols["A"].prompt and symbols["A"].selects and symbols["A"].type == "bool"
    assert not symbols["B"].prompt and symbols["B"].type == "int"
    assert symbols["B"].defaults == [("Kconfig", 9, "3"), ("Kconfig", 10, '"4"')]
    assert symbols["N"].ranges == [("1", "8")]
    assert "C" not in symbols
    assert mentions["A"] == 2 and mentions["B"] == 1 and mentions["C"] == 0


def test_classify_reads_the_cmd_files(sample_build: Build):
    obj = sample_build.obj
    changed = [
        "drivers/net/netdev.o",
        "drivers/net/.netdev.o.cmd",
        "drivers/net/built-in.a",
        "vmlinux",
        "include/generated/utsrelease.h",
    ]
    compile_, link, nocmd = ef.classify(obj, changed)
    assert compile_ == ["drivers/net/netdev.o"]
    assert link == ["drivers/net/built-in.a", "vmlinux"]
    assert nocmd == ["include/generated/utsrelease.h"]
    listed = {"drivers/net/netdev.o", "vmlinux", "include/generated/utsrelease.h", "gone.o"}
    assert ef.unverifiable(obj, listed) == {"include/generated/utsrelease.h"}


def test_the_tree_is_read_without_depgraph(sample_build: Build):
    tree = ef.Tree(sample_build.obj, ef.find_src(sample_build.obj, None), dict(os.environ), 2)
    assert tree.src == sample_build.src.resolve() and not tree.kernel
    tree.read()
    idx = tree.index
    assert "drivers/common/helper.h" in idx.header_users
    assert "drivers/net/netdev.o" in idx.header_users["drivers/common/helper.h"]
    assert idx.sources["drivers/net/netqueue.c"] == {"drivers/net/netqueue.o"}
    assert "drivers/net" in idx.builtin_dirs and "lib" not in idx.builtin_dirs
    assert idx.symbols["HZ"].type == "int" and not idx.symbols["HZ"].prompt
    assert idx.auto["HZ"] == "250"


# ---- a seeded run


def test_seeded_fuzz_run(own_build: Build, tmp_path, capsys):
    before = _checksums(own_build.src)
    keep = tmp_path / "keep"
    argv = [
        "--tree", str(own_build.obj), "--seed", str(SEED), "--edits", "6",
        "--depgraph", f"{sys.executable} -m depgraph", "--keep", str(keep),
    ]  # fmt: skip
    status = ef.main(argv)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if re.match(r"#\d+ ", line)]
    assert len(lines) == 6, out
    assert {line.split()[1] for line in lines} == SEED_KINDS, out
    assert "wrong" not in "\n".join(lines), out
    assert status == 0, out
    assert "all as found" in out
    assert not keep.exists() or not any(keep.iterdir()), out
    assert _checksums(own_build.src) == before
    # the object tree is left up to date
    settled = ef.snapshot(own_build.obj)
    own_build.make()
    compile_, link, _ = ef.redone(own_build.obj, settled)
    assert compile_ == link == []
