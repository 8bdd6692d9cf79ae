"""compile_commands.json entries: the same as the kernel's gen_compile_commands.py gives
on a real sample_tree build, and the right ones for real O=, in-tree and M= .cmd lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Build

from depgraph.model import BuildTree, NodeKind, Target
from depgraph.parse.cmdfile import parse_cmdfile
from depgraph.questions.compdb import compile_commands
from depgraph.render.compdb import render_compile_commands
from depgraph.tree.fs import REAL, FakeFileSystem
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree

GEN = Path("/work/kernels/linux-6.12/scripts/clang-tools/gen_compile_commands.py")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kbuild"


def Files(*paths: str) -> FakeFileSystem:  # noqa: N802 (reads like the class it makes)
    """A small fake file system: the files that exist, no symbolic links."""
    return FakeFileSystem(dict.fromkeys(paths, ""))


@pytest.mark.skipif(not GEN.exists(), reason="the kernel's gen_compile_commands.py is absent")
def test_same_database_as_gen_compile_commands_on_a_real_build(sample_build: Build, tmp_path):
    out = tmp_path / "compile_commands.json"
    subprocess.run(
        [sys.executable, str(GEN), "-d", str(sample_build.obj), "-o", str(out)], check=True
    )
    theirs = json.loads(out.read_text())
    layout = locate(str(sample_build.obj), {}, "/")
    directory = str(Path(layout.objtree).resolve())
    entries = compile_commands(load_tree(layout), directory=directory, scan=layout.scan,
                               real_file=REAL.real_file)  # fmt: skip
    ours = json.loads(render_compile_commands(entries))
    assert len(ours) == len(theirs) > 15
    key = lambda e: (e["file"], e["command"])  # noqa: E731
    assert sorted(ours, key=key) == sorted(theirs, key=key)
    # The sample compiles each file once, so even the text is the script's.
    assert render_compile_commands(entries) == out.read_text() + "\n"


def target(cmd_file: str, text: str) -> Target:
    record = parse_cmdfile(text, cmd_file)
    return Target(record.target, NodeKind.OBJECT, cmd_file, record.command, 1, record.source,
                  record.deps, (), ())  # fmt: skip


def tree(objtree: str, srctree: str, layout: str, targets: list[Target]) -> BuildTree:
    return BuildTree(objtree, srctree, layout, {t.name: t for t in targets}, {}, {}, {}, [],
                     len(targets), set(), set())  # fmt: skip


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_o_build_objects_from_c_and_s_files_only():
    src = "/work/kernels/linux-6.12"
    targets = [
        target("init/.main.o.cmd", fixture("init__.main.o.cmd")),
        target("arch/x86/kernel/.head_32.o.cmd", fixture("arch__x86__kernel__.head_32.o.cmd")),
        # Linked, preprocessed or archived: no entry.
        target("fs/autofs/.autofs4.o.cmd", fixture("fs__autofs__.autofs4.o.cmd")),
        target("arch/x86/kernel/.vmlinux.lds.cmd", fixture("arch__x86__kernel__.vmlinux.lds.cmd")),
        target("lib/.lib.a.cmd", fixture("lib__.lib.a.cmd")),
    ]
    files = Files(f"{src}/init/main.c", f"{src}/arch/x86/kernel/head_32.S",
                  f"{src}/arch/x86/kernel/vmlinux.lds.S")  # fmt: skip
    entries = compile_commands(tree("/obj", src, "O=", targets), directory="/obj", scan="/obj",
                               real_file=files.real_file)  # fmt: skip
    assert [(e.file, e.target) for e in entries] == [
        (f"{src}/arch/x86/kernel/head_32.S", "arch/x86/kernel/head_32.o"),
        (f"{src}/init/main.c", "init/main.o"),
    ]
    main = entries[1]
    assert main.directory == "/obj"
    assert main.command.startswith("gcc -Wp,-MMD,init/.main.o.d ")
    assert main.command.endswith(f" -c -o init/main.o {src}/init/main.c")


def test_a_command_ends_with_its_source_what_follows_a_semicolon_is_left_out():
    # net/netfilter/.xt_mark.o.cmd of a 6.12 x86_64 defconfig build, flags trimmed.
    text = (
        "savedcmd_net/netfilter/xt_mark.o := gcc -Wp,-MMD,net/netfilter/.xt_mark.o.d "
        "-nostdinc -DKBUILD_MODNAME='\"xt_mark\"' -c -o net/netfilter/xt_mark.o "
        "/src/net/netfilter/xt_mark.c   ; ./tools/objtool/objtool --hacks=jump_label --orc "
        "--link  --module net/netfilter/xt_mark.o\n"
    )
    entries = compile_commands(
        tree("/obj", "/src", "O=", [target("net/netfilter/.xt_mark.o.cmd", text)]),
        directory="/obj", scan="/obj", real_file=Files("/src/net/netfilter/xt_mark.c").real_file,
    )  # fmt: skip
    assert len(entries) == 1
    assert entries[0].command.endswith(" -o net/netfilter/xt_mark.o /src/net/netfilter/xt_mark.c")


def test_a_source_that_is_gone_and_the_excluded_top_directories_give_no_entry():
    text = fixture("init__.main.o.cmd")
    targets = [
        target("init/.main.o.cmd", text),
        target("tools/objtool/.main.o.cmd", text.replace("init/main.o", "tools/objtool/x.o")),
        target("include/.main.o.cmd", text.replace("init/main.o", "include/x.o")),
    ]
    built = tree("/obj", "/work/kernels/linux-6.12", "O=", targets)
    assert compile_commands(built, directory="/obj", scan="/obj", real_file=Files().real_file) == []
    present = Files("/work/kernels/linux-6.12/init/main.c")
    found = compile_commands(built, directory="/obj", scan="/obj", real_file=present.real_file)
    assert [e.target for e in found] == ["init/main.o"]


def test_in_tree_build_joins_relative_sources_to_the_tree():
    targets = [target("init/.main.o.cmd", fixture("intree__init__.main.o.cmd"))]
    entries = compile_commands(
        tree("/linux", "/linux", "in-tree", targets),
        directory="/linux", scan="/linux", real_file=Files("/linux/init/main.c").real_file,
    )  # fmt: skip
    assert [(e.directory, e.file) for e in entries] == [("/linux", "/linux/init/main.c")]
    assert entries[0].command.endswith(" -c -o init/main.o init/main.c")


def test_external_module_commands_run_in_the_kernel_object_tree():
    # kbuild <= 6.12 runs an M= module's commands in the kernel objtree, as
    # "make M=DIR compile_commands.json" records them; the .cmd files are the module's.
    cmd_file = "/work/kernels/extmod/.main.o.cmd"
    targets = [target(cmd_file, fixture("extmod__.main.o.cmd"))]
    entries = compile_commands(
        tree("/work/kernels/tiny", "/work/kernels/linux-6.12", "M=", targets),
        directory="/work/kernels/tiny", scan="/work/kernels/extmod",
        real_file=Files("/work/kernels/extmod/main.c").real_file,
    )  # fmt: skip
    assert [(e.directory, e.file, e.target) for e in entries] == [
        ("/work/kernels/tiny", "/work/kernels/extmod/main.c", "/work/kernels/extmod/main.o")
    ]
