"""Edits pending in the tree (``depgraph status``): Makefile, Kconfig and ``.config``
edits and new and deleted files, made in a real sample_tree build after it was built;
status through the CLI, then make, compile and link lists compared apart. And the three
ways of asking about one state (status, why-rebuild, watch) agree."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Build, redone, snapshot, touch

from depgraph.cli import main
from depgraph.questions.events import Ready
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.workspace import Workspace
from depgraph.watch.session import watch

Edit = Callable[[Build], None]


def status(capsys, build: Build) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["status", "-C", str(build.obj), "--json", "--no-cache"])
    out, err = capsys.readouterr()
    assert code in (0, 3), err
    return code, json.loads(out)


def split(build: Build, names: set[str]) -> tuple[set[str], set[str]]:
    tree = load_tree(locate(str(build.obj), {}, "/"))
    compiled = {n for n in names if n in tree.targets and tree.targets[n].compiled}
    return compiled, names - compiled


def make_does(build: Build) -> set[str]:
    before = snapshot(build.obj)
    build.make()
    return redone(build.obj, before)


def _append(path: Path, text: str) -> None:
    touch(path)  # after the build, as an editor's save
    path.write_text(path.read_text() + text)


def flag_and_new_file(build: Build) -> None:
    _append(build.src / "drivers/net/Makefile", "CFLAGS_netqueue.o += -DX\nobj-y += newfile.o\n")
    (build.src / "drivers/net/newfile.c").write_text("int newfile_x;\n")


def flag_respelt_and_a_comment(build: Build) -> None:
    makefile = build.src / "drivers/net/Makefile"
    touch(makefile)
    text = makefile.read_text()
    makefile.write_text(text.replace("-I $(srctree)/drivers/common", "-I$(srctree)/drivers/common"))
    _append(build.src / "lib/Makefile", "# a comment changes nothing\n")


def subdir_flags(build: Build) -> None:
    _append(build.src / "kernel/Makefile", "subdir-ccflags-y += -DSUBDIR_X\n")


def module_deleted(build: Build) -> None:
    (build.src / "drivers/misc/single.c").unlink()
    makefile = build.src / "drivers/misc/Makefile"
    touch(makefile)
    makefile.write_text(
        "".join(x for x in makefile.read_text().splitlines(True) if "SINGLE_MOD" not in x)
    )


def derived_kconfig_default(build: Build) -> None:
    kconfig = build.src / "Kconfig"
    touch(kconfig)
    kconfig.write_text(
        kconfig.read_text().replace("default 250 if HZ_250", "default 251 if HZ_250")
    )


def optimize_for_size(build: Build) -> None:
    config = build.obj / ".config"
    touch(config)
    text = config.read_text().replace(
        "# CONFIG_CC_OPTIMIZE_FOR_SIZE is not set", "CONFIG_CC_OPTIMIZE_FOR_SIZE=y"
    )
    config.write_text(text)


def new_module(build: Build) -> None:
    config = build.obj / ".config"
    touch(config)
    text = config.read_text().replace("# CONFIG_EXTRA_DRIVER is not set", "CONFIG_EXTRA_DRIVER=m")
    config.write_text(text)


def localversion(build: Build) -> None:
    """A value that reaches code through a generated header, not a config stamp."""
    config = build.obj / ".config"
    touch(config)
    config.write_text(
        config.read_text().replace('CONFIG_LOCALVERSION="-dg"', 'CONFIG_LOCALVERSION="-x"')
    )


def assembler_and_linker_script_flags(build: Build) -> None:
    _append(
        build.src / "arch/kernel/Makefile",
        "AFLAGS_entry.o += -DFUZZ_AS\nCPPFLAGS_vmlinux.lds += -DFUZZ_LDS\n",
    )


EDITS = [
    flag_and_new_file,
    flag_respelt_and_a_comment,
    subdir_flags,
    module_deleted,
    derived_kconfig_default,
    optimize_for_size,
    new_module,
    localversion,
    assembler_and_linker_script_flags,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_status_of_a_pending_edit_is_what_make_then_does(own_build: Build, capsys, edit: Edit):
    edit(own_build)
    before = snapshot(own_build.obj)
    code, answer = status(capsys, own_build)
    assert snapshot(own_build.obj) == before  # nothing written into the tree
    assert code == 0 and answer["unknown"] == []
    stale = {item["target"] for item in answer["stale"]}
    made = make_does(own_build)
    assert made, "the edit must make make do something"
    # Compile and link apart, as the rebuilt tree's .cmd files tell them.
    assert split(own_build, stale) == split(own_build, made)
    code, after = status(capsys, own_build)
    assert (code, after["stale"], after["unknown"]) == (0, [], [])


def test_a_comment_in_a_makefile_is_nothing_to_redo(own_build: Build, capsys):
    _append(own_build.src / "drivers/net/Makefile", "# only a comment\n")
    code, answer = status(capsys, own_build)
    assert (code, answer["stale"], answer["unknown"]) == (0, [], [])
    capsys.readouterr()
    main(["status", "-C", str(own_build.obj)])
    assert "Nothing to redo" in capsys.readouterr().out


def _watch_ready(build: Build) -> set[str]:
    events: queue.Queue[object] = queue.Queue()
    stop = threading.Event()
    workspace = Workspace(locate(str(build.obj), {}, "/"))
    thread = threading.Thread(target=watch, args=(workspace, events.put, stop))
    thread.start()
    try:
        ready = events.get(timeout=30)
    finally:
        stop.set()
        thread.join(30)
    assert isinstance(ready, Ready)
    return ready.status.names


def _git(src: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=src,
                   check=True, capture_output=True)  # fmt: skip


@pytest.mark.parametrize("edit", [flag_and_new_file, optimize_for_size], ids=lambda f: f.__name__)
def test_status_why_rebuild_and_watch_agree(own_build: Build, capsys, edit: Edit):
    _git(own_build.src, "init", "-q")
    _git(own_build.src, "add", "-A")
    _git(own_build.src, "commit", "-q", "-m", "built")
    edit(own_build)
    _, answer = status(capsys, own_build)
    from_status = {item["target"] for item in answer["stale"]}
    capsys.readouterr()
    if edit is optimize_for_size:
        asked = ["--config", str(own_build.obj / ".config")]
    else:
        asked = ["--since", "HEAD"]
    code = main(["why-rebuild", "-C", str(own_build.obj), "--json", *asked])
    described = json.loads(capsys.readouterr().out)
    assert code == 0
    from_why = {x["target"] for x in (*described["compile"], *described["link"])}
    assert from_status == from_why == _watch_ready(own_build)
    assert from_status


def test_a_file_listed_again_after_it_was_taken_out_is_made_again(own_build: Build, capsys):
    """Its object and .cmd file stay behind as leftovers when it is taken out; listed
    again with a newer source, make compiles it again (the leftover is not reused)."""
    makefile = own_build.src / "drivers/net/Makefile"
    original = makefile.read_text()
    flag_and_new_file(own_build)
    own_build.make()
    touch(makefile)
    makefile.write_text(original)
    (own_build.src / "drivers/net/newfile.c").unlink()
    own_build.make()
    flag_and_new_file(own_build)  # back, with a newer source
    _, answer = status(capsys, own_build)
    stale = {item["target"] for item in answer["stale"]}
    assert "drivers/net/newfile.o" in stale
    assert split(own_build, stale) == split(own_build, make_does(own_build))


UNEVALUATED = [
    ("arch/boot/Makefile", "CFLAGS_misc.o += -DFUZZ_BOOT\n"),  # built by an explicit rule
    ("scripts/Makefile.lib", "KBUILD_CFLAGS += -DFUZZ_KBUILD\n"),  # kbuild's own
]


@pytest.mark.parametrize(("makefile", "line"), UNEVALUATED, ids=lambda x: x.split("/")[-1])
def test_an_edit_of_a_makefile_whose_flags_are_not_evaluated_is_reported(
    own_build: Build, capsys, makefile: str, line: str
):
    """Without its old text, what the edit does to command lines cannot be told: status
    says so (exit 3) and lists only what make then redoes."""
    _append(own_build.src / makefile, line)
    code, answer = status(capsys, own_build)
    assert code == 3
    assert [u["where"] for u in answer["unknown"]] == [makefile]
    stale = {item["target"] for item in answer["stale"]}
    made = make_does(own_build)
    assert made and stale <= made
    code, after = status(capsys, own_build)
    assert (code, after["stale"], after["unknown"]) == (0, [], [])


def test_a_makefile_edited_before_the_last_make_is_not_reported(own_build: Build, capsys):
    """make rewrites .missing-syscalls.d on every run (as a kernel's top Kbuild does):
    an edit older than it was read by that make, which redid what it changed."""
    _append(own_build.src / "scripts/Makefile.lib", "# read by the next make\n")
    code, answer = status(capsys, own_build)
    assert code == 3 and answer["stale"] == []
    assert make_does(own_build) == set()
    code, answer = status(capsys, own_build)
    assert (code, answer["stale"], answer["unknown"]) == (0, [], [])


def test_a_makefile_that_adds_its_own_directory_to_the_include_path_is_read_right(
    own_build: Build, capsys
):
    """``ccflags-y += -I$(src)`` puts the directory's own ``-I`` before kbuild's
    ``-I$(src) -I$(obj)`` pair (drivers/block, kernel/trace in Linux): once built, a
    Makefile saved again without a change is nothing to redo, as make finds it."""
    _append(own_build.src / "drivers/net/Makefile", "ccflags-y += -I$(src)\n")
    made = make_does(own_build)
    assert "drivers/net/netqueue.o" in made
    touch(own_build.src / "drivers/net/Makefile")
    code, answer = status(capsys, own_build)
    assert (code, answer["stale"], answer["unknown"]) == (0, [], [])
    assert make_does(own_build) == set()


def test_flags_a_makefile_sets_by_eval_are_an_unknown_not_a_change(own_build: Build, capsys):
    """lib/Makefile sets libfdt's flags with ``$(foreach …, $(eval CFLAGS_$(file) = …))``,
    which depgraph does not run: the word it adds is in the saved command and in no flag
    depgraph reads. Edited after make, the Makefile's objects cannot be told unchanged:
    status says so (exit 3) rather than that their commands change; make redoes nothing."""
    makefile = own_build.src / "drivers/net/Makefile"
    _append(makefile, "$(foreach f,netdev.o,$(eval CFLAGS_$(f) += -DEVAL_X))\n")
    assert "drivers/net/netdev.o" in make_does(own_build)
    _append(makefile, "# a comment\n")
    code, answer = status(capsys, own_build)
    assert code == 3
    assert {u["where"] for u in answer["unknown"]} == {"drivers/net/Makefile"}
    assert "drivers/net/netdev.o" not in {item["target"] for item in answer["stale"]}
    assert make_does(own_build) == set()


def test_a_makefile_saved_again_before_the_last_make_is_no_news(own_build: Build, capsys):
    """A Makefile saved again as it was (a patch applied and reverted, a branch checked
    out and back), then make: it is newer than its objects, but the make that read it
    compared their commands. Its $(eval …) flags, which status could not tell apart from
    a change, are then no question."""
    makefile = own_build.src / "drivers/net/Makefile"
    _append(makefile, "$(foreach f,netdev.o,$(eval CFLAGS_$(f) += -DEVAL_X))\n")
    own_build.make()
    touch(makefile)
    makefile.write_text(makefile.read_text())
    assert make_does(own_build) == set()
    code, answer = status(capsys, own_build)
    assert (code, answer["stale"], answer["unknown"]) == (0, [], [])
