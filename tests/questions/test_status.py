"""``depgraph status`` against real make on sample_tree: after changes of every kind, what
status says is stale must be exactly what the next make redoes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import Build, redone, snapshot, touch

from depgraph.parse.config import apply_assignments
from depgraph.questions.status import Status, stale_now
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import FileTimes, SourceReader


def status_of(build: Build) -> Status:
    layout = locate(str(build.obj), {}, "/")
    tree = load_tree(layout)
    return stale_now(tree, FileTimes(layout), SourceReader(layout))


def make_redoes(build: Build) -> set[str]:
    before = snapshot(build.obj)
    build.make()
    return redone(build.obj, before)


def edit_config(build: Build, symbol: str, value: str) -> None:
    config = build.obj / ".config"
    lines = [
        f"{symbol}={value}" if line.startswith(f"{symbol}=") else line
        for line in config.read_text().splitlines()
    ]
    time.sleep(0.02)
    config.write_text("\n".join(lines) + "\n")


def test_a_fresh_build_has_nothing_stale(sample_build: Build):
    assert status_of(sample_build).stale == ()


def test_several_changes_at_once_are_exactly_what_make_redoes(own_build: Build):
    touch(own_build.src / "include/linux/printk.h")
    touch(own_build.src / "drivers/net/netdev.c")
    touch(own_build.src / "drivers/misc/mymod_util.c")
    status = status_of(own_build)
    assert status.names == make_redoes(own_build)
    assert "drivers/net/netdev.o" in status.names and "vmlinux" in status.names
    netdev = next(item for item in status.stale if item.target == "drivers/net/netdev.o")
    kinds = {reason.kind: reason for reason in netdev.reasons}
    assert set(kinds) == {"source", "file"}  # all the reasons, not only the first
    assert [step.file for step in kinds["file"].chain] == [
        "drivers/net/netdev.c",
        "include/linux/kernel.h",
    ]
    assert all(netdev.kbuild)
    assert status_of(own_build).stale == ()


def test_only_targets_older_than_a_changed_file_are_stale(own_build: Build):
    """The mtime decides: a header given a time between its users' build times makes only
    the older users stale (why-rebuild, which assumes a fresh touch, cannot say that)."""
    layout = locate(str(own_build.obj), {}, "/")
    users = sorted(
        (os.stat(own_build.obj / name).st_mtime_ns, name)
        for name in load_tree(layout).users["include/linux/printk.h"]
        if name.endswith(".o")
    )
    assert len({when for when, _ in users}) > 2
    middle = (users[0][0] + users[-1][0]) // 2
    older = {name for when, name in users if when < middle}
    header = own_build.src / "include/linux/printk.h"
    os.utime(header, ns=(middle, middle))
    status = status_of(own_build)
    stale_users = {name for _, name in users if name in status.names}
    assert stale_users == older and 0 < len(older) < len(users)
    assert status.names == make_redoes(own_build)


def test_a_config_edit_stales_the_symbols_users_before_syncconfig_runs(own_build: Build):
    # The timer frequency is a choice, and CONFIG_HZ is derived from it: pick HZ_1000 and
    # write the HZ Kconfig gives it, as menuconfig would (syncconfig then keeps .config's values)
    edits = {
        "CONFIG_HZ_250=y": "# CONFIG_HZ_250 is not set",
        "# CONFIG_HZ_1000 is not set": "CONFIG_HZ_1000=y",
        "CONFIG_HZ=250": "CONFIG_HZ=1000",
    }
    config = own_build.obj / ".config"
    time.sleep(0.02)
    lines = config.read_text().splitlines()
    config.write_text("".join(edits.get(line, line) + "\n" for line in lines))
    status = status_of(own_build)
    assert status.config == {
        "CONFIG_HZ_250": ("y", "n"),
        "CONFIG_HZ_1000": ("n", "y"),
        "CONFIG_HZ": ("250", "1000"),
    }
    hz = [item for item in status.stale if any(r.cause == "CONFIG_HZ" for r in item.reasons)]
    assert hz and all(r.mentions for item in hz for r in item.reasons if r.kind == "config")
    assert status.names == make_redoes(own_build)
    assert status_of(own_build).stale == ()


def test_a_missing_target_and_a_missing_dependency(own_build: Build):
    (own_build.obj / "drivers/net/netdev.o").unlink()
    status = status_of(own_build)
    netdev = next(item for item in status.stale if item.target == "drivers/net/netdev.o")
    assert [r.kind for r in netdev.reasons] == ["missing"] and netdev.kbuild == (True,)
    assert status.names == make_redoes(own_build)


def test_a_removed_dependency_changes_nothing(own_build: Build):
    """A file of a deps_ list that is gone: the .cmd file's empty rule has make run the
    recipe, but the file is not in $?, so if_changed does nothing. Nothing is stale."""
    unused = own_build.src / "include/linux/stale_only.h"
    unused.write_text("/* included by nothing */\n")
    head = own_build.obj / "arch/kernel/.head.o.cmd"
    text = head.read_text()
    head.write_text(text.replace("deps_arch/kernel/head.o := \\\n",
                                 f"deps_arch/kernel/head.o := \\\n  {unused} \\\n"))  # fmt: skip
    unused.unlink()
    assert status_of(own_build).stale == ()
    assert make_redoes(own_build) == set()


def test_cli_status_json(own_build: Build):
    touch(own_build.src / "include/linux/printk.h")
    result = subprocess.run(
        [sys.executable, "-m", "depgraph", "status", "-C", str(own_build.obj), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    stale = {item["target"]: item for item in data["stale"]}
    assert set(stale) == make_redoes(own_build)
    reason = stale["drivers/net/netdev.o"]["reasons"][0]
    assert reason["kind"] == "file" and reason["kbuild"] is True and reason["chain"]
    assert data["summary"]["stale"] == len(stale) and data["config"] == {}
    text = subprocess.run(
        [sys.executable, "-m", "depgraph", "status", "-C", str(own_build.obj)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert text.startswith("Nothing to redo")


@pytest.mark.parametrize(
    ("edits", "changed"),
    [
        pytest.param(  # only the choice members: Kconfig derives CONFIG_HZ from them
            {"CONFIG_HZ_250": "n", "CONFIG_HZ_1000": "y"},
            {
                "CONFIG_HZ": ("250", "1000"),
                "CONFIG_HZ_1000": ("n", "y"),
                "CONFIG_HZ_250": ("y", "n"),
            },
            id="choice-expanded",
        ),
        pytest.param({"CONFIG_HZ": "1000"}, {}, id="derived-value-reverted"),
        pytest.param({"CONFIG_NET_DEBUG_VERBOSE": "y"}, {}, id="unmet-dependency-reverted"),
    ],
)
def test_the_cli_expands_a_pending_edit_with_the_trees_kconfig(own_build: Build, edits, changed):
    """`depgraph status` resolves .config with the tree's own Kconfig program, as the
    next make's syncconfig will: what it says is stale is what make then redoes."""
    config = own_build.obj / ".config"
    time.sleep(0.02)
    config.write_text(apply_assignments(config.read_text(), edits))
    result = subprocess.run(
        [sys.executable, "-m", "depgraph", "status", "-C", str(own_build.obj), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {s: (v["old"], v["new"]) for s, v in data["config"].items()} == changed
    assert {item["target"] for item in data["stale"]} == make_redoes(own_build)
