"""depgraph.questions.cmddiff and its renderers: flags, multiset changes, grouping,
snapshots; and the commands of a real sample_tree build checked against its .cmd files
read with plain Python."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Build

from depgraph.model import DepgraphError
from depgraph.questions.cmddiff import (
    Change,
    CommandDiff,
    Commands,
    DiffError,
    Normaliser,
    SnapshotError,
    commands_of,
    diff_commands,
    flag_changes,
    parse_snapshot,
    read_side,
    read_snapshot,
    snapshot_text,
)
from depgraph.render.cmddiff import diff_to_dict, render_diff_json, render_diff_text
from depgraph.tree.fs import REAL
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


def side(commands: dict[str, str], objtree: str = "/b/obj", srctree: str = "/b/src") -> Commands:
    return Commands(objtree, False, objtree, srctree, commands)


# --- flags ------------------------------------------------------------------------------


def test_roots_become_placeholders_where_a_path_component_ends():
    norm = Normaliser("/w/obj", "/w/src")
    flags = norm.flags(
        "gcc -I/w/src/include -I/w/src2/include -fmacro-prefix-map=/w/src/= "
        "-DX='\"/w/src\"' -I/w/obj/gen -c -o a.o /w/src/a.c"
    )
    assert flags == (
        "gcc",
        "-I$(srctree)/include",
        "-I/w/src2/include",  # another directory that merely starts alike
        "-fmacro-prefix-map=$(srctree)/=",
        '-DX="$(srctree)"',
        "-I$(objtree)/gen",
        "-c",
        "-o a.o",
        "$(srctree)/a.c",
    )


def test_the_longer_root_wins_when_the_objtree_lies_in_the_srctree():
    norm = Normaliser("/w/src/build-x", "/w/src")
    assert norm.flags("gcc -I/w/src/build-x/include -I/w/src/include") == (
        "gcc",
        "-I$(objtree)/include",
        "-I$(srctree)/include",
    )


def test_an_in_tree_build_has_one_root():
    assert Normaliser("/w/linux", "/w/linux").flags("cc -I/w/linux/include") == (
        "cc",
        "-I$(srctree)/include",
    )


def test_a_relative_srctree_reads_as_the_srctree_only_where_a_path_starts():
    """kbuild spells the srctree '..' when O= is a direct child of it."""
    norm = Normaliser("/w/linux/build", "/w/linux")
    assert norm.flags(
        "gcc -I../include -include ../include/linux/kconfig.h -fmacro-prefix-map=../= "
        "-isystem../sys -I drivers/tty/../serial -c ../init/main.c"
    ) == (
        "gcc",
        "-I$(srctree)/include",
        "-include $(srctree)/include/linux/kconfig.h",
        "-fmacro-prefix-map=$(srctree)/=",
        "-isystem$(srctree)/sys",
        "-I drivers/tty/../serial",
        "-c",
        "$(srctree)/init/main.c",
    )
    # Elsewhere '..' is just the parent of the objtree-relative path it is in.
    assert Normaliser("/w/out", "/w/linux").flags("gcc -I../include") == ("gcc", "-I../include")


def test_options_with_a_separate_argument_are_one_flag():
    norm = Normaliser("/o", "/s")
    assert norm.flags("gcc -I /s/common -Ifoo -D X=1 -DY -include a.h -x c -U Z -I") == (
        "gcc",
        "-I $(srctree)/common",
        "-Ifoo",
        "-D X=1",
        "-DY",
        "-include a.h",
        "-x c",
        "-U Z",
        "-I",  # nothing follows: alone
    )


def test_flag_changes_are_multisets_in_order_of_appearance():
    old = ("gcc", "-Wall", "-O2", "-DA", "-DA", "-c")
    new = ("gcc", "-DB", "-Os", "-DA", "-c", "-DB", "-Wall")
    assert flag_changes(old, new) == (("-DB", "-Os", "-DB"), ("-O2", "-DA"))
    assert flag_changes(("a", "b"), ("b", "a")) == ((), ())
    assert flag_changes((), ()) == ((), ())


# --- diff and groups ------------------------------------------------------------------------


def test_targets_that_changed_alike_are_one_group_largest_first():
    old = side(
        {
            "a.o": "gcc -O2 -I/b/src/include -c -o a.o /b/src/a.c",
            "b.o": "gcc -O2 -I/b/src/include -c -o b.o /b/src/b.c",
            "c.o": "gcc -O2 -DX -I/b/src/include -c -o c.o /b/src/c.c",
            "d.o": "gcc -O2 -Wall -c -o d.o d.c",
            "e.o": "gcc -O2 -c -o e.o e.c",
            "gone.o": "gcc -c gone.c",
        }
    )
    new = side(
        {
            "a.o": "gcc -Os -I/n/src/include -c -o a.o /n/src/a.c",
            "b.o": "gcc -Os -I/n/src/include -c -o b.o /n/src/b.c",
            "c.o": "gcc -Os -I/n/src/include -c -o c.o /n/src/c.c",
            "d.o": "gcc -Wall -O2 -c -o d.o d.c",
            "e.o": "gcc -O2 -c -o e.o e.c",
            "new.o": "gcc -c new.c",
        },
        objtree="/n/obj",
        srctree="/n/src",
    )
    diff = diff_commands(old, new)
    assert diff.groups == (
        Change(("-Os",), ("-O2",), ("a.o", "b.o")),
        Change((), (), ("d.o",)),  # equal sizes: by their flags, () first
        Change(("-Os",), ("-O2", "-DX"), ("c.o",)),
    )
    assert (diff.only_old, diff.only_new, diff.same, diff.changed) == (
        ("gone.o",),
        ("new.o",),
        1,
        4,
    )


def test_equal_groups_sort_by_their_flags_and_names_are_sorted():
    old = side({"z.o": "cc -A", "y.o": "cc -B", "x.o": "cc -A"})
    new = side({"z.o": "cc", "y.o": "cc", "x.o": "cc -A -A"})
    diff = diff_commands(old, new)
    assert [(g.added, g.removed, g.targets) for g in diff.groups] == [
        ((), ("-A",), ("z.o",)),
        ((), ("-B",), ("y.o",)),
        (("-A",), (), ("x.o",)),
    ]


def test_a_tree_is_the_same_as_itself_moved_elsewhere():
    old = side({"a.o": "gcc -I/b/src/inc -I/b/obj/gen -c /b/src/a.c"})
    new = side({"a.o": "gcc -I/x/s/inc -I/x/o/gen -c /x/s/a.c"}, objtree="/x/o", srctree="/x/s")
    diff = diff_commands(old, new)
    assert (diff.groups, diff.same) == ((), 1)


# --- snapshots --------------------------------------------------------------------------


def test_snapshot_round_trip_is_exact_and_its_text_deterministic():
    commands = side({"b.o": "gcc -DX='\"a b\"' $x \\# c", "a.o": "cc -c a.c", "ü.o": "cc é"})
    text = snapshot_text(commands)
    assert text == snapshot_text(side(dict(reversed(list(commands.commands.items())))))
    back = parse_snapshot(text, "/snap.json")
    assert (back.origin, back.snapshot, back.objtree, back.srctree) == (
        "/snap.json",
        True,
        "/b/obj",
        "/b/src",
    )
    assert dict(back.commands) == dict(commands.commands)
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("depgraph-commands", 1)
    assert list(document["commands"]) == ["a.o", "b.o", "ü.o"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CONFIG_A=y\n", "/s.json: not a depgraph snapshot, nor an object tree directory"),
        ("", "/s.json: not a depgraph snapshot, nor an object tree directory"),
        ('{"format": "depgraph-commands",\n "version": 1,\n "commands": {"a.o": "c',
         "/s.json:3: damaged snapshot: Unterminated string starting at"),
        ('{"a.o": "cc"}', '/s.json: not a depgraph snapshot (no "format": "depgraph-commands")'),
        ('{"format": "depgraph-commands", "version": 9}',
         "/s.json: snapshot format version 9: this depgraph reads version 1; save it again"),
        ('{"format": "depgraph-commands", "version": 1, "objtree": 1, "srctree": "/s"}',
         "/s.json: damaged snapshot: 'objtree' is not a path"),
        ('{"format": "depgraph-commands", "version": 1, "objtree": "/o", "srctree": "/s",'
         ' "commands": []}', "/s.json: damaged snapshot: 'commands' is not an object"),
        ('{"format": "depgraph-commands", "version": 1, "objtree": "/o", "srctree": "/s",'
         ' "commands": {"a.o": 3}}', "/s.json: damaged snapshot: the command of 'a.o' is not text"),
    ],
)  # fmt: skip
def test_what_is_not_a_snapshot_is_a_one_line_error(text: str, message: str):
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(text, "/s.json")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, DepgraphError)


def test_a_binary_file_is_not_a_snapshot(tmp_path: Path):
    path = tmp_path / "vmlinux"
    path.write_bytes(b"\x7fELF\x02\x01\xff\xfe")
    with pytest.raises(SnapshotError, match="not a depgraph snapshot"):
        read_snapshot(REAL, str(path))


def test_read_side_tells_snapshots_trees_and_nothing_apart(tmp_path: Path):
    (tmp_path / "s.json").write_text(snapshot_text(side({"a.o": "cc"})))
    assert read_side(REAL, "s.json", str(tmp_path), lambda d: pytest.fail(d)).snapshot

    def load(directory: str):
        raise DiffError(f"loaded {directory}")

    (tmp_path / "tree").mkdir()
    with pytest.raises(DiffError, match=f"loaded {tmp_path}/tree$"):
        read_side(REAL, "tree", str(tmp_path), load)
    with pytest.raises(DiffError, match="^nothing: no such file or directory"):
        read_side(REAL, "nothing", str(tmp_path), load)


# --- a real build -------------------------------------------------------------------------


def _unescape(command: str) -> str:
    """A savedcmd_ value as make reads it: $$ is $, \\# and $(pound) are #."""
    return command.replace("$$", "$").replace("\\#", "#").replace("$(pound)", "#")


