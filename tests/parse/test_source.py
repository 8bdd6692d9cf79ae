"""Tests for depgraph.parse.source: #include lines and fixdep's CONFIG_ scan."""

from __future__ import annotations

import pytest

from depgraph.parse.source import (
    Include,
    export_sequence,
    guards_hold,
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


def test_export_sequence_reads_each_export_call():
    text = (
        "int f(void) { return 0; }\n"  # 1
        "EXPORT_SYMBOL(f);\n"  # 2
        "EXPORT_SYMBOL_GPL( g );\n"  # 3
        "EXPORT_SYMBOL_NS_GPL(h, FOO_NS);\n"  # 4
        " * EXPORT_SYMBOL(in_a_comment)\n"  # 5
        "#define EXPORT_PARAM(x) EXPORT_SYMBOL(param_##x)\n"  # 6
        "EXPORT_SYMBOL(split\n"  # 7
        "EXPORT_TRACEPOINT_SYMBOL_GPL(tp);\n"  # 8
        "int n = EXPORT_SIZE;\n"  # 9: no call
    )
    found = export_sequence(text)
    assert [(c.call, c.line, c.guards) for c in found.calls] == [
        ("EXPORT_SYMBOL(f)", 2, ()),
        ("EXPORT_SYMBOL_GPL(g)", 3, ()),
        ("EXPORT_SYMBOL_NS_GPL(h,FOO_NS)", 4, ()),
        ("EXPORT_TRACEPOINT_SYMBOL_GPL(tp)", 8, ()),
    ]
    assert found.unread == (6, 7)
    assert [c.name for c in found.calls] == ["f", "g", "h", None]


CONDITIONAL_EXPORTS = (
    "EXPORT_SYMBOL(a);\n"  # 1
    "#ifdef CONFIG_X /* a comment */\n"  # 2
    "EXPORT_SYMBOL_GPL( b );\n"  # 3
    "#elif IS_ENABLED(CONFIG_Y) && !defined(CONFIG_Z)\n"  # 4
    "EXPORT_SYMBOL(c);\n"  # 5
    "#else\n"  # 6
    "EXPORT_PER_CPU_SYMBOL(d);\n"  # 7
    "#endif\n"  # 8
    "#if 0\n"  # 9
    "EXPORT_SYMBOL(e);\n"  # 10
    "#endif\n"  # 11
    "#define F(x) \\\n"  # 12
    "\tEXPORT_SYMBOL(x)\n"  # 13
    "#if defined(CONFIG_X) || HZ > 100\n"  # 14
    "EXPORT_TRACEPOINT_SYMBOL(tp);\n"  # 15
    "#endif\n"  # 16
)


def test_export_sequence_keeps_each_call_with_its_conditionals():
    found = export_sequence(CONDITIONAL_EXPORTS)
    assert [(c.call, c.line, c.guards) for c in found.calls] == [
        ("EXPORT_SYMBOL(a)", 1, ()),
        ("EXPORT_SYMBOL_GPL(b)", 3, (("#ifdef CONFIG_X",),)),
        ("EXPORT_SYMBOL(c)", 5,
         (("#ifdef CONFIG_X", "#elif IS_ENABLED(CONFIG_Y) && !defined(CONFIG_Z)"),)),
        ("EXPORT_SYMBOL(e)", 10, (("#if 0",),)),
        ("EXPORT_TRACEPOINT_SYMBOL(tp)", 15, (("#if defined(CONFIG_X) || HZ > 100",),)),
    ]  # fmt: skip
    assert found.unread == (7, 13)  # another export macro; a #define's body
    assert [c.name for c in found.calls] == ["a", "b", "c", "e", None]


@pytest.mark.parametrize(
    ("config", "module", "compiled"),
    [
        ({}, False, {"a": True, "b": False, "c": False, "e": False, "tp": None}),
        ({"CONFIG_X": "y"}, False, {"a": True, "b": True, "c": False, "e": False, "tp": None}),
        # =m defines CONFIG_X_MODULE, not CONFIG_X; IS_ENABLED takes both
        ({"CONFIG_X": "m", "CONFIG_Y": "m"}, False,
         {"a": True, "b": False, "c": True, "e": False, "tp": None}),
        ({"CONFIG_Y": "y", "CONFIG_Z": "y"}, True,
         {"a": True, "b": False, "c": False, "e": False, "tp": None}),
    ],
)  # fmt: skip
def test_guards_hold_reads_config_conditionals_and_no_others(config, module, compiled):
    calls = export_sequence(CONDITIONAL_EXPORTS).calls
    name = {c.line: n for c, n in zip(calls, ["a", "b", "c", "e", "tp"], strict=True)}
    assert {name[c.line]: guards_hold(c.guards, config, module) for c in calls} == compiled


def test_guards_hold_reads_module_and_nested_conditionals():
    text = "#ifndef MODULE\n#ifdef CONFIG_A\n#else\nEXPORT_SYMBOL(x);\n#endif\n#endif\n"
    (call,) = export_sequence(text).calls
    assert guards_hold(call.guards, {}, False) is True
    assert guards_hold(call.guards, {"CONFIG_A": "y"}, False) is False
    assert guards_hold(call.guards, {}, True) is False
    assert guards_hold((("#ifdef __KERNEL__",),), {}, False) is None
