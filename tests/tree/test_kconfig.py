"""Tests for depgraph.tree.kconfig: reading a tree's Kconfig files and following ``source``.

On sample_tree (the repository's real Kconfig tree), on small trees written here, and,
when present, on the Linux 6.12 source and the object trees configured from it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from depgraph.model import ParseError
from depgraph.parse.config import parse_config
from depgraph.parse.kconfig import evaluate
from depgraph.tree.kconfig import (
    KconfigError,
    UnknownSymbolError,
    choice_assignments,
    choice_of,
    read_kconfig,
    unmet_dependencies,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_tree"
LINUX = Path("/work/kernels/linux-6.12")
# Object trees configured from LINUX (x86): their auto.conf.cmd and auto.conf, written by
# the C syncconfig, are the reference for the differential tests.
OBJTREES = [Path("/work/kernels/tiny"), Path("/work/kernels/defconfig")]


def _write(tree: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# --- sample_tree -------------------------------------------------------------------------


def test_sample_tree_symbols_files_and_lines():
    kconfig = read_kconfig(str(SAMPLE))
    assert kconfig.diagnostics == ()
    assert kconfig.files == ("Kconfig", "drivers/Kconfig")
    defined = {
        "CONFIG_" + line.split()[1]
        for path in ("Kconfig", "drivers/Kconfig")
        for line in (SAMPLE / path).read_text().splitlines()
        if line.startswith(("config ", "menuconfig "))
    }
    assert set(kconfig.symbols) == defined
    (loglevel,) = kconfig.symbols["CONFIG_DEFAULT_LOGLEVEL"]
    text = (SAMPLE / "Kconfig").read_text().splitlines()
    assert text[loglevel.line - 1] == "config DEFAULT_LOGLEVEL"
    assert (loglevel.path, loglevel.type, loglevel.prompt) == (
        "Kconfig",
        "int",
        "Default console loglevel (1-7)",
    )
    assert [d.text for d in loglevel.dependencies] == ["PRINTK"]
    (mymod,) = kconfig.symbols["CONFIG_MYMOD"]
    assert (mymod.path, mymod.type) == ("drivers/Kconfig", "tristate")
    assert [d.text for d in mymod.defaults] == ["m"]
    (choice,) = kconfig.choices  # the timer frequency, as in the kernel
    assert choice.members == ("CONFIG_HZ_100", "CONFIG_HZ_250", "CONFIG_HZ_1000")
    assert choice_of(kconfig, "CONFIG_HZ_250") == choice
    (select,) = kconfig.selectors["CONFIG_CRC8_TABLE"]
    assert (select.by, select.path) == ("CONFIG_NET_STATS", "drivers/Kconfig")


def test_sample_tree_unmet_dependency():
    kconfig = read_kconfig(str(SAMPLE))
    (unmet,) = unmet_dependencies(kconfig, "CONFIG_LOG_BUF_SHIFT", {"CONFIG_PRINTK": "n"})
    line = unmet.dependency.line
    assert str(unmet) == f"depends on PRINTK at Kconfig:{line}: PRINTK=n"
    assert unmet.offenders == (("CONFIG_PRINTK", "n"),)
    assert unmet_dependencies(kconfig, "CONFIG_LOG_BUF_SHIFT", {"CONFIG_PRINTK": "y"}) == ()
    assert unmet_dependencies(kconfig, "CONFIG_HZ", {}) == ()


def test_unknown_symbol_is_an_error():
    kconfig = read_kconfig(str(SAMPLE))
    with pytest.raises(UnknownSymbolError, match="CONFIG_NOPE: not defined"):
        unmet_dependencies(kconfig, "CONFIG_NOPE", {})
    assert choice_of(kconfig, "CONFIG_NOPE") is None


def test_a_tree_without_kconfig_is_an_error(tmp_path: Path):
    with pytest.raises(KconfigError, match="no Kconfig file there"):
        read_kconfig(str(tmp_path))


# --- small trees -------------------------------------------------------------------------

TREE = {
    "Kconfig": """\
mainmenu "Test"

source "arch/$(SRCARCH)/Kconfig"

if BLOCK
source "block/Kconfig"
endif

menu "Timers"
	depends on HAVE_TIMERS

choice
	prompt "Timer frequency"
	depends on HIGH_RES

config HZ_100
	bool "100 HZ"

if EXPERT
config HZ_1000
	bool "1000 HZ"
endif

endchoice

endmenu

rsource "lib/Kconfig"
osource "missing/Kconfig"
source "drivers/*/Kconfig"
""",
    "arch/x86/Kconfig": """\
config X86
	def_bool y
	select HAVE_TIMERS
	select HIGH_RES if !EXPERT

config HAVE_TIMERS
	bool

config HIGH_RES
	bool "High resolution"
