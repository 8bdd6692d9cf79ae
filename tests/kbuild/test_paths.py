"""Tests for depgraph.kbuild.paths: one id per file however it is spelled."""

from __future__ import annotations

import pytest

from depgraph.kbuild.paths import PathNormaliser


@pytest.fixture
def o_build() -> PathNormaliser:
    return PathNormaliser("/build/tiny", "/src/linux")


@pytest.mark.parametrize(
    ("raw", "ident"),
    [
        ("/src/linux/include/linux/kernel.h", "include/linux/kernel.h"),
        ("/src/linux/drivers/tty/serial/8250/../serial_mctrl_gpio.h",
         "drivers/tty/serial/serial_mctrl_gpio.h"),
        ("/src/linux/include/trace/events/../../asm//foo-trace.h", "include/asm/foo-trace.h"),
        ("include/generated/autoconf.h", "include/generated/autoconf.h"),
        ("./include/generated/bounds.h", "include/generated/bounds.h"),
        ("arch/x86/boot/compressed/../voffset.h", "arch/x86/boot/voffset.h"),
        ("/usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h",
         "/usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h"),
    ],
)  # fmt: skip
def test_o_build_spellings(o_build, raw, ident):
    assert o_build(raw) == ident


def test_objtree_files_are_marked_generated(o_build):
    o_build("include/generated/autoconf.h")
    o_build("/src/linux/include/linux/kernel.h")
    assert o_build.in_objtree == {"include/generated/autoconf.h"}


def test_o_inside_source_tree_uses_dotdot_spellings():
    norm = PathNormaliser("/src/linux/build", "/src/linux")
    assert norm("../include/linux/kernel.h") == "include/linux/kernel.h"
    assert norm("include/generated/autoconf.h") == "include/generated/autoconf.h"
    assert norm("/src/linux/build/init/main.o") == "init/main.o"


def test_in_tree_build_dot_relative():
    # OpenWrt: build_dir/target-*/linux-*/linux-* built in place.
    norm = PathNormaliser("/owrt/build_dir/linux-6.12", "/owrt/build_dir/linux-6.12")
    assert norm("./include/linux/kernel.h") == "include/linux/kernel.h"
    assert norm("include/linux//kernel.h") == "include/linux/kernel.h"
    assert norm.in_objtree == set()


def test_memo_returns_the_same_object(o_build):
    first = o_build("/src/linux/include/linux/kernel.h")
    assert o_build("/src/linux/include/linux/kernel.h") is first
