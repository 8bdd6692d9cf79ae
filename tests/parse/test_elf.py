"""Symbol names of real objects, compiled here by gcc as kbuild compiles an exporter."""

from __future__ import annotations

import subprocess
from pathlib import Path

from depgraph.parse.elf import EXPORT_PREFIX, ordered_symbol_names, symbol_names

# What include/linux/export.h (Linux 6.5+) leaves in an object for EXPORT_SYMBOL(sym):
# a label __export_symbol_<sym> in the .export_symbol section.
EXPORTER = """
int running_max(int a) { return a + 1; }
int running_min(int a) { return a - 1; }
static int helper(int a) { return a; }
#define EXPORT(sym) asm(".section .export_symbol,\\"a\\"\\n__export_symbol_" #sym ":\\n" \\
                        ".asciz \\"\\"\\n.previous")
EXPORT(running_max);
EXPORT(running_min);
"""


def _compile(tmp_path: Path, text: str) -> bytes:
    source = tmp_path / "exporter.c"
    source.write_text(text)
    subprocess.run(["gcc", "-c", "-O2", "-o", str(tmp_path / "exporter.o"), str(source)],
                   check=True)  # fmt: skip
    return (tmp_path / "exporter.o").read_bytes()


def test_the_exports_of_a_compiled_object_are_its_export_labels(tmp_path: Path):
    data = _compile(tmp_path, EXPORTER)
    assert symbol_names(data, EXPORT_PREFIX) == {"running_max", "running_min"}
    assert {"running_max", "running_min"} <= (symbol_names(data) or set())


def test_an_object_without_exports_has_none(tmp_path: Path):
    data = _compile(tmp_path, "int only_code(int a) { return a; }\n")
    assert symbol_names(data, EXPORT_PREFIX) == frozenset()


def test_what_is_not_a_whole_elf_file_is_not_read(tmp_path: Path):
    data = _compile(tmp_path, EXPORTER)
    assert symbol_names(b"not an object") is None
    assert symbol_names(data[:64], EXPORT_PREFIX) is None


def test_the_exports_in_order_are_the_order_of_their_labels(tmp_path: Path):
    """modpost keeps an object's exports in the order of its .export_symbol section: the
    source's order, not the symbol table's (which sorts nothing) or the alphabet."""
    text = EXPORTER.replace("EXPORT(running_max);\nEXPORT(running_min);",
                            "EXPORT(running_min);\nEXPORT(running_max);")  # fmt: skip
    assert ordered_symbol_names(_compile(tmp_path, text), EXPORT_PREFIX) == (
        "running_min",
        "running_max",
    )
    assert ordered_symbol_names(_compile(tmp_path, EXPORTER), EXPORT_PREFIX) == (
        "running_max",
        "running_min",
    )
    assert ordered_symbol_names(b"not an object") is None