""",
    "block/Kconfig": """\
config BLK_DEV
	tristate "Block devices"
	depends on HAVE_TIMERS || COMPILE_TEST
""",
    "lib/Kconfig": """\
orsource "Kconfig.extra"
""",
    "lib/Kconfig.extra": """\
config CRC
	tristate "CRC"
""",
    "drivers/b/Kconfig": 'config DRV_B\n\ttristate "B"\n\tselect CRC\n',
    "drivers/a/Kconfig": 'config DRV_A\n\ttristate "A"\n\timply CRC if X86\n',
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(tmp_path, TREE)
    return tmp_path


def test_source_variants_globs_and_variables(tree: Path):
    kconfig = read_kconfig(str(tree), env={"SRCARCH": "x86"})
    assert kconfig.diagnostics == ()
    assert kconfig.files == (
        "Kconfig",
        "arch/x86/Kconfig",
        "block/Kconfig",
        "lib/Kconfig",
        "lib/Kconfig.extra",
        "drivers/a/Kconfig",
        "drivers/b/Kconfig",
    )


def test_if_around_source_is_inherited_with_its_line(tree: Path):
    kconfig = read_kconfig(str(tree), env={"SRCARCH": "x86"})
    (blk,) = kconfig.symbols["CONFIG_BLK_DEV"]
    assert [str(d) for d in blk.dependencies] == [
        "if BLOCK at Kconfig:5",
        "depends on HAVE_TIMERS || COMPILE_TEST at block/Kconfig:3",
    ]
    unmet = unmet_dependencies(kconfig, "CONFIG_BLK_DEV", {"CONFIG_HAVE_TIMERS": "y"})
    assert [str(u) for u in unmet] == ["if BLOCK at Kconfig:5: BLOCK=n"]


def test_menu_choice_and_if_inside_the_choice(tree: Path):
    kconfig = read_kconfig(str(tree), env={"SRCARCH": "x86"})
    (hz1000,) = kconfig.symbols["CONFIG_HZ_1000"]
    assert [str(d) for d in hz1000.dependencies] == [
        "depends on HAVE_TIMERS at Kconfig:10",
        "depends on HIGH_RES at Kconfig:14",
        "if EXPERT at Kconfig:19",
    ]
    choice = choice_of(kconfig, "CONFIG_HZ_1000")
    assert choice is not None
    assert (choice.path, choice.line, choice.prompt) == ("Kconfig", 12, "Timer frequency")
    assert choice.members == ("CONFIG_HZ_100", "CONFIG_HZ_1000")
    assert [d.text for d in choice.inherited + choice.depends] == ["HAVE_TIMERS", "HIGH_RES"]
    assert choice_of(kconfig, "CONFIG_X86") is None
    assert choice_assignments(kconfig, "CONFIG_HZ_100") == {
        "CONFIG_HZ_100": "y",
        "CONFIG_HZ_1000": "n",
    }
    assert choice_assignments(kconfig, "CONFIG_HZ_100", "n") == {"CONFIG_HZ_100": "n"}
    assert choice_assignments(kconfig, "CONFIG_X86") == {"CONFIG_X86": "y"}


def test_unmet_names_only_the_failing_parts(tree: Path):
    kconfig = read_kconfig(str(tree), env={"SRCARCH": "x86"})
    values = {"CONFIG_HAVE_TIMERS": "y", "CONFIG_HIGH_RES": "y"}
    unmet = unmet_dependencies(kconfig, "CONFIG_HZ_1000", values)
    assert [str(u) for u in unmet] == ["if EXPERT at Kconfig:19: EXPERT=n"]
    assert unmet_dependencies(kconfig, "CONFIG_HZ_100", values) == ()


def test_selectors_index(tree: Path):
    kconfig = read_kconfig(str(tree), env={"SRCARCH": "x86"})
    crc = kconfig.selectors["CONFIG_CRC"]
    assert [(s.kind, s.by, s.path, s.line) for s in crc] == [
        ("imply", "CONFIG_DRV_A", "drivers/a/Kconfig", 3),
        ("select", "CONFIG_DRV_B", "drivers/b/Kconfig", 3),
    ]
    (high_res,) = kconfig.selectors["CONFIG_HIGH_RES"]
    assert (high_res.by, high_res.condition.text) == ("CONFIG_X86", "!EXPERT")
    (x86,) = kconfig.symbols["CONFIG_X86"]
    assert x86.type == "bool"


def test_missing_files_and_variables_are_diagnostics(tmp_path: Path):
    _write(
        tmp_path,
        {"Kconfig": 'source "arch/$(SRCARCH)/Kconfig"\nsource "nowhere/Kconfig"\n'},
    )
    kconfig = read_kconfig(str(tmp_path))
    assert [str(d) for d in kconfig.diagnostics] == [
        "Kconfig:1: warning: undefined variable $(SRCARCH)",
        "Kconfig:1: warning: can't open file: 'arch//Kconfig'",
        "Kconfig:2: warning: can't open file: 'nowhere/Kconfig'",
    ]
    with pytest.raises(ParseError):
        read_kconfig(str(tmp_path), strict=True)


def test_variables_assigned_in_kconfig_win_over_env(tmp_path: Path):
    _write(
        tmp_path,
        {
            "Kconfig": 'SUB := x\nHEADER_ARCH = $(SUB)86\nsource "arch/$(HEADER_ARCH)/Kconfig"\n',
            "arch/x86/Kconfig": "config X86\n\tbool\n",
        },
    )
    kconfig = read_kconfig(str(tmp_path), env={"HEADER_ARCH": "um"})
    assert kconfig.diagnostics == ()
    assert "CONFIG_X86" in kconfig.symbols


def test_recursive_source_and_unbalanced_blocks(tmp_path: Path):
    _write(
        tmp_path,
        {
            "Kconfig": 'source "a/Kconfig"\nendmenu\nif FOO\nconfig BAR\n\tbool\n',
            "a/Kconfig": 'rsource "../Kconfig"\n',
        },
    )
    kconfig = read_kconfig(str(tmp_path))
    assert [str(d) for d in kconfig.diagnostics] == [
        "a/Kconfig:1: warning: recursive source, skipped: '../Kconfig'",
        "Kconfig:2: warning: 'endmenu' without 'menu'",
        "Kconfig:3: warning: missing 'endif' for this 'if'",
    ]
    (bar,) = kconfig.symbols["CONFIG_BAR"]
    assert [d.text for d in bar.dependencies] == ["FOO"]


def test_a_file_sourced_twice_is_read_twice_and_listed_once(tmp_path: Path):
    _write(
        tmp_path,
        {
            "Kconfig": 'source "doc/Kconfig"\nif A\nsource "doc/Kconfig"\nendif\n',
            "doc/Kconfig": "config WARN_DOCS\n\tbool\n",
        },
    )
    kconfig = read_kconfig(str(tmp_path))
    assert kconfig.files == ("Kconfig", "doc/Kconfig")
    first, second = kconfig.symbols["CONFIG_WARN_DOCS"]
    assert (first.inherited, [d.text for d in second.inherited]) == ((), ["A"])
    assert unmet_dependencies(kconfig, "CONFIG_WARN_DOCS", {}) == ()


TWICE = {
    "Kconfig": """\
