"""Golden text: the exact words a person reads from ``depgraph why-rebuild`` and ``depgraph
status`` on sample_tree, pinned under tests/fixtures/golden/*.txt so they cannot drift unseen.

Each test runs the CLI as users do (``depgraph.cli.main``), checks the exit code and that
nothing was written to stderr, and compares stdout with its golden file.
``DEPGRAPH_UPDATE_GOLDEN=1`` rewrites the files; read the diff before committing it.

The builds live in temporary directories. None of the pinned outputs names them today, but
``answer`` replaces the object tree's path with ``$OBJ`` and the source tree's with ``$SRC``
before comparing, so a line that starts naming one shows up as a stable golden difference
rather than as a path that changes on every run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Build

from depgraph.cli import main
from depgraph.tree.fs import REAL, FakeFileSystem, FileSystem

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare with tests/fixtures/golden/NAME; DEPGRAPH_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("DEPGRAPH_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def normalise(text: str, build: Build) -> str:
    """The temporary trees' paths as ``$OBJ`` and ``$SRC`` (resolved spellings too)."""
    for path, placeholder in ((build.obj, "$OBJ"), (build.src, "$SRC")):
        for spelling in {str(path.resolve()), str(path)}:
            text = text.replace(spelling, placeholder)
    return text


def answer(
    capsys: pytest.CaptureFixture[str], build: Build, *args: str, fs: FileSystem = REAL
) -> str:
    """stdout of ``depgraph COMMAND -C OBJ ARGS...`` (reading the trees from ``fs``), which
    must exit 0 and stay quiet on stderr."""
    command, *rest = args
    capsys.readouterr()
    code = main([command, "-C", str(build.obj), *rest], fs=fs)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return normalise(out, build)


def set_symbol(fs: FakeFileSystem, config: str, old: str, new: str) -> None:
    text = fs.read_text(config)
    assert old in text.splitlines()
    fs.write(config, text.replace(f"{old}\n", f"{new}\n"))


# why-rebuild: files and symbols


def test_why_rebuild_header_text(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "drivers/common/helper.h")
    check_golden("why_rebuild_helper_h.txt", out)


def test_why_rebuild_header_all_text(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "--all", "drivers/common/helper.h")
    check_golden("why_rebuild_helper_h_all.txt", out)


def test_why_rebuild_symbol_text(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "CONFIG_HZ")
    check_golden("why_rebuild_config_hz.txt", out)


# why-rebuild: configuration changes, resolved by the tree's own scripts/kconfig/conf


def test_why_rebuild_choice_member_changes_its_siblings_and_hz(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "CONFIG_HZ_1000=y")
    check_golden("why_rebuild_hz_1000_choice.txt", out)


def test_why_rebuild_select_adds_an_object_and_changes_command_lines(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "CONFIG_NET_STATS=y")
    check_golden("why_rebuild_net_stats_select.txt", out)


def test_why_rebuild_unmet_dependency_is_refused(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "why-rebuild", "CONFIG_NET_DEBUG_VERBOSE=y")
    check_golden("why_rebuild_net_debug_verbose_refused.txt", out)


# status


def test_status_clean_tree(sample_build: Build, capsys):
    out = answer(capsys, sample_build, "status")
    check_golden("status_clean.txt", out)


def test_status_after_touching_a_header(sample_build: Build, sample_fake, capsys):
    """The header touched in an in-memory copy of the build (make not run)."""
    sample_fake.touch(f"{sample_build.src}/drivers/common/helper.h")
    out = answer(capsys, sample_build, "status", fs=sample_fake)
    check_golden("status_touched_helper_h.txt", out)


def test_status_with_a_pending_config_edit(sample_build: Build, sample_fake, capsys):
    """.config edited (CONFIG_NR_QUEUES 4 -> 8) in an in-memory copy of the build, and
    newer than auto.conf; make not run. The tree's Kconfig program resolves the edit."""
    config = f"{sample_build.obj}/.config"
    set_symbol(sample_fake, config, "CONFIG_NR_QUEUES=4", "CONFIG_NR_QUEUES=8")
    auto_conf = f"{sample_build.obj}/include/config/auto.conf"
    assert sample_fake.mtime(config) > sample_fake.mtime(auto_conf)
    out = answer(capsys, sample_build, "status", fs=sample_fake)
    check_golden("status_pending_config_nr_queues.txt", out)
