"""Tests for depgraph.parse.config on .config and auto.conf text."""

from __future__ import annotations

import pytest

from depgraph.model import ParseError
from depgraph.parse.config import changed_values, parse_config

DOT_CONFIG = """\
#
# Automatically generated file; DO NOT EDIT.
# Linux/x86 6.12.57 Kernel Configuration
#
CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14+deb12u1) 12.2.0"
CONFIG_LOG_BUF_SHIFT=17
CONFIG_PRINTK=y
CONFIG_BINFMT_MISC=m
# CONFIG_PROC_FS is not set
"""


def test_values_quotes_and_not_set():
    parsed = parse_config(DOT_CONFIG, ".config")
    assert parsed.values == {
        "CONFIG_CC_VERSION_TEXT": "gcc (Debian 12.2.0-14+deb12u1) 12.2.0",
        "CONFIG_LOG_BUF_SHIFT": "17",
        "CONFIG_PRINTK": "y",
        "CONFIG_BINFMT_MISC": "m",
        "CONFIG_PROC_FS": "n",
    }
    assert parsed.lines["CONFIG_LOG_BUF_SHIFT"] == 6
    assert parsed.diagnostics == ()


def test_auto_conf_unquoted_strings_compare_equal():
    auto = parse_config("CONFIG_CC_VERSION_TEXT=gcc (Debian 12.2.0-14+deb12u1) 12.2.0\n")
    dot = parse_config(DOT_CONFIG)
    assert auto.values["CONFIG_CC_VERSION_TEXT"] == dot.values["CONFIG_CC_VERSION_TEXT"]


def test_damaged_line_is_a_warning_with_line_number():
    parsed = parse_config("CONFIG_A=y\nrubbish here\nCONFIG_B=n\n", "x/.config")
    assert parsed.values == {"CONFIG_A": "y", "CONFIG_B": "n"}
    (diag,) = parsed.diagnostics
    assert str(diag) == "x/.config:2: warning: not a CONFIG_ assignment: 'rubbish here'"


def test_strict_raises():
    with pytest.raises(ParseError):
        parse_config("oops\n", strict=True)


def test_changed_values_treat_unset_as_n():
    config = {"CONFIG_A": "y", "CONFIG_B": "n", "CONFIG_C": "5"}
    auto = {"CONFIG_A": "y", "CONFIG_C": "4", "CONFIG_D": "m"}
    assert changed_values(auto, config) == {"CONFIG_C": ("4", "5"), "CONFIG_D": ("m", "n")}
