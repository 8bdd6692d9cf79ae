"""Tests for depgraph.parse.cmdfile on trimmed real .cmd files (Linux 6.12 tinyconfig,
and the pre-6.3 / pre-5.13 forms the kernel's history documents)."""

from __future__ import annotations

import pytest

from depgraph.model import ParseError
from depgraph.parse.cmdfile import SOURCE_INDEX, parse_cmdfile

# init/.main.o.cmd from a 6.12 O= build, deps_ trimmed to four entries.
MAIN_O = (
    (
        "savedcmd_init/main.o := gcc -Wp,-MMD,init/.main.o.d -nostdinc -I/src/include -I./include "
        "-include /src/include/linux/kconfig.h -D__KERNEL__ -DKBUILD_MODNAME='\"main\"' "
        "-D__KBUILD_MODNAME=kmod_main -c -o init/main.o /src/init/main.c  \n"
        "\n"
    )
    + """\
source_init/main.o := /src/init/main.c

deps_init/main.o := \\
    $(wildcard include/config/INIT_ENV_ARG_LIMIT) \\
    $(wildcard include/config/BOOT_CONFIG) \\
  /src/include/linux/compiler-version.h \\
    $(wildcard include/config/CC_VERSION_TEXT) \\
  /src/include/linux/kconfig.h \\
  include/generated/autoconf.h \\
  /src/drivers/tty/serial/8250/../serial_mctrl_gpio.h \\

init/main.o: $(deps_init/main.o)

$(deps_init/main.o):
"""
)


def test_savedcmd_source_and_deps():
    record = parse_cmdfile(MAIN_O, "init/.main.o.cmd")
    assert record.target == "init/main.o"
    assert record.command.startswith("gcc -Wp,-MMD,init/.main.o.d")
    assert record.command_line == 1
    assert record.source == "/src/init/main.c"
    assert record.deps == (
        "/src/include/linux/compiler-version.h",
        "/src/include/linux/kconfig.h",
        "include/generated/autoconf.h",
        "/src/drivers/tty/serial/8250/../serial_mctrl_gpio.h",
    )
    assert record.diagnostics == ()


def test_stamps_before_first_file_belong_to_source():
    record = parse_cmdfile(MAIN_O)
    assert record.stamps[0] == ("include/config/INIT_ENV_ARG_LIMIT", SOURCE_INDEX)
    assert record.stamps[1] == ("include/config/BOOT_CONFIG", SOURCE_INDEX)
    # CC_VERSION_TEXT is listed under compiler-version.h, deps index 0.
    assert record.stamps[2] == ("include/config/CC_VERSION_TEXT", 0)


def test_old_cmd_prefix_and_old_stamp_style():
    text = (
        "cmd_kernel/fork.o := gcc -c -o kernel/fork.o kernel/fork.c\n\n"
        "source_kernel/fork.o := kernel/fork.c\n\n"
        "deps_kernel/fork.o := \\\n"
        "    $(wildcard include/config/foo/bar.h) \\\n"
        "  include/linux/sched.h \\\n"
        "    $(wildcard include/config/numa.h) \\\n\n"
        "kernel/fork.o: $(deps_kernel/fork.o)\n\n$(deps_kernel/fork.o):\n"
    )
    record = parse_cmdfile(text)
    assert record.target == "kernel/fork.o"
    assert record.stamps == (("include/config/foo/bar.h", -1), ("include/config/numa.h", 0))


def test_link_cmd_has_only_the_command():
    text = (
        "savedcmd_init/built-in.a := rm -f init/built-in.a;  "
        'printf "init/%s " main.o version.o | xargs ar cDPrST init/built-in.a\n'
    )
    record = parse_cmdfile(text)
    assert record.target == "init/built-in.a"
    assert record.source is None and record.deps == () and record.stamps == ()
    assert record.diagnostics == ()


def test_dollar_and_pound_escapes_are_undone():
    text = (
        "savedcmd_arch/x86/boot/compressed/../voffset.h := nm vmlinux | sed -n -e "
        "'s/^\\([0-9a-fA-F]*\\) [ABCDGRSTVW] \\(_text\\|_end\\)$$/$(pound)define VO_\\2 "
        "_AC(0x\\1,UL)/p' > arch/x86/boot/compressed/../voffset.h\n"
    )
    record = parse_cmdfile(text)
    assert "$/#define VO_" in record.command
    assert "$$" not in record.command and "$(pound)" not in record.command


