"""Every trimmed real .cmd file in tests/fixtures/kbuild parses cleanly, and the inputs
read out of link commands are the ones kbuild's rules name (see that folder's README)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depgraph.parse.cmdfile import _parse_lines, parse_cmdfile
from depgraph.parse.command import parse_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kbuild"
CMD_FILES = sorted(p for p in FIXTURES.iterdir() if p.name.endswith(".cmd"))


def _expected_target(fixture: Path) -> str:
    """``fs__autofs__.waitq.o.cmd`` -> ``fs/autofs/waitq.o``; prefixes name other trees."""
    parts = fixture.name.split("__")
    for prefix in ("extmod", "intree", "v6.1"):
        if parts[0] == prefix:
            parts = parts[1:]
    *dirs, base = parts
    return "/".join([*dirs, base[1:-4]])


def test_there_are_fixtures():
    assert len(CMD_FILES) >= 30


@pytest.mark.parametrize("fixture", CMD_FILES, ids=lambda p: p.name)
def test_real_cmd_file_parses_without_diagnostics(fixture: Path):
    record = parse_cmdfile(fixture.read_text(), fixture.name)
    assert record.diagnostics == ()
    expected = _expected_target(fixture)
    if fixture.name.startswith("extmod__"):
        assert record.target.endswith("/" + expected)  # M= targets are absolute
    else:  # voffset.h's key is spelled arch/x86/boot/compressed/../voffset.h
        assert os.path.normpath(record.target) == expected
    if record.source is not None and not record.source.endswith(".sh"):
        assert record.deps, "a compiled target lists its dependencies"


def test_old_cmd_prefix_from_linux_6_1():
    record = parse_cmdfile((FIXTURES / "v6.1__init__.main.o.cmd").read_text())
    assert record.target == "init/main.o"
    assert record.stamps[0] == ("include/config/INIT_ENV_ARG_LIMIT", -1)


def test_vmlinux_cmd_names_link_script_as_source_and_only_stamps():
    record = parse_cmdfile((FIXTURES / ".vmlinux.cmd").read_text())
    assert record.source is not None and record.source.endswith("scripts/link-vmlinux.sh")
    assert record.deps == ()
    assert all(stamp.startswith("include/config/") for stamp, _ in record.stamps)


def _inputs(name: str) -> tuple[str, ...]:
    return parse_command(parse_cmdfile((FIXTURES / name).read_text()).command).candidates


def test_builtin_archive_members():
    assert _inputs("lib__math__.built-in.a.cmd")[:3] == (
        "lib/math/div64.o",
        "lib/math/gcd.o",
        "lib/math/lcm.o",
    )


def test_lib_archive_members():
    members = _inputs("lib__.lib.a.cmd")
    assert members[0] == "lib/argv_split.o" and "lib/lib.a" not in members


def test_module_link_reads_objects_and_module_lds():
    assert _inputs("fs__autofs__.autofs4.ko.cmd") == (
        "scripts/module.lds",
        "fs/autofs/autofs4.o",
        "fs/autofs/autofs4.mod.o",
        ".module-common.o",
    )


def test_composite_module_object_uses_its_mod_file():
    record = parse_cmdfile((FIXTURES / "fs__autofs__.autofs4.o.cmd").read_text())
    io = parse_command(record.command)
    assert io.response_files == ("fs/autofs/autofs4.mod",)
    members = (FIXTURES / "fs__autofs__autofs4.mod").read_text().split()
    assert "fs/autofs/waitq.o" in members


def test_modules_order_reads_subdirectory_lists():
    assert _inputs("fs__.modules.order.cmd")[-1] == "fs/autofs/modules.order"


def test_modpost_runs_the_tree_tool():
    assert "scripts/mod/modpost" in _inputs(".Module.symvers.cmd")


@pytest.mark.parametrize("fixture", CMD_FILES, ids=lambda p: p.name)
def test_fast_path_and_careful_parser_agree(fixture: Path):
    """parse_cmdfile reads fixdep's exact layout the fast way; the careful line parser
    must give the same record for every real file."""
    text = fixture.read_text()
    assert parse_cmdfile(text, fixture.name) == _parse_lines(text, fixture.name, strict=False)
