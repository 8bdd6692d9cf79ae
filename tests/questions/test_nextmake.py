"""Edits described before they are made (``why-rebuild --patch``, ``--since``), checked
against real make on sample_tree: a patch is made with ``diff -ruN`` (or git), depgraph
answers through the CLI, then the patch is applied with GNU ``patch`` (or git checks it
out), make runs, and what make redid must equal the answer: the compile list and the
link list each on its own."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Build, redone, snapshot

from depgraph.cli import main
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree

Edit = Callable[[Path], None]


def make_patch(build: Build, edit: Edit, tmp_path: Path) -> Path:
    """A ``diff -ruN`` patch (``-p1``) of ``edit`` applied to a copy of the sources."""
    old, new = tmp_path / "a", tmp_path / "b"
    shutil.copytree(build.src, old, symlinks=True)
    shutil.copytree(build.src, new, symlinks=True)
    edit(new)
    result = subprocess.run(
        ["diff", "-ruN", "a", "b"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr  # 1: the trees differ
    patch = tmp_path / "edit.patch"
    patch.write_text(result.stdout)
    return patch


def ask(capsys, build: Build, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["why-rebuild", "-C", str(build.obj), "--json", *args])
    out, err = capsys.readouterr()
    assert code in (0, 3), err
    assert "Traceback" not in err
    return code, json.loads(out)


def make_does(build: Build) -> tuple[set[str], set[str]]:
    """What make redoes now, split as depgraph splits it: compiled from a source, or
    linked and generated (the split read off the rebuilt tree's own .cmd files)."""
    before = snapshot(build.obj)
    build.make()
    made = redone(build.obj, before)
    tree = load_tree(locate(str(build.obj), {}, "/"))
    compiled = {name for name in made if name in tree.targets and tree.targets[name].compiled}
    return compiled, made - compiled


def predicted(answer: dict) -> tuple[set[str], set[str]]:
    return {x["target"] for x in answer["compile"]}, {x["target"] for x in answer["link"]}


def apply(build: Build, patch: Path) -> None:
    subprocess.run(["patch", "-s", "-p1", "-i", str(patch)], cwd=build.src, check=True)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def _flag_and_new_file(src: Path) -> None:
    _append(src / "drivers/net/Makefile", "CFLAGS_netqueue.o += -DX\nobj-y += newfile.o\n")
    (src / "drivers/net/newfile.c").write_text("#include <linux/kernel.h>\nint newfile_x;\n")


def _subdir_flags_delete_and_new_header(src: Path) -> None:
    (src / "drivers/misc/single.c").unlink()
    makefile = src / "drivers/misc/Makefile"
    makefile.write_text(
        "".join(x for x in makefile.read_text().splitlines(True) if "SINGLE_MOD" not in x)
    )
    _append(src / "drivers/Makefile", "subdir-ccflags-y += -DSUBDIR_X\n")
    _append(src / "drivers/net/Makefile", "CFLAGS_REMOVE_netdev.o += -fnot-there\n")
    (src / "include/linux/newh.h").write_text("#define NEWH 1\n")
    printk = src / "kernel/printk.c"
    printk.write_text("#include <linux/newh.h>\n" + printk.read_text())


def _derived_kconfig_default(src: Path) -> None:
    kconfig = src / "Kconfig"
    kconfig.write_text(
        kconfig.read_text().replace("default 250 if HZ_250", "default 251 if HZ_250")
    )


def _composite_member_moves(src: Path) -> None:
    """netqueue.o leaves the composite netcore: its KBUILD_MODNAME changes."""
    makefile = src / "drivers/net/Makefile"
    text = makefile.read_text().replace(
        "netcore-y\t\t:= netdev.o netqueue.o", "netcore-y\t\t:= netdev.o"
    )
    makefile.write_text(text + "obj-y += netqueue.o\n")


def _flag_respelt_and_comment(src: Path) -> None:
    """-I DIR becomes -IDIR (the same search, another command), below a new comment."""
    makefile = src / "drivers/net/Makefile"
    text = makefile.read_text().replace(
        "-I $(srctree)/drivers/common", "-I$(srctree)/drivers/common"
    )
    makefile.write_text("# a comment changes nothing\n" + text)
    _append(src / "kernel/Makefile", "\n# only a comment\n")


def _source_and_header(src: Path) -> None:
    _append(src / "drivers/common/helper.h", "/* edited */\n")
    _append(src / "lib/crc8.c", "/* edited */\n")


def _assembler_and_linker_script_flags(src: Path) -> None:
    _append(src / "arch/kernel/Makefile", "asflags-y += -DFUZZ_AS\ncppflags-y += -DFUZZ_LDS\n")


def _release_version(src: Path) -> None:
    """The top Makefile's version: utsrelease.h, so every module's vermagic."""
    makefile = src / "Makefile"
    makefile.write_text(makefile.read_text().replace("SUBLEVEL = 0", "SUBLEVEL = 1", 1))


@pytest.mark.parametrize(
    "edit",
    [
        _assembler_and_linker_script_flags,
        _release_version,
        _flag_and_new_file,
        _subdir_flags_delete_and_new_header,
        _derived_kconfig_default,
        _composite_member_moves,
        _flag_respelt_and_comment,
        _source_and_header,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_patch_predicts_what_make_then_does(own_build: Build, tmp_path: Path, capsys, edit):
    patch = make_patch(own_build, edit, tmp_path)
    before = snapshot(own_build.obj)
    code, answer = ask(capsys, own_build, "--no-cache", "--patch", str(patch))
    assert snapshot(own_build.obj) == before  # nothing written into the tree
    assert code == 0 and answer["unknown"] == [] and answer["exact"]
    apply(own_build, patch)
    compiled, linked = make_does(own_build)
    assert predicted(answer) == (compiled, linked)
    assert compiled | linked, "the edit must make make do something"
    edited = {Path(e["path"]).relative_to(own_build.src).as_posix() for e in answer["edits"]}
    assert set(answer["by_file"]) <= edited


def test_the_breakdown_names_the_file_that_brings_each_target(
    sample_build: Build, tmp_path: Path, capsys
):
    patch = make_patch(sample_build, _source_and_header, tmp_path)
    _, answer = ask(capsys, sample_build, "--patch", str(patch))
    assert set(answer["by_file"]) == {"drivers/common/helper.h", "lib/crc8.c"}
    assert "lib/crc8.o" in answer["by_file"]["lib/crc8.c"]
    assert "lib/crc8.o" not in answer["by_file"]["drivers/common/helper.h"]
    assert "drivers/net/netdev.o" in answer["by_file"]["drivers/common/helper.h"]


def test_a_rule_depgraph_does_not_evaluate_is_flagged_not_ignored(
    sample_build: Build, tmp_path: Path, capsys
):
    def edit(src: Path) -> None:
        _append(src / "drivers/net/Makefile", "$(obj)/gen.h: FORCE\n\techo hi > $@\n")

    patch = make_patch(sample_build, edit, tmp_path)
    code, answer = ask(capsys, sample_build, "--patch", str(patch))
    assert code == 3 and not answer["exact"]
    assert [u["where"] for u in answer["unknown"]] == ["drivers/net/Makefile:13",
                                                      "drivers/net/Makefile:14"]  # fmt: skip
    capsys.readouterr()
    assert main(["why-rebuild", "-C", str(sample_build.obj), "--patch", str(patch)]) == 3
    text = capsys.readouterr().out
    assert text.splitlines()[1].startswith("Some of it could not be evaluated")
    assert "Could not be evaluated:\n  drivers/net/Makefile:13: a rule or recipe changed" in text


def test_an_edit_of_a_file_not_built_says_why(sample_build: Build, tmp_path: Path, capsys):
    def edit(src: Path) -> None:
        _append(src / "drivers/misc/extra.c", "/* edited */\n")
        _append(src / "README.md", "edited\n")

    patch = make_patch(sample_build, edit, tmp_path)
    code, answer = ask(capsys, sample_build, "--patch", str(patch))
    assert code == 0 and answer["compile"] == answer["link"] == []
    why = {u["path"]: u["why"] for u in answer["unused"]}
    assert why["drivers/misc/extra.c"] == (
        "drivers/misc/extra.o is not built: listed at drivers/misc/Makefile:13 "
        "(obj-$(CONFIG_EXTRA_DRIVER) += …), CONFIG_EXTRA_DRIVER is not set"
    )
    assert why["README.md"] == "no target of this build lists it"


def test_a_patch_that_does_not_apply_is_one_error_line(sample_build: Build, tmp_path: Path,
                                                       capsys):  # fmt: skip
    patch = tmp_path / "bad.patch"
    patch.write_text(
        "--- a/init/main.c\n+++ b/init/main.c\n@@ -1,1 +1,1 @@\n-not in the file\n+x\n"
    )
    capsys.readouterr()
    code = main(["why-rebuild", "-C", str(sample_build.obj), "--patch", str(patch)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"depgraph: error: {patch}:3: hunk 1 of init/main.c does not apply\n"


def _git(src: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=src, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def git_build(own_build: Build) -> Build:
    """own_build with its sources committed in a git repository (built from that)."""
    _git(own_build.src, "init", "-q", "-b", "main")
    _git(own_build.src, "add", "-A")
    _git(own_build.src, "commit", "-q", "-m", "built")
    return own_build


def test_since_a_revision_is_what_the_work_tree_changed(git_build: Build, capsys):
    _flag_and_new_file(git_build.src)
    code, answer = ask(capsys, git_build, "--since", "HEAD")
    assert code == 0 and answer["unknown"] == []
    assert {e["kind"] for e in answer["edits"]} == {"changed", "added"}
    assert predicted(answer) == make_does(git_build)


def test_a_range_is_answered_before_it_is_checked_out(git_build: Build, capsys):
    _git(git_build.src, "checkout", "-q", "-b", "next")
    _derived_kconfig_default(git_build.src)
    _source_and_header(git_build.src)
    _git(git_build.src, "commit", "-q", "-am", "next")
    _git(git_build.src, "checkout", "-q", "main")
    code, answer = ask(capsys, git_build, "--no-cache", "--since", "main..next")
    assert code == 0 and answer["unknown"] == []
    _git(git_build.src, "checkout", "-q", "next")
    assert predicted(answer) == make_does(git_build)
