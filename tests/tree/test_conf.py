"""sample_tree's Kconfig program, ``scripts/kconfig/conf`` in a built object tree, run the
way depgraph runs a kernel's: ``conf --olddefconfig Kconfig`` in a scratch directory, with
``srctree`` and ``KCONFIG_CONFIG`` (a scratch copy of ``.config``) in the environment.

The scratch directory holds a copy of ``include/config/auto.conf``: like the kernel's conf,
``--olddefconfig`` writes auto.conf & co only where auto.conf does not exist yet, so with
it present the program writes nothing but ``.config`` (and ``.config.old``, its backup).

With DEPGRAPH_KERNEL_TREE set to a real Linux 6.12 object tree, the same edits also go
through that tree's own ``scripts/kconfig/conf``, which must write the same ``.config``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Build, snapshot

from depgraph.parse.config import parse_config

KERNEL_TREE = os.environ.get("DEPGRAPH_KERNEL_TREE")


def files_under(top: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(top)): p.read_bytes()
        for p in sorted(top.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def olddefconfig(
    conf: Path, src: Path, scratch: Path, config_text: str
) -> tuple[dict[str, str], str, dict[str, bytes]]:
    """Run ``conf --olddefconfig`` on ``config_text`` in ``scratch``: the resolved values,
    the .config text written, and every file of the scratch directory before the run."""
    config = scratch / ".config"
    config.write_text(config_text)
    before = files_under(scratch)
    result = subprocess.run(
        [str(conf), "--olddefconfig", "Kconfig"],
        cwd=scratch,
        env={**os.environ, "srctree": str(src), "KCONFIG_CONFIG": str(config)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = config.read_text()
    return parse_config(text).values, text, before


@pytest.fixture
def scratch(sample_build: Build, tmp_path: Path) -> Path:
    """A scratch directory with a copy of the build's auto.conf (so conf writes only
    .config there)."""
    directory = tmp_path / "scratch"
    (directory / "include" / "config").mkdir(parents=True)
    shutil.copy(
        sample_build.obj / "include/config/auto.conf", directory / "include/config/auto.conf"
    )
    return directory


def conf_of(build: Build) -> Path:
    return build.obj / "scripts" / "kconfig" / "conf"


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


# name -> (.config edits of the built tree's .config, values expected after olddefconfig)
CASES = {
    # A choice member set to y: the others go to n, the derived HZ follows.
    "choice member": (
        [("# CONFIG_HZ_1000 is not set", "CONFIG_HZ_1000=y")],
        {"CONFIG_HZ_100": "n", "CONFIG_HZ_250": "n", "CONFIG_HZ_1000": "y", "CONFIG_HZ": "1000"},
    ),
    # CONFIG_HZ has no prompt: a value written into .config is undone.
    "derived int": (
        [("CONFIG_HZ=250", "CONFIG_HZ=1000")],
        {"CONFIG_HZ_250": "y", "CONFIG_HZ_1000": "n", "CONFIG_HZ": "250"},
    ),
    # NET_STATS selects CRC8_TABLE (not in .config before: no prompt, n).
    "select": (
        [("# CONFIG_NET_STATS is not set", "CONFIG_NET_STATS=y")],
        {"CONFIG_NET_STATS": "y", "CONFIG_CRC8_TABLE": "y"},
    ),
    # ... unless optimizing for size ("select CRC8_TABLE if !CC_OPTIMIZE_FOR_SIZE").
    "conditional select": (
        [
            ("# CONFIG_NET_STATS is not set", "CONFIG_NET_STATS=y"),
            ("# CONFIG_CC_OPTIMIZE_FOR_SIZE is not set", "CONFIG_CC_OPTIMIZE_FOR_SIZE=y"),
        ],
        {"CONFIG_NET_STATS": "y", "CONFIG_CC_OPTIMIZE_FOR_SIZE": "y", "CONFIG_CRC8_TABLE": None},
    ),
    # A symbol without a prompt cannot be set by hand.
    "select-only symbol": (
        [("# CONFIG_NET_STATS is not set", "# CONFIG_NET_STATS is not set\nCONFIG_CRC8_TABLE=y")],
        {"CONFIG_NET_STATS": "n", "CONFIG_CRC8_TABLE": None},
    ),
    # NET_DEBUG_VERBOSE depends on NET_DEBUG (off): the user value is dropped.
    "unmet dependency": (
        [
            (
                "# CONFIG_NET_DEBUG is not set",
                "# CONFIG_NET_DEBUG is not set\nCONFIG_NET_DEBUG_VERBOSE=y",
            )
        ],
        {"CONFIG_NET_DEBUG": "n", "CONFIG_NET_DEBUG_VERBOSE": None},
    ),
    # ... and kept once the dependency holds.
    "met dependency": (
        [("# CONFIG_NET_DEBUG is not set", "CONFIG_NET_DEBUG=y\nCONFIG_NET_DEBUG_VERBOSE=y")],
        {"CONFIG_NET_DEBUG": "y", "CONFIG_NET_DEBUG_VERBOSE": "y"},
    ),
    # A tristate set to m.
    "module": (
        [("# CONFIG_EXTRA_DRIVER is not set", "CONFIG_EXTRA_DRIVER=m")],
        {"CONFIG_EXTRA_DRIVER": "m"},
    ),
    # Without modules, m becomes y.
    "module without modules": (
        [
            ("# CONFIG_EXTRA_DRIVER is not set", "CONFIG_EXTRA_DRIVER=m"),
            ("CONFIG_MODULES=y", "# CONFIG_MODULES is not set"),
        ],
        {
            "CONFIG_EXTRA_DRIVER": "y",
            "CONFIG_MYMOD": "y",
            "CONFIG_SINGLE_MOD": "y",
            "CONFIG_MODULES": "n",
        },
    ),
    # Two members y: the one read last wins (confdata.c moves each to the front).
    "two members y": (
        [
            ("CONFIG_HZ_250=y", "CONFIG_HZ_250=y\nCONFIG_HZ_1000=y"),
            ("# CONFIG_HZ_1000 is not set\n", ""),
        ],
        {"CONFIG_HZ_250": "n", "CONFIG_HZ_1000": "y", "CONFIG_HZ": "1000"},
    ),
    "two members y, other order": (
        [("# CONFIG_HZ_100 is not set", "CONFIG_HZ_100=y")],
        {"CONFIG_HZ_100": "n", "CONFIG_HZ_250": "y", "CONFIG_HZ": "250"},
    ),
    # The chosen member set to n and no other y: not the default (explicitly n), not a
    # member without a value (all have one): the lowest-priority n, HZ_100 here.
    "chosen member off": (
        [("CONFIG_HZ_250=y", "# CONFIG_HZ_250 is not set")],
        {"CONFIG_HZ_100": "y", "CONFIG_HZ_250": "n", "CONFIG_HZ_1000": "n", "CONFIG_HZ": "100"},
    ),
    # No member listed: the choice's default.
    "no member listed": (
        [
            ("# CONFIG_HZ_100 is not set\n", ""),
            ("CONFIG_HZ_250=y\n", ""),
            ("# CONFIG_HZ_1000 is not set\n", ""),
            ("CONFIG_HZ=250\n", ""),
        ],
        {"CONFIG_HZ_250": "y", "CONFIG_HZ": "250"},
    ),
    # An int out of its range is clamped to the bound it passed.
    "range": ([("CONFIG_NR_QUEUES=4", "CONFIG_NR_QUEUES=100")], {"CONFIG_NR_QUEUES": "64"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_olddefconfig_resolves_like_the_kernel(sample_build: Build, scratch: Path, case: str):
    edits, expected = CASES[case]
    original = (sample_build.obj / ".config").read_text()
    values, text, before = olddefconfig(
        conf_of(sample_build), sample_build.src, scratch, edited(original, *edits)
    )
    assert {symbol: values.get(symbol) for symbol in expected} == expected
    # Kconfig keeps the rest of the configuration as it was
    unchanged = parse_config(original).values
    assert {s: v for s, v in values.items() if s not in expected} == {
        s: v for s, v in unchanged.items() if s not in expected
    }
    # Only .config was written, through a new file when its text changed, the previous one
    # then kept as .config.old
    given = edited(original, *edits).encode()
    after = files_under(scratch)
    assert set(after) == set(before) | ({".config.old"} if text.encode() != given else set())
    assert after.get(".config.old", given) == given
    assert {f: b for f, b in after.items() if not f.startswith(".config")} == {
        f: b for f, b in before.items() if f != ".config"
    }
    assert text.startswith("#\n# Automatically generated file; DO NOT EDIT.\n")


def test_olddefconfig_writes_nothing_else(sample_build: Build, scratch: Path):
    """Neither the object tree nor the source tree changes, and a .config that already
    holds the resolved text is not even rewritten (no .config.old)."""
    obj_before, src_before = snapshot(sample_build.obj), snapshot(sample_build.src)
    original = (sample_build.obj / ".config").read_text()
    _, text, before = olddefconfig(conf_of(sample_build), sample_build.src, scratch, original)
    assert text == original
    assert files_under(scratch) == before
    assert snapshot(sample_build.obj) == obj_before
    assert snapshot(sample_build.src) == src_before
    assert not list(sample_build.src.rglob("__pycache__"))


def test_olddefconfig_without_auto_conf_creates_it_like_the_kernel(
    sample_build: Build, tmp_path: Path
):
    """The kernel's conf creates auto.conf & co where none exists ("create auto.conf if
    it does not exist", conf.c): so does this one, in the working directory."""
    original = (sample_build.obj / ".config").read_text()
    olddefconfig(conf_of(sample_build), sample_build.src, tmp_path, original)
    written = files_under(tmp_path)
    assert {".config", "include/config/auto.conf", "include/generated/autoconf.h"} <= set(written)
    assert (
        written["include/config/auto.conf"]
        == (sample_build.obj / "include/config/auto.conf").read_bytes()
    )
    assert "include/config/HZ" in written  # first sync: a stamp for every symbol set


