"""Configuration changes against real make on sample_tree: each request is resolved by the
tree's own Kconfig program, followed through the Makefiles, and compared with what
``make`` (whose syncconfig resolves the edited ``.config`` the same way) then redoes,
new objects included."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from conftest import Build, redone, snapshot

from depgraph.parse.config import apply_assignments
from depgraph.questions.configchange import ConfigAnswer, config_change, parse_assignment
from depgraph.tree.kconfig import choice_assignments, read_kconfig
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader


def ask(build: Build, assignments: dict[str, str] | None = None, config_text: str | None = None):  # noqa: ANN201
    layout = locate(str(build.obj), {}, "/")
    tree = load_tree(layout)
    answer = config_change(
        tree, layout.srctree, SourceReader(layout), assignments=assignments, config_text=config_text
    )
    return answer, predicted(answer)


def predicted(answer: ConfigAnswer) -> set[str]:
    return {item.target for item in (*answer.answer.compile, *answer.answer.link)}


def edit_as_menuconfig(build: Build, assignments: dict[str, str]) -> None:
    """Edit .config as a user would in menuconfig: =y on a choice member turns the
    others off."""
    kconfig = read_kconfig(str(build.src), "Kconfig", {})
    edits: dict[str, str] = {}
    for symbol, value in assignments.items():
        edits.update(choice_assignments(kconfig, symbol, value))
    config = build.obj / ".config"
    time.sleep(0.02)
    config.write_text(apply_assignments(config.read_text(), edits))


def make_redoes(build: Build) -> set[str]:
    before = snapshot(build.obj)
    build.make()
    return redone(build.obj, before)


@pytest.mark.parametrize(
    ("assignments", "changed"),
    [
        pytest.param(  # a choice member: the others go to n, the derived int follows
            {"CONFIG_HZ_1000": "y"},
            {
                "CONFIG_HZ": ("250", "1000"),
                "CONFIG_HZ_1000": ("n", "y"),
                "CONFIG_HZ_250": ("y", "n"),
            },
            id="choice",
        ),
        pytest.param(  # a select, a composite member added, a ccflags define
            {"CONFIG_NET_STATS": "y"},
            {"CONFIG_CRC8_TABLE": ("n", "y"), "CONFIG_NET_STATS": ("n", "y")},
            id="select-and-objects",
        ),
        pytest.param(  # used in the top Makefile's flags only
            {"CONFIG_CC_OPTIMIZE_FOR_SIZE": "y"},
            {"CONFIG_CC_OPTIMIZE_FOR_SIZE": ("n", "y")},
            id="makefile-only",
        ),
        pytest.param(  # adds a module
            {"CONFIG_EXTRA_DRIVER": "m"},
            {"CONFIG_EXTRA_DRIVER": ("n", "m")},
            id="new-module",
        ),
        pytest.param(  # a module built in instead, and the other module added built in
            {"CONFIG_MYMOD": "y", "CONFIG_EXTRA_DRIVER": "y"},
            {"CONFIG_EXTRA_DRIVER": ("n", "y"), "CONFIG_MYMOD": ("m", "y")},
            id="module-to-builtin",
        ),
    ],
)
def test_prediction_equals_what_make_redoes(own_build: Build, assignments, changed):
    answer, expected = ask(own_build, assignments)
    assert answer.changed == changed
    assert answer.refused == ()
    assert "scripts/kconfig/conf" in answer.program
    edit_as_menuconfig(own_build, assignments)
    assert expected == make_redoes(own_build)


def test_new_objects_and_command_lines_have_their_makefile_lines(sample_build: Build):
    answer, _ = ask(sample_build, {"CONFIG_NET_STATS": "y"})
    reasons = {
        item.target: {r.kind: r for r in item.reasons}
        for item in (*answer.answer.compile, *answer.answer.link)
    }
    assert reasons["drivers/net/netstats.o"]["added"].cause == "drivers/net/Makefile:7"
    command = reasons["drivers/net/netdev.o"]["command"]
    assert command.cause == "CONFIG_NET_STATS"
    assert command.mentions[0].file == "drivers/net/Makefile" and command.mentions[0].line == 12


def test_unmet_dependency_changes_nothing_and_says_why(own_build: Build):
    answer, expected = ask(own_build, {"CONFIG_NET_DEBUG_VERBOSE": "y"})
    assert answer.changed == {} and expected == set()
    (refused,) = answer.refused
    assert (refused.symbol, refused.wanted, refused.got) == ("CONFIG_NET_DEBUG_VERBOSE", "y", "n")
    assert any("drivers/Kconfig:" in why and "NET_DEBUG=n" in why for why in refused.why)
    edit_as_menuconfig(own_build, {"CONFIG_NET_DEBUG_VERBOSE": "y"})
    assert make_redoes(own_build) == set()


def test_a_derived_value_cannot_be_set(sample_build: Build):
    answer, expected = ask(sample_build, {"CONFIG_HZ": "1000"})
    assert answer.changed == {} and expected == set()
    assert "no prompt" in answer.refused[0].why[0]


def test_a_whole_replacement_config(own_build: Build):
    config = (own_build.obj / ".config").read_text()
    new = apply_assignments(
        config,
        {
            "CONFIG_HZ_250": "n",
            "CONFIG_HZ_100": "y",
            "CONFIG_SINGLE_MOD": "n",
            "CONFIG_NR_QUEUES": "8",
        },
    )
    answer, expected = ask(own_build, config_text=new)
    assert set(answer.changed) == {
        "CONFIG_HZ", "CONFIG_HZ_100", "CONFIG_HZ_250", "CONFIG_SINGLE_MOD", "CONFIG_NR_QUEUES"
    }  # fmt: skip
    (own_build.obj / ".config").write_text(new)
    assert expected == make_redoes(own_build)


def test_the_analysed_tree_is_not_written(own_build: Build):
    before = snapshot(own_build.obj)
    ask(own_build, {"CONFIG_HZ_1000": "y", "CONFIG_EXTRA_DRIVER": "m"})
    assert snapshot(own_build.obj) == before


def test_bad_assignments():
    assert parse_assignment('CONFIG_LOCALVERSION="-x"') == ("CONFIG_LOCALVERSION", '"-x"')
    for bad in ("CONFIG_=y", "FOO=y", "CONFIG_FOO=", "CONFIG_FOO"):
        with pytest.raises(Exception, match="CONFIG_FOO=VALUE|no value"):
            parse_assignment(bad)


def test_cli_why_rebuild_with_assignments(sample_build: Build):
    run = subprocess.run(
        [sys.executable, "-m", "depgraph", "why-rebuild", "-C", str(sample_build.obj), "--json",
         "CONFIG_HZ_1000=y", "CONFIG_NET_DEBUG_VERBOSE=y"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["config"]["changed"]["CONFIG_HZ"] == {"old": "250", "new": "1000"}
    assert data["config"]["refused"][0]["symbol"] == "CONFIG_NET_DEBUG_VERBOSE"
    assert {item["target"] for item in data["compile"]} >= {"kernel/sched/core.o"}
    bad = subprocess.run(
        [sys.executable, "-m", "depgraph", "why-rebuild", "-C", str(sample_build.obj), "CONFIG_X="],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("depgraph: error:")
    assert "Traceback" not in bad.stderr