def saved_commands(obj: Path) -> dict[str, str]:
    """target -> command, from the first line of every .cmd file of the tree."""
    found: dict[str, str] = {}
    for cmd in obj.rglob(".*.cmd"):
        if "source" in cmd.relative_to(obj).parts:
            continue
        head, _, command = cmd.read_text().splitlines()[0].partition(" := ")
        found[head.split("_", 1)[1]] = _unescape(command)
    return found


def test_commands_of_a_real_tree_are_its_saved_commands(sample_build: Build):
    tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    commands = commands_of(tree)
    assert dict(commands.commands) == saved_commands(sample_build.obj)
    assert commands.srctree == os.path.realpath(sample_build.src)
    flags = Normaliser(commands.objtree, commands.srctree).flags(
        commands.commands["drivers/net/netdev.o"]
    )
    # ccflags-y += -I $(srctree)/drivers/common: one flag, in kbuild's own spelling
    assert "-I $(srctree)/drivers/common" in flags
    assert "-include $(srctree)/include/linux/kconfig.h" in flags
    assert "-fmacro-prefix-map=$(srctree)/=" in flags
    assert not any(commands.srctree in flag for flag in flags)

    snapshot = parse_snapshot(snapshot_text(commands), "/s.json")
    diff = diff_commands(snapshot, commands)
    assert (diff.groups, diff.only_old, diff.only_new) == ((), (), ())
    assert diff.same == len(commands.commands)