def test_the_objtree_has_the_program(sample_build: Build):
    conf = conf_of(sample_build)
    assert os.access(conf, os.X_OK)
    usage = subprocess.run([str(conf)], capture_output=True, text=True, check=False)
    assert usage.returncode == 1 and "--olddefconfig" in usage.stderr


def test_syncconfig_mode_is_what_the_build_runs(sample_build: Build, tmp_path: Path):
    """``conf --syncconfig`` (the Makefile's sync step) on the build's own files gives
    the build's auto.conf back, and touches no stamp (nothing changed)."""
    for name in (".config", "include/config/auto.conf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sample_build.obj / name, tmp_path / name)
    result = subprocess.run(
        [str(conf_of(sample_build)), "--syncconfig", "Kconfig"],
        cwd=tmp_path,
        env={**os.environ, "srctree": str(sample_build.src)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # syncconfig is silent
    written = files_under(tmp_path)
    assert (
        written["include/config/auto.conf"]
        == (sample_build.obj / "include/config/auto.conf").read_bytes()
    )
    assert sorted(f for f in written if f.startswith("include/config/")) == [
        "include/config/auto.conf",
        "include/config/auto.conf.cmd",
    ]  # no stamp: nothing changed


@pytest.mark.kernel
@pytest.mark.skipif(not KERNEL_TREE, reason="DEPGRAPH_KERNEL_TREE is not set")
@pytest.mark.parametrize("case", list(CASES))
def test_the_kernels_own_conf_agrees(sample_build: Build, tmp_path: Path, case: str):
    real = Path(str(KERNEL_TREE)) / "scripts" / "kconfig" / "conf"
    if not os.access(real, os.X_OK):
        pytest.skip(f"{real}: no Kconfig program")
    text = edited((sample_build.obj / ".config").read_text(), *CASES[case][0])
    results = []
    for conf, name in ((real, "real"), (conf_of(sample_build), "sample")):
        scratch = tmp_path / name
        scratch.mkdir()
        results.append(olddefconfig(conf, sample_build.src, scratch, text)[1])
    assert results[0] == results[1]
