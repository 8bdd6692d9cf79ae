"""Rankings of a real sample_tree build checked against counts taken straight from its
.cmd files with plain Python (no depgraph parser), stale leftovers included."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conftest import Build

from depgraph.questions import rank
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree


@dataclass
class Compiled:
    files: set[str] = field(default_factory=set)  # source and deps_ list, as ids
    deps: set[str] = field(default_factory=set)
    symbols: set[str] = field(default_factory=set)


def read_cmd_files(build: Build) -> dict[str, Compiled]:
    """Every compiled target (one with a source_ line; vmlinux is linked, vmlinux.lds is
    preprocessed: compiled) of the tree."""
    obj, src = str(build.obj), str(build.src.resolve())

    def ident(path: str) -> str:
        full = os.path.normpath(path if path.startswith("/") else os.path.join(obj, path))
        for root in (obj, src):
            if full.startswith(root + "/"):
                return full[len(root) + 1 :]
        return full

    found: dict[str, Compiled] = {}
    for cmd in Path(obj).rglob(".*.cmd"):
        if "source" in cmd.relative_to(obj).parts:
            continue
        lines = cmd.read_text().splitlines()
        target = lines[0].split(" := ")[0].split("_", 1)[1]
        source = [ln.split(" := ", 1)[1] for ln in lines if ln.startswith("source_")]
        if not source or target.rsplit("/", 1)[-1] == "vmlinux":  # linked by its script
            continue
        entry = found[ident(target)] = Compiled()
        in_deps = False
        for line in lines:
            if line.startswith("deps_"):
                in_deps = True
                continue
            if in_deps and not line.startswith(" "):
                break
            word = line.strip().rstrip("\\").strip()
            if not in_deps or not word:
                continue
            if word.startswith("$(wildcard include/config/"):
                entry.symbols.add("CONFIG_" + word[len("$(wildcard include/config/") : -1])
            elif word != "include/generated/autoconf.h":  # fixdep drops it
                entry.deps.add(ident(word))
        entry.files = entry.deps | {ident(source[0])}
    return found


def expected_rows(compiled: dict[str, Compiled], what: str) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for entry in compiled.values():
        counts.update(entry.files if what == "headers" else entry.symbols)
    names = {d for e in compiled.values() for d in e.deps} if what == "headers" else set(counts)
    return sorted(((n, counts[n]) for n in names), key=lambda r: (-r[1], r[0]))


def test_headers_and_symbols_match_counts_from_the_cmd_files(sample_build: Build):
    tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    compiled = read_cmd_files(sample_build)
    assert rank.objects(tree) == set(compiled)
    total = len(compiled)
    headers = rank.rank_headers(tree)
    assert [(r.name, r.objects) for r in headers] == expected_rows(compiled, "headers")
    assert all(r.share == r.objects / total for r in headers)
    symbols = rank.rank_symbols(tree)
    assert [(r.name, r.objects) for r in symbols] == expected_rows(compiled, "symbols")
    # kconfig.h is forced into every compile; helper.h only into drivers/net.
    by_name = {r.name: r.objects for r in headers}
    assert by_name["include/linux/kconfig.h"] == total
    assert by_name["drivers/common/helper.h"] == 2


def test_objects_by_their_files_and_symbols(sample_build: Build):
    tree = load_tree(locate(str(sample_build.obj), {}, "/"))
    compiled = read_cmd_files(sample_build)
    expected = sorted(
        ((n, len(e.files), len(e.symbols)) for n, e in compiled.items()),
        key=lambda r: (-(r[1] + r[2]), r[0]),
    )
    assert [(c.name, c.files, c.symbols) for c in rank.rank_objects(tree)] == expected


def test_stale_objects_of_an_earlier_configuration_are_not_counted(own_build: Build):
    config = own_build.obj / ".config"
    config.write_text(
        config.read_text().replace("CONFIG_SINGLE_MOD=m", "# CONFIG_SINGLE_MOD is not set")
    )
    own_build.make()
    tree = load_tree(locate(str(own_build.obj), {}, "/"))
    compiled = read_cmd_files(own_build)
    # The .cmd files of single.ko's objects are still there; make never visits them.
    switched_off = {"drivers/misc/single.o", "drivers/misc/single.mod.o"}
    assert switched_off <= set(compiled)
    live = {n: e for n, e in compiled.items() if n not in switched_off}
    assert rank.objects(tree) == set(live)
    headers = rank.rank_headers(tree)
    assert [(r.name, r.objects) for r in headers] == expected_rows(live, "headers")
    assert all(r.share == r.objects / len(live) for r in headers)
    assert [(r.name, r.objects) for r in rank.rank_symbols(tree)] == expected_rows(live, "symbols")
