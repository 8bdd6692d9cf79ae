"""The #include edges of a target's files on a real sample_tree build: chains through
plain and forced includes, the cases no scan can resolve, and agreement with the chains
why-rebuild prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Build

from depgraph.model import BuildTree
from depgraph.questions.includes import IncludeEdge, IncludeResolver, include_flags
from depgraph.questions.why import Change, why_rebuild
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.sources import SourceReader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kbuild"


def load(build: Build) -> tuple[BuildTree, SourceReader]:
    layout = locate(str(build.obj), {}, "/")
    return load_tree(layout), SourceReader(layout)


def test_chain_from_the_source_to_a_header_two_includes_away(sample_build: Build):
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    chain = resolver.shortest_chains(tree.targets["init/main.o"], "include/linux/kern_levels.h")
    assert chain == (
        IncludeEdge("include/linux/kern_levels.h", "include/linux/printk.h", 4,
                    "#include <linux/kern_levels.h>"),
        IncludeEdge("include/linux/kernel.h", "init/main.c", 2, "#include <linux/kernel.h>"),
        IncludeEdge("include/linux/printk.h", "include/linux/kernel.h", 6,
                    "#include <linux/printk.h>"),
    )  # fmt: skip


def test_chain_through_a_file_the_command_line_forces_in(sample_build: Build):
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    main = tree.targets["init/main.o"]
    chain = resolver.shortest_chains(main, "include/linux/compiler_attributes.h")
    assert chain == (
        IncludeEdge("include/linux/compiler_attributes.h", "include/linux/compiler_types.h", 6,
                    "#include <linux/compiler_attributes.h>"),
        IncludeEdge("include/linux/compiler_types.h", "init/main.c", 0,
                    "-include include/linux/compiler_types.h (command line)"),
    )  # fmt: skip
    assert {e.included for e in resolver.forced(main)} == {
        "include/linux/kconfig.h",
        "include/linux/compiler_types.h",
    }


def test_every_shortest_chain_when_two_includes_reach_a_header_at_once(sample_build: Build):
    # netdev.c includes <linux/kernel.h> (line 2) and "../common/helper.h" (line 4),
    # which includes <linux/kernel.h> again: kernel.h is one step away, printk.h two.
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    netdev = tree.targets["drivers/net/netdev.o"]
    chain = resolver.shortest_chains(netdev, "include/linux/printk.h")
    assert [(e.included, e.includer) for e in chain] == [
        ("include/linux/kernel.h", "drivers/net/netdev.c"),
        ("include/linux/printk.h", "include/linux/kernel.h"),
    ]
    edges = resolver.edges_from(netdev, "drivers/net/netdev.c")
    assert ("drivers/common/helper.h", 4) in {(e.included, e.line) for e in edges}


def test_an_include_spelt_through_a_macro_has_no_chain(sample_build: Build):
    # netqueue.c: #include __stringify(QUEUE_REGS_DIR/queue_regs.h), as trace headers do.
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    netqueue = tree.targets["drivers/net/netqueue.o"]
    assert "drivers/common/hw/queue_regs.h" in netqueue.deps
    assert resolver.shortest_chains(netqueue, "drivers/common/hw/queue_regs.h") == ()
    assert resolver.shortest_chains(netqueue, "include/no/such.h") == ()


def test_a_header_is_resolved_for_the_first_object_that_lists_it(sample_build: Build):
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    context = resolver.context("drivers/common/helper.h")
    assert context is not None and context.name == "drivers/net/netdev.o"
    assert resolver.context("init/main.o") is tree.targets["init/main.o"]
    assert resolver.context("include/no/such.h") is None


def test_chains_hold_every_chain_why_rebuild_prints(sample_build: Build):
    """The two implementations of gcc's search (query's and this one) must agree."""
    tree, reader = load(sample_build)
    resolver = IncludeResolver(tree, reader)
    headers = sorted(f for f in tree.users if f.endswith(".h") and not tree.is_generated(f))
    checked = 0
    for header in headers:
        answer = why_rebuild(tree, [Change(header)], reader)
        for rebuild in answer.compile:
            for reason in rebuild.reasons:
                if reason.kind != "file" or not reason.chain:
                    continue
                edges = resolver.shortest_chains(tree.targets[rebuild.target], reason.cause)
                hops = {(e.included, e.includer, e.line) for e in edges}
                assert {(s.to, s.file, s.line) for s in reason.chain} <= hops, rebuild.target
                checked += 1
    assert checked > 50


_WORD_FLAG = re.compile(r"(?:^|\s)(-iquote|-isystem|-idirafter|-I)\s*([^\s-][^\s]*)")


@pytest.mark.parametrize(
    "command",
    [
        *(path.read_text().split("\n", 1)[0] for path in sorted(FIXTURES.glob("*.cmd"))),
        "gcc -I include -Iarch/x86/include -iquote . -isystem /usr/lib/gcc/include -c a.c",
        "gcc -idirafter late -I  spaced x-Inot -Ia-b -I-nope -I",
        "-Ifirst gcc\t-I\ttabbed",
    ],
)
def test_include_flags_are_the_words_a_plain_scan_finds(command: str):
    """The fast scan (a literal first, the word start checked after) finds exactly the
    flags that begin a word, as a scan that looks at every position does."""
    assert include_flags(command) == tuple(_WORD_FLAG.findall(command))