def test_extra_rule_lines_and_symver_comments():
    text = (
        "savedcmd_fs/open.o := gcc -c -o fs/open.o fs/open.c\n\n"
        "source_fs/open.o := fs/open.c\n\n"
        "deps_fs/open.o := \\\n  include/linux/fs.h \\\n\n"
        "fs/open.o: $(deps_fs/open.o)\n\n$(deps_fs/open.o):\n"
        "fs/open.o: $(wildcard ./tools/objtool/objtool)\n"
        "#SYMVER do_sys_open 0x1e2a3b4c\n"
    )
    record = parse_cmdfile(text)
    assert record.extra_prereqs == ("./tools/objtool/objtool",)
    assert record.deps == ("include/linux/fs.h",)
    assert record.diagnostics == ()


def test_crlf_line_endings():
    record = parse_cmdfile(MAIN_O.replace("\n", "\r\n"))
    assert record.target == "init/main.o"
    assert len(record.deps) == 4 and record.diagnostics == ()


def test_truncated_file_is_a_warning_with_line_and_keeps_what_it_read():
    cut = MAIN_O[: MAIN_O.index("  /src/include/linux/kconfig.h")]
    record = parse_cmdfile(cut, "init/.main.o.cmd")
    assert record.target == "init/main.o"
    assert record.deps == ("/src/include/linux/compiler-version.h",)
    (diag,) = record.diagnostics
    assert diag.path == "init/.main.o.cmd" and diag.line > 0
    assert "truncated" in diag.message


def test_binary_garbage_is_a_warning_not_an_exception():
    record = parse_cmdfile("\x7fELF\x00\x01\x02garbage", "x/.y.o.cmd")
    assert record.target == ""
    assert any("binary" in d.message for d in record.diagnostics)


def test_empty_file_has_no_command():
    record = parse_cmdfile("", "a/.b.o.cmd")
    assert record.target == ""
    assert "no savedcmd_" in record.diagnostics[0].message


def test_strict_mode_raises_with_location():
    with pytest.raises(ParseError) as info:
        parse_cmdfile("savedcmd_x.o := gcc\nthis is not kbuild\n", "d/.x.o.cmd", strict=True)
    assert str(info.value).startswith("d/.x.o.cmd:2: warning: unrecognised line")


# tools/objtool/.fixdep.o.cmd of a Linux 6.1 O= build (tools/build/Build.include,
# dep-cmd, before tools' own fixdep exists): a raw gcc depfile between comments and the
# command (lines cut out of the middle of its list)
RAW_DEPFILE_CMD = """\
# cannot find fixdep (/k/v6.1/tools/objtool//fixdep)
# using basic dep data

/k/v6.1/tools/objtool/fixdep.o: fixdep.c \\
 /usr/include/stdc-predef.h /usr/include/x86_64-linux-gnu/sys/types.h \\
 /usr/include/features.h /usr/include/features-time64.h \\
 /usr/include/x86_64-linux-gnu/bits/posix2_lim.h

cmd_/k/v6.1/tools/objtool/fixdep.o := gcc -Wp,-MD,/k/v6.1/tools/objtool/.fixdep.o.d \
-Wp,-MT,/k/v6.1/tools/objtool/fixdep.o  -D"BUILD_STR(s)=$(pound)s"   -c -o \
/k/v6.1/tools/objtool/fixdep.o fixdep.c
"""


def test_a_raw_depfile_in_a_cmd_file_is_read_as_prerequisites():
    parsed = parse_cmdfile(RAW_DEPFILE_CMD, "tools/objtool/.fixdep.o.cmd")
    assert parsed.diagnostics == ()
    assert parsed.target == "/k/v6.1/tools/objtool/fixdep.o"
    assert parsed.extra_prereqs == (
        "fixdep.c",
        "/usr/include/stdc-predef.h",
        "/usr/include/x86_64-linux-gnu/sys/types.h",
        "/usr/include/features.h",
        "/usr/include/features-time64.h",
        "/usr/include/x86_64-linux-gnu/bits/posix2_lim.h",
    )