config SOUND
	tristate "Sound"

config FOO
	tristate "Foo"
	depends on SOUND

if SOUND_OTHER
config FOO
	tristate
	depends on OTHER
endif

config MOD_ONLY
	tristate "Module only"
	depends on SOUND && m

config BOOL_ON_M
	bool "Bool on a module dependency"
	depends on SOUND
"""
}


def test_a_symbol_defined_twice_is_limited_only_when_every_definition_is(tmp_path: Path):
    _write(tmp_path, TWICE)
    kconfig = read_kconfig(str(tmp_path))
    assert [d.line for d in kconfig.symbols["CONFIG_FOO"]] == [4, 9]
    both = unmet_dependencies(kconfig, "CONFIG_FOO", {})
    assert [str(u) for u in both] == [
        "depends on SOUND at Kconfig:6: SOUND=n",
        "if SOUND_OTHER at Kconfig:8: SOUND_OTHER=n",
        "depends on OTHER at Kconfig:11: OTHER=n",
    ]
    assert unmet_dependencies(kconfig, "CONFIG_FOO", {"CONFIG_SOUND": "y"}) == ()


def test_wanted_y_reports_what_limits_a_tristate_to_m(tmp_path: Path):
    _write(tmp_path, TWICE)
    kconfig = read_kconfig(str(tmp_path))
    values = {"CONFIG_SOUND": "y", "CONFIG_MODULES": "y"}
    assert unmet_dependencies(kconfig, "CONFIG_MOD_ONLY", values) == ()
    (limit,) = unmet_dependencies(kconfig, "CONFIG_MOD_ONLY", values, wanted="y")
    assert (limit.value, limit.offenders) == ("m", ())
    assert str(limit) == "depends on SOUND && m at Kconfig:16: evaluates to m"
    (off,) = unmet_dependencies(kconfig, "CONFIG_MOD_ONLY", {"CONFIG_SOUND": "y"})
    assert str(off) == "depends on SOUND && m at Kconfig:16: MODULES=n"
    module = {"CONFIG_SOUND": "m", "CONFIG_MODULES": "y"}
    limits = unmet_dependencies(kconfig, "CONFIG_FOO", module, wanted="y")
    assert [str(u) for u in limits] == [
        "depends on SOUND at Kconfig:6: SOUND=m",
        "if SOUND_OTHER at Kconfig:8: SOUND_OTHER=n",
        "depends on OTHER at Kconfig:11: OTHER=n",
    ]
    # A bool takes m as y (kconfig promotes it), so SOUND=m does not hold it back.
    assert unmet_dependencies(kconfig, "CONFIG_BOOL_ON_M", module, wanted="y") == ()
    assert unmet_dependencies(kconfig, "CONFIG_FOO", {}, wanted="n") == ()


# --- Linux 6.12 --------------------------------------------------------------------------

linux = pytest.mark.skipif(not (LINUX / "Kconfig").exists(), reason=f"no {LINUX}")


@pytest.fixture(scope="module")
def linux_kconfig():
    start = time.perf_counter()
    kconfig = read_kconfig(str(LINUX), env={"SRCARCH": "x86", "ARCH": "x86", "srctree": str(LINUX)})
    seconds = time.perf_counter() - start
    definitions = sum(len(found) for found in kconfig.symbols.values())
    print(
        f"\nlinux-6.12 x86 Kconfig: {len(kconfig.files)} files, {len(kconfig.symbols)} "
        f"symbols ({definitions} definitions), {len(kconfig.choices)} choices, "
        f"{len(kconfig.diagnostics)} diagnostics in {seconds:.2f} s"
    )
    return kconfig


@linux
def test_linux_reads_without_diagnostics(linux_kconfig):
    assert linux_kconfig.diagnostics == ()
    assert len(linux_kconfig.symbols) > 10_000
    assert "arch/x86/Kconfig" in linux_kconfig.files
    assert "arch/arm64/Kconfig" not in linux_kconfig.files


@linux
def test_linux_hz_choice(linux_kconfig):
    choice = choice_of(linux_kconfig, "CONFIG_HZ_100")
    assert choice is not None
    assert choice.path == "kernel/Kconfig.hz"
    assert "CONFIG_HZ_250" in choice.members
    assert choice_assignments(linux_kconfig, "CONFIG_HZ_100")["CONFIG_HZ_250"] == "n"


@linux
def test_linux_fhandle_in_init_kconfig(linux_kconfig):
    (fhandle,) = linux_kconfig.symbols["CONFIG_FHANDLE"]
    assert fhandle.path == "init/Kconfig"
    lines = (LINUX / "init/Kconfig").read_text().splitlines()
    assert lines[fhandle.line - 1] == "config FHANDLE"


@linux
def test_linux_x86_64_only_symbol_unmet_on_32_bit(linux_kconfig):
    values = {"CONFIG_X86_32": "y", "CONFIG_X86_64": "n", "CONFIG_64BIT": "n"}
    unmet = unmet_dependencies(linux_kconfig, "CONFIG_X86_5LEVEL", values)
    assert unmet
    assert any(
        u.dependency.path == "arch/x86/Kconfig" and ("CONFIG_X86_64", "n") in u.offenders
        for u in unmet
    )
    assert unmet_dependencies(linux_kconfig, "CONFIG_X86_5LEVEL", {"CONFIG_X86_64": "y"}) == ()


def _objtrees() -> list[Path]:
    return [
        tree
        for tree in OBJTREES
        if (tree / "include/config/auto.conf.cmd").exists() and (tree / "source").resolve() == LINUX
    ]


@linux
@pytest.mark.parametrize("objtree", _objtrees(), ids=lambda tree: tree.name)
def test_linux_agrees_with_syncconfig(linux_kconfig, objtree: Path):
    """Differential: the C syncconfig recorded the Kconfig files it read, in order, and a
    configuration it resolved; every symbol it set without a ``select`` must have its
    dependencies met, and every choice whose dependencies hold has one member ``y``."""
    cmd = (objtree / "include/config/auto.conf.cmd").read_text()
    read_by_c = re.findall(r"^\t(\S+) \\$", cmd.split("deps_config :=")[1], re.MULTILINE)
    assert list(linux_kconfig.files) == read_by_c
    values = parse_config((objtree / "include/config/auto.conf").read_text()).values
    assert all(symbol in linux_kconfig.symbols for symbol in values)
    checked = 0
    for symbol, value in values.items():
        selectors = linux_kconfig.selectors.get(symbol, ())
        if value not in ("y", "m") or any(values.get(s.by, "n") != "n" for s in selectors):
            continue
        checked += 1
        assert unmet_dependencies(linux_kconfig, symbol, values, wanted=value) == (), symbol
    assert checked > 100
    for choice in linux_kconfig.choices:
        if all(evaluate(d.expr, values) != "n" for d in choice.inherited + choice.depends):
            on = [member for member in choice.members if values.get(member) == "y"]
            assert len(on) == 1, (choice.path, choice.line, on)
