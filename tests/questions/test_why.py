"""Differential tests of why-rebuild against real GNU make on sample_tree.

For every header, source and code-level config symbol of sample_tree: ask depgraph, make
the change, run make, read off the object tree what make redid (tests/conftest.py), and
require both sets to be equal, compile and link alike. Symbols that Makefiles use change
command lines and object membership (issue #6) and are left to that issue's tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLE, Build, redone, snapshot, touch

from depgraph.parse.config import parse_config
from depgraph.questions.why import Answer, Change, resolve_change, why_rebuild
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader

_SOURCE_SUFFIXES = (".c", ".h", ".S")


def _tree_files() -> list[str]:
    """Every C/asm file of sample_tree, relative to it, found without depgraph."""
    return sorted(
        str(p.relative_to(SAMPLE))
        for p in SAMPLE.rglob("*")
        if p.suffix in _SOURCE_SUFFIXES and p.is_file()
    )


def _makefile_symbols() -> set[str]:
    found: set[str] = set()
    for path in SAMPLE.rglob("*"):
        if path.name in ("Makefile", "Kbuild") or path.name.startswith("Makefile."):
            found.update(re.findall(r"CONFIG_[A-Za-z0-9_]+", path.read_text()))
    return found


def _code_symbols() -> list[str]:
    defconfig = SAMPLE / "arch" / "configs" / "defconfig"
    values = parse_config(defconfig.read_text()).values
    return sorted(s for s in values if s not in _makefile_symbols())


def _new_value(value: str) -> str:
    if value in ("y", "m"):
        return "n"
    if value == "n":
        return "y"
    if value.lstrip("-").isdigit():
        return str(int(value) + 1)
    return f'"{value}x"'


def set_symbol(config: Path, symbol: str, value: str) -> None:
    lines = [
        line
        for line in config.read_text().splitlines()
        if not line.startswith(f"{symbol}=") and line != f"# {symbol} is not set"
    ]
    lines.append(f"# {symbol} is not set" if value == "n" else f"{symbol}={value}")
    config.write_text("\n".join(lines) + "\n")


def predict(build: Build, *changes: str) -> Answer:
    layout = locate(str(build.obj), {}, str(build.obj))
    tree = load_tree(layout)
    reader = SourceReader(layout)
    resolved: list[Change] = []
    for raw in changes:
        if raw.startswith("CONFIG_"):
            resolved.append(resolve_change(tree, raw, False))
        else:
            ident = reader.ident(str(build.src / raw), str(build.obj))
            resolved.append(resolve_change(tree, ident, True))
    return why_rebuild(tree, resolved, reader)


def targets(answer: Answer) -> set[str]:
    return {r.target for r in answer.compile} | {r.target for r in answer.link}


def assert_same(predicted: set[str], made: set[str]) -> None:
    assert predicted == made, f"missing {made - predicted}, extra {predicted - made}"


@pytest.fixture(scope="module")
def diff_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One build that this module's tests change one after another; each make leaves it
    up to date for the next."""
    from conftest import _new_build

    return _new_build(tmp_path_factory.mktemp("differential"))


def test_sample_tree_has_what_the_differential_tests_need():
    files = _tree_files()
    assert any('"../' in (SAMPLE / f).read_text() for f in files)
    assert len([f for f in files if f.endswith(".h")]) >= 10
    assert len(_code_symbols()) >= 4


@pytest.mark.parametrize("path", _tree_files())
def test_touching_a_file_rebuilds_exactly_what_depgraph_predicts(diff_build: Build, path: str):
    answer = predict(diff_build, path)
    before = snapshot(diff_build.obj)
    touch(diff_build.src / path)
    diff_build.make()
    made = redone(diff_build.obj, before)
    assert_same(targets(answer), made)


@pytest.mark.parametrize("symbol", _code_symbols())
def test_changing_a_symbol_rebuilds_exactly_what_depgraph_predicts(diff_build: Build, symbol: str):
    config = diff_build.obj / ".config"
    value = parse_config(config.read_text()).values.get(symbol, "n")
    answer = predict(diff_build, symbol)
    before = snapshot(diff_build.obj)
    set_symbol(config, symbol, _new_value(value))
    diff_build.make()
    made = redone(diff_build.obj, before)
    assert_same(targets(answer), made)


def test_no_op_make_redoes_nothing(diff_build: Build):
    before = snapshot(diff_build.obj)
    diff_build.make()
    assert redone(diff_build.obj, before) == set()