# --- renderers --------------------------------------------------------------------------


def _sample_diff() -> CommandDiff:
    old = Commands("/w/before.json", True, "/w/obj", "/w/src", {})
    new = Commands("/w/obj", False, "/w/obj", "/w/src", {})
    names = tuple(f"dir/f{i}.o" for i in range(7))
    return CommandDiff(
        old=old,
        new=new,
        groups=(
            Change(("-Os",), ("-O2",), names),
            Change(("-include $(srctree)/x.h",), (), ("a.o",)),
            Change((), (), ("b.o",)),
        ),
        only_old=("gone.o",),
        only_new=(),
        same=3,
    )


def test_text_shows_each_group_with_its_first_targets():
    assert render_diff_text(_sample_diff()) == (
        "old: /w/before.json (snapshot of /w/obj, srctree /w/src)\n"
        "new: /w/obj (srctree /w/src)\n"
        "12 targets in both: 9 with other flags, in 3 groups; 3 the same.\n"
        "\n"
        "7 targets:\n"
        "  - -O2\n"
        "  + -Os\n"
        "    dir/f0.o\n"
        "    dir/f1.o\n"
        "    dir/f2.o\n"
        "    dir/f3.o\n"
        "    dir/f4.o\n"
        "    … and 2 more (--all lists them)\n"
        "\n"
        "1 target:\n"
        "  + -include $(srctree)/x.h\n"
        "    a.o\n"
        "\n"
        "1 target: the same flags in another order\n"
        "    b.o\n"
        "\n"
        "Only in old: 1 target\n"
        "    gone.o\n"
    )
    every = render_diff_text(_sample_diff(), all_names=True)
    assert "    dir/f6.o\n" in every and "more" not in every


def test_text_when_nothing_differs():
    diff = CommandDiff(side({}), side({}), (), (), (), 4)
    assert render_diff_text(diff).splitlines()[-1] == "4 targets in both: the same flags."


def test_json_has_every_target_and_a_fixed_shape():
    document = json.loads(render_diff_json(_sample_diff()))
    assert document == diff_to_dict(_sample_diff())
    assert list(document) == ["old", "new", "groups", "only_old", "only_new", "same"]
    assert document["old"] == {
        "path": "/w/before.json",
        "kind": "snapshot",
        "objtree": "/w/obj",
        "srctree": "/w/src",
    }
    assert document["groups"][0] == {
        "added": ["-Os"],
        "removed": ["-O2"],
        "targets": [f"dir/f{i}.o" for i in range(7)],
    }
    assert document["groups"][2] == {"added": [], "removed": [], "targets": ["b.o"]}
    assert (document["only_old"], document["only_new"], document["same"]) == (["gone.o"], [], 3)
