"""Tests for depgraph.parse.command on the link commands of a real 6.12 tree."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from depgraph.parse.cmdfile import parse_cmdfile
from depgraph.parse.command import parse_command, split_command, tool_programs


def test_builtin_archive_printf_xargs_form():
    io = parse_command(
        'rm -f init/built-in.a;  printf "init/%s " main.o version.o sub/built-in.a '
        "| xargs ar cDPrST init/built-in.a"
    )
    assert io.candidates == ("init/main.o", "init/version.o", "init/sub/built-in.a")
    assert io.outputs == ("init/built-in.a",)


def test_top_builtin_archive_dot_prefix():
    io = parse_command(
        'rm -f built-in.a;  printf "./%s " init/built-in.a kernel/built-in.a '
        "| xargs ar cDPrST built-in.a"
    )
    assert io.candidates == ("./init/built-in.a", "./kernel/built-in.a")


def test_lib_archive():
    io = parse_command("rm -f lib/lib.a; ar cDPrsT lib/lib.a lib/ctype.o lib/string.o")
    assert io.candidates == ("lib/ctype.o", "lib/string.o")
    assert io.outputs == ("lib/lib.a",)


def test_vmlinux_a_ignores_the_member_reordering_step():
    io = parse_command(
        "rm -f vmlinux.a; ar cDPrST vmlinux.a ./built-in.a  lib/lib.a  arch/x86/lib/lib.a; "
        "ar mPiT $$(ar t vmlinux.a | sed -n 1p) vmlinux.a $$(ar t vmlinux.a | grep -F -f "
        "/src/scripts/head-object-list.txt)".replace("$$", "$")
    )
    assert {"./built-in.a", "lib/lib.a", "arch/x86/lib/lib.a"} <= set(io.candidates)
    assert "vmlinux.a" not in io.candidates


def test_vmlinux_o_ld_relocatable():
    io = parse_command(
        "ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -r -o vmlinux.o   "
        "--whole-archive vmlinux.a --no-whole-archive --start-group  --end-group "
    )
    assert io.candidates == ("vmlinux.a",)
    assert io.outputs == ("vmlinux.o",)


def test_composite_module_response_file():
    io = parse_command("ld -m elf_i386 -z noexecstack -r -o fs/x/x.o @fs/x/x.mod")
    assert io.response_files == ("fs/x/x.mod",)
    assert io.outputs == ("fs/x/x.o",)


def test_modules_order_cat_and_echo():
    io = parse_command("{   cat init/modules.order;   echo fs/a.o; :; } > modules.order")
    assert io.candidates == ("init/modules.order", "fs/a.o")
    assert io.outputs == ("modules.order",)


def test_generated_header_from_vmlinux():
    io = parse_command(
        "nm vmlinux | sed -n -e 's/^\\([0-9a-fA-F]*\\) [ABCDGRSTVW] \\(_text\\)$/#define "
        "VO_\\2 _AC(0x\\1,UL)/p' > arch/x86/boot/compressed/../voffset.h"
    )
    assert io.candidates == ("vmlinux",)
    assert io.outputs == ("arch/x86/boot/compressed/../voffset.h",)


def test_unbalanced_quote_does_not_raise():
    io = parse_command('ld -o a.o "b.o c.o')
    assert "a.o" in io.outputs


def _shlex_words(command: str) -> list[str] | None:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|<>(){}")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return None


SHELL_SAMPLES = [
    'a "b c" d',
    "x 'y z'w",
    "echo a\\ b",
    "a>b",
    "a >> b 2>c",
    'echo "a\\"b"',
    'echo "a\\nb"',
    "{ cat x; echo y; :; } > z",
    "a&&b||c",
    "sed -e 's/a/b/;s|x|y|' -e \"s/\\$$/x/\"",
    "x=$$(y)  ",
    "",
]


@pytest.mark.parametrize("command", SHELL_SAMPLES)
def test_split_matches_shlex_posix(command: str) -> None:
    assert split_command(command) == _shlex_words(command)


def test_split_matches_shlex_on_every_saved_command_of_the_fixtures() -> None:
    commands = [
        parse_cmdfile(path.read_text(), path.name).command
        for path in sorted((Path(__file__).parent.parent / "fixtures" / "kbuild").iterdir())
    ]
    assert len([c for c in commands if c]) > 30
    for command in commands:
        assert split_command(command) == _shlex_words(command), command


@pytest.mark.parametrize("command", ["echo 'cut", 'echo "cut', "trailing\\"])
def test_split_of_unbalanced_quotes_falls_back_to_plain_words(command: str) -> None:
    assert _shlex_words(command) is None
    assert split_command(command) == command.split()


# The compile command of a device tree (scripts/Makefile.dtbs, cmd_dtc of Linux 6.12)
DTC = (
    "gcc -E -Wp,-MMD,arch/arm64/boot/dts/arm/.juno.dtb.d.pre.tmp -nostdinc -I "
    "/s/scripts/dtc/include-prefixes -undef -D__DTS__ -x assembler-with-cpp -o "
    "arch/arm64/boot/dts/arm/.juno.dtb.dts.tmp /s/arch/arm64/boot/dts/arm/juno.dts ; "
    "./scripts/dtc/dtc -o arch/arm64/boot/dts/arm/juno.dtb -b 0 -iarch/arm64/boot/dts/arm/ "
    "-i/s/scripts/dtc/include-prefixes -Wno-unique_unit_address -d "
    "arch/arm64/boot/dts/arm/.juno.dtb.d.dtc.tmp arch/arm64/boot/dts/arm/.juno.dtb.dts.tmp ; "
    "cat arch/arm64/boot/dts/arm/.juno.dtb.d.pre.tmp arch/arm64/boot/dts/arm/.juno.dtb.d.dtc.tmp"
    " > arch/arm64/boot/dts/arm/.juno.dtb.d"
)


@pytest.mark.parametrize(
    ("command", "tools"),
    [
        (DTC, ("./scripts/dtc/dtc",)),
        ("gcc -Wp,-MMD,a/.b.o.d -nostdinc -I/s/include -c -o a/b.o /s/a/b.c", ()),
        ("gcc -c -o a.o a.c; ./tools/objtool/objtool --hacks=jump_label a.o",
         ("./tools/objtool/objtool",)),
        ("aarch64-linux-gnu-gcc -c -o a.o a.c", ()),
    ],
)  # fmt: skip
def test_the_tools_a_compile_command_runs_are_named_by_path(command: str, tools: tuple):
    assert tool_programs(command) == tools


def test_an_assembler_wrapper_written_by_echo_reads_the_file_it_incbins():
    # scripts/Makefile.dtbs, cmd_wrap_S_dtb (a real .empty_root.dtb.S.cmd of arm64 6.12)
    command = (
        "{ symbase=__dtb_empty_root; echo '$(pound)include <asm-generic/vmlinux.lds.h>'; "
        "echo '.section .rodata,\"a\"'; echo '.balign STRUCT_ALIGNMENT'; "
        'echo ".global $${symbase}_begin"; echo "$${symbase}_begin:"; '
        'echo \'.incbin "drivers/of/empty_root.dtb" \'; echo ".global $${symbase}_end"; '
        "echo \"$${symbase}_end:\"; echo '.balign STRUCT_ALIGNMENT'; } "
        "> drivers/of/empty_root.dtb.S"
    )
    io = parse_command(command)
    assert io.candidates == ("drivers/of/empty_root.dtb",)
    assert io.outputs == ("drivers/of/empty_root.dtb.S",)
