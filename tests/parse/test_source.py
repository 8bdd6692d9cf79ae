"""Tests for depgraph.parse.source: #include lines and fixdep's CONFIG_ scan."""

from __future__ import annotations

from depgraph.parse.source import Include, scan_config_mentions, scan_includes


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
