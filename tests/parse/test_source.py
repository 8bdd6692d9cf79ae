"""Tests for depgraph.parse.source: #include lines and fixdep's CONFIG_ scan."""

from __future__ import annotations

from depgraph.parse.source import (
    ExportLines,
    Include,
    export_lines,
    scan_config_mentions,
    scan_includes,
)


def test_includes_quoted_angle_next_and_spacing():
    text = '#include <linux/a.h>\n  #  include "../b.h"\n#include_next <c.h>\n#include MACRO(x)\n'
    assert scan_includes(text) == (
        Include("linux/a.h", False, 1),
        Include("../b.h", True, 2),
        Include("c.h", False, 3),
    )


def test_config_scan_matches_fixdep():
    text = (
        "/* CONFIG_IN_COMMENT */\n"
        "#if IS_ENABLED(CONFIG_FOO_MODULE) && defined(XCONFIG_NOT)\n"
        'const char *s = "CONFIG_IN_STRING";\n'
        "int a_CONFIG_NOPE;\n"
    )
    found = [(m.symbol, m.line) for m in scan_config_mentions(text)]
    assert found == [("CONFIG_IN_COMMENT", 1), ("CONFIG_FOO", 2), ("CONFIG_IN_STRING", 3)]


def test_mention_carries_its_line_text():
    (mention,) = scan_config_mentions("int x;\n  return CONFIG_HZ;  \n")
    assert mention.text == "return CONFIG_HZ;"
    assert mention.line == 2


def test_export_lines_reads_each_export_call_of_the_lines_asked():
    text = (
        "int f(void) { return 0; }\n"  # 1
        "EXPORT_SYMBOL(f);\n"  # 2
        "EXPORT_SYMBOL_GPL( g );\n"  # 3
        "EXPORT_SYMBOL_NS_GPL(h, FOO_NS);\n"  # 4
        " * EXPORT_SYMBOL(in_a_comment)\n"  # 5
        "#define EXPORT_PARAM(x) EXPORT_SYMBOL(param_##x)\n"  # 6
        "EXPORT_SYMBOL(split\n"  # 7
        "EXPORT_TRACEPOINT_SYMBOL_GPL(tp);\n"  # 8
    )
    found = export_lines(text, set(range(1, 9)))
    assert found.calls == (
        "EXPORT_SYMBOL(f)",
        "EXPORT_SYMBOL_GPL(g)",
        "EXPORT_SYMBOL_NS_GPL(h,FOO_NS)",
        "EXPORT_TRACEPOINT_SYMBOL_GPL(tp)",
    )
    assert found.unread == (6, 7)
    assert export_lines(text, {1, 5}) == ExportLines((), ())
