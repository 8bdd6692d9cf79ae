"""depgraph.tree.makefiles against real builds: the objects a configuration builds, read from
the Makefiles, must be the objects make really made.

The truth is the object tree: a made object is a ``X.o`` with a ``.X.o.cmd`` beside it;
a compiled one has a ``source_`` line in it. Objects kbuild makes outside the Makefiles'
``obj-``/``lib-`` lists are named in ``SAMPLE_OUTSIDE`` and ``KERNEL_OUTSIDE``, each with
the rule that makes it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLE, Build

from depgraph.parse.config import parse_config
from depgraph.tree.layout import locate
from depgraph.tree.load import load_tree
from depgraph.tree.makefiles import ObjectChange, built_objects, diff_built

# sample_tree objects made by rules of their own, not listed by any directory Makefile.
SAMPLE_OUTSIDE = {
    "vmlinux.o": "scripts/Makefile.vmlinux_o links vmlinux.a into it",
    ".vmlinux.export.o": "scripts/Makefile.vmlinux compiles modpost's .vmlinux.export.c",
    ".module-common.o": "scripts/Makefile.modfinal, linked into every .ko",
    "init/version-timestamp.o": "scripts/link-vmlinux.sh compiles it before each link",
    "arch/boot/misc.o": "the top Makefile's bzImage rule (arch/boot `targets`)",
    "kernel/blob.o": "kernel/Makefile's blob.bin rule (`targets`)",
    "drivers/misc/mymod.mod.o": "modpost writes mymod.mod.c",
    "drivers/misc/single.mod.o": "modpost writes single.mod.c",
}

# Linux 6.12 (x86) objects made outside the obj-/lib- lists, as path patterns.
KERNEL_OUTSIDE = {
    r"^scripts/": "host programs: `make scripts` (hostprogs), not the Kbuild descent",
    r"^tools/": "objtool & co.: built by tools/ Makefiles, not kbuild lists",
    r"^arch/x86/tools/": "relocs, a host program (arch/x86/Makefile `archscripts`)",
    r"^arch/x86/boot/": "setup and the compressed kernel: the arch Makefile's bzImage rule",
    r"^arch/x86/realmode/rm/": "realmode-y, linked into realmode.bin by an explicit rule",
    r"^arch/x86/entry/vdso/(vdso32/|v[a-z_-]*\.o$)": "vobjs-y: linked into the vDSO images",
    r"\.mod\.o$": "modpost writes foo.mod.c for each module",
    r"^\.module-common\.o$": "scripts/Makefile.modfinal, linked into every .ko",
    r"^\.vmlinux\.export\.o$": "scripts/Makefile.vmlinux, the export table of vmlinux",
    r"^init/version-timestamp\.o$": "scripts/link-vmlinux.sh compiles it before each link",
}

LINUX = Path("/work/kernels/linux-6.12")
KERNEL_TREES = [Path("/work/kernels/tiny"), Path("/work/kernels/defconfig")]


def made_objects(obj: Path, *, compiled_only: bool = False) -> set[str]:
    """Every ``X.o`` of the object tree with a ``.X.o.cmd`` (with a ``source_`` line
    when ``compiled_only``), objtree-relative."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(obj):
        dirnames[:] = [d for d in dirnames if d != "source"]
        for name in filenames:
            if not (name.startswith(".") and name.endswith(".o.cmd")):
                continue
            if compiled_only and not _has_source(os.path.join(dirpath, name)):
                continue
            found.add(os.path.relpath(os.path.join(dirpath, name[1:-4]), obj))
    return found


def made_modules(obj: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(d, n), obj)
        for d, dirs, files in os.walk(obj)
        for n in files
        if n.endswith(".ko") and f".{n}.cmd" in files
    }


def _has_source(cmd_file: str) -> bool:
    with open(cmd_file, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle):
            if line.startswith("source_"):
                return True
            if number > 4:  # savedcmd_, a blank line, then source_
                return False
    return False


def at(makefile: str, start: str) -> str:
    """``makefile:line`` of the first line of sample_tree's ``makefile`` that starts with
    ``start`` (others edit sample_tree too: numbers are looked up, not written in)."""
    lines = (SAMPLE / makefile).read_text().splitlines()
    (number,) = [n for n, line in enumerate(lines, start=1) if line.startswith(start)][:1]
    return f"{makefile}:{number}"


def auto_conf(obj: Path) -> dict[str, str]:
    return parse_config((obj / "include/config/auto.conf").read_text()).values


def with_config(defconfig: str, changes: dict[str, str]) -> str:
    out = []
    for line in defconfig.splitlines():
        match = re.match(r"^(?:# )?(CONFIG_[A-Z0-9_]+)[= ]", line)
        if match and match.group(1) in changes:
            value = changes[match.group(1)]
            line = f"# {match.group(1)} is not set" if value == "n" else f"{match.group(1)}={value}"
        out.append(line)
    return "\n".join(out) + "\n"


# --- sample_tree ------------------------------------------------------------------------


def test_sample_tree_objects_are_what_make_made(sample_build: Build):
    built = built_objects(str(sample_build.src), auto_conf(sample_build.obj))
    made = made_objects(sample_build.obj)
    outside = made & SAMPLE_OUTSIDE.keys()
    assert outside == SAMPLE_OUTSIDE.keys()
    assert set(built.objects) == made - outside
    assert (built.assumed, built.diagnostics) == ((), ())
    assert built.builtin() == {
        "init/main.o",
        "kernel/printk.o",
        "kernel/sched/core.o",
        "kernel/sched/rt/rt.o",
        "arch/kernel/head.o",
        "arch/kernel/entry.o",
        "kernel/blob-wrap.o",
        "drivers/net/netdev.o",
        "drivers/net/netqueue.o",
        "drivers/misc/chardev.o",
        "lib/string.o",
        "lib/crc8.o",
    }
    assert set(built.modules) == {"drivers/misc/mymod.ko", "drivers/misc/single.ko"}
    assert set(built.modules) == made_modules(sample_build.obj)
    netdev = built.objects["drivers/net/netdev.o"]
    assert (netdev.kind, netdev.via, netdev.where) == (
        "y",
        "composite",
        at("drivers/net/Makefile", "netcore-y"),
    )
    mymod = built.objects["drivers/misc/mymod.o"]
    assert (mymod.kind, mymod.via, mymod.where) == (
        "m",
        "module",
        at("drivers/misc/Makefile", "obj-$(CONFIG_MYMOD)"),
    )
    assert built.objects["lib/crc8.o"].via == "lib"
    assert built.modules["drivers/misc/single.ko"].where == at(
        "drivers/misc/Makefile", "obj-$(CONFIG_SINGLE_MOD)"
    )


VARIANTS = {
    "flipped": {
        "CONFIG_NET_STATS": "y",
        "CONFIG_MYMOD": "y",
        "CONFIG_SINGLE_MOD": "n",
        "CONFIG_PRINTK": "n",
    },
    # Without MODULES, kconfig turns the tristates that were m into y.
    "no-modules": {"CONFIG_MODULES": "n"},
}

EXPECTED_DIFFS = {
    "flipped": (
        [
            ObjectChange(
                "drivers/net/netstats.o",
                None,
                "y",
                at("drivers/net/Makefile", "netcore-$(CONFIG_NET_STATS)"),
            )
        ],
        [
            ObjectChange(
                "drivers/misc/mymod.o",
                "m",
                None,
                at("drivers/misc/Makefile", "obj-$(CONFIG_MYMOD)"),
            ),
            ObjectChange(
                "drivers/misc/single.o",
                "m",
                None,
                at("drivers/misc/Makefile", "obj-$(CONFIG_SINGLE_MOD)"),
            ),
            ObjectChange(
                "kernel/printk.o", "y", None, at("kernel/Makefile", "obj-$(CONFIG_PRINTK)")
            ),
        ],
        [
            ObjectChange(
                "drivers/misc/mymod_main.o", "m", "y", at("drivers/misc/Makefile", "mymod-y")
            ),
            ObjectChange(
                "drivers/misc/mymod_util.o", "m", "y", at("drivers/misc/Makefile", "mymod-y")
            ),
        ],
    ),
    "no-modules": (
        [],
        [
            ObjectChange(
                "drivers/misc/mymod.o",
                "m",
                None,
                at("drivers/misc/Makefile", "obj-$(CONFIG_MYMOD)"),
            )
        ],
        [
            ObjectChange(
                "drivers/misc/mymod_main.o", "m", "y", at("drivers/misc/Makefile", "mymod-y")
            ),
            ObjectChange(
                "drivers/misc/mymod_util.o", "m", "y", at("drivers/misc/Makefile", "mymod-y")
            ),
            ObjectChange(
                "drivers/misc/single.o",
                "m",
                "y",
                at("drivers/misc/Makefile", "obj-$(CONFIG_SINGLE_MOD)"),
            ),
        ],
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_another_configuration_built_from_scratch(
    sample_build: Build, tmp_path: Path, variant: str
):
    """A fresh object tree with a changed .config: no stale objects, so the object set
    is exactly what this configuration builds; diff_built names every change."""
    build = Build(sample_build.src, tmp_path / "obj")
    build.obj.mkdir()
    defconfig = (SAMPLE / "arch/configs/defconfig").read_text()
    (build.obj / ".config").write_text(with_config(defconfig, VARIANTS[variant]))
    build.make()
    built = built_objects(str(build.src), auto_conf(build.obj))
    made = made_objects(build.obj)
    assert set(built.objects) == made - SAMPLE_OUTSIDE.keys()
    assert set(built.modules) == made_modules(build.obj)

    default = built_objects(str(sample_build.src), auto_conf(sample_build.obj))
    diff = diff_built(default, built)
    added, removed, switched = EXPECTED_DIFFS[variant]

    def plain(changes: tuple[ObjectChange, ...]) -> list[ObjectChange]:
        return [replace(change, via="obj") for change in changes]  # the lists, not the kind

    assert (plain(diff.added), plain(diff.removed), plain(diff.switched)) == (
        added,
        removed,
        switched,
    )
    assert diff.modules_added == ()
    gone = {c.path for c in diff.modules_removed}
    assert gone == {"drivers/misc/mymod.ko", "drivers/misc/single.ko"}
    assert not diff_built(built, built)


# --- the walk, on a small tree of our own -----------------------------------------------

TREE = {
    "Kbuild": "obj-y += init/ arch/$(SRCARCH)/ $(ARCH_CORE) $(ARCH_LIB) drivers/\n"
    "obj-$(CONFIG_NET) += net/\n",
    "arch/x86/Kconfig": "config X86\n\tdef_bool y\n",
    "arch/x86/Makefile": "export BITS\nifeq ($(CONFIG_X86_32),y)\n  BITS := 32\nelse\n"
    "  BITS := 64\nendif\nlibs-y += arch/x86/lib/\ncore-$(CONFIG_PCI) += arch/x86/pci/\n",
    "arch/x86/Kbuild": "obj-y += kernel/\n",
    "arch/x86/kernel/Makefile": "obj-y += head_$(BITS).o\n",
    "arch/x86/lib/Makefile": "obj-y += msr.o\nlib-y += memcpy_$(BITS).o\n",
    "arch/x86/pci/Makefile": "obj-y += pci.o\n",
    "lib/Makefile": "lib-y += string.o\n",
    "init/Makefile": "obj-y := main.o\n",
    "init/Kbuild": "obj-y := kbuild_wins.o\n",
    "drivers/Makefile": "obj-m += mods/\nobj-y += missing/\n",
    "drivers/mods/Makefile": "obj-y += never.o\nobj-m += m.o\nm-objs := m1.o m2.o\nlib-y += l.o\n",
    "net/Makefile": "obj-y += sock.o\nobj-y += $(UNKNOWN_VAR)x.o\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in TREE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_walk_follows_kbuild_descent_rules(tree: Path):
    values = {"CONFIG_X86": "y", "CONFIG_X86_32": "y", "CONFIG_NET": "y"}
    built = built_objects(str(tree), values)
    assert {p: (o.kind, o.via) for p, o in built.objects.items()} == {
        "init/kbuild_wins.o": ("y", "obj"),  # Kbuild wins over Makefile
        "arch/x86/kernel/head_32.o": ("y", "obj"),  # BITS exported by the arch Makefile
        "lib/string.o": ("y", "lib"),  # lib/ comes through $(ARCH_LIB)
        "arch/x86/lib/msr.o": ("y", "obj"),
        "arch/x86/lib/memcpy_32.o": ("y", "lib"),
        # obj-m += mods/: its obj-y (never.o) is not built; modules and lib-y are
        "drivers/mods/m1.o": ("m", "composite"),
        "drivers/mods/m2.o": ("m", "composite"),
        "drivers/mods/m.o": ("m", "module"),
        "drivers/mods/l.o": ("y", "lib"),
        "net/sock.o": ("y", "obj"),
    }
    assert set(built.modules) == {"drivers/mods/m.ko"}
    assert built.directories["drivers/mods"].builtin is False
    assert built.directories["drivers/mods"].listed_in == "drivers/Makefile:1"
    assert [str(d) for d in built.diagnostics] == [
        "drivers/Makefile:2: error: directory has no Kbuild or Makefile: 'drivers/missing'",
        "net/Makefile:2: warning: cannot expand $(UNKNOWN_VAR): '$(UNKNOWN_VAR)x.o'",
    ]


def test_walk_with_other_values_and_root_dirs(tree: Path):
    values = {"CONFIG_X86": "y", "CONFIG_PCI": "y"}
    built = built_objects(str(tree), values)
    assert "arch/x86/kernel/head_64.o" in built.objects
    assert "arch/x86/pci/pci.o" in built.objects  # core-$(CONFIG_PCI) -> $(ARCH_CORE)
    assert not any(p.startswith("net/") for p in built.objects)
    only = built_objects(str(tree), values, ["init", "lib"])
    assert set(only.objects) == {"init/kbuild_wins.o", "lib/string.o"}


def test_a_sample_tree_copy_without_the_arch_symbol_still_walks(tmp_path: Path):
    # sample_tree has no arch/*/Kconfig: $(SRCARCH) stays unknown, and nothing needs it
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    built = built_objects(str(src), {"CONFIG_PRINTK": "y"})
    assert "kernel/printk.o" in built.objects
    assert built.diagnostics == ()


# --- Linux 6.12 ---------------------------------------------------------------------------


def _explained(path: str) -> str | None:
    for pattern, reason in KERNEL_OUTSIDE.items():
        if re.search(pattern, path):
            return reason
    return None


@pytest.mark.parametrize("obj", KERNEL_TREES, ids=lambda p: p.name)
def test_kernel_objects_are_the_compiled_ones(obj: Path):
    if not (obj / ".config").exists() or not (LINUX / "Kbuild").exists():
        pytest.skip(f"no {obj} build of {LINUX}")
    built = built_objects(str(LINUX), auto_conf(obj))
    # Objects left from an earlier configuration keep their .cmd files; make no longer
    # builds them (depgraph's loader tells them apart).
    leftovers = set(load_tree(locate(str(obj), {}, "/")).stale)
    compiled = made_objects(obj, compiled_only=True) - leftovers
    made = made_objects(obj) - leftovers
    predicted = set(built.objects)
    # every compiled object is listed by a Makefile, or made by a rule named above
    outside = compiled - predicted
    assert {p for p in outside if not _explained(p)} == set()
    # ... and what is listed but not compiled is linked or copied from compiled objects:
    # composite modules (ld -r of their members), EFI stub objects (objcopy of lib-y).
    linked = predicted - compiled
    assert linked <= made
    assert all(built.objects[p].via == "module" or p.endswith(".stub.o") for p in linked), sorted(
        linked
    )
    assert set(built.modules) == made_modules(obj)
    assert built.assumed == ()
    # ACPICA's `acpi-$(ACPI_FUTURE_USAGE) += …` waits for a command-line switch: reported
    assert all("ACPI_FUTURE_USAGE" in d.message for d in built.diagnostics), built.diagnostics
    print(
        f"\n{obj.name}: {len(predicted & compiled)} compiled objects predicted, "
        f"{len(outside)} made outside the lists, {len(linked)} linked, "
        f"{len(built.modules)} modules"
    )


def test_kernel_switching_a_module_to_built_in():
    obj = KERNEL_TREES[0]
    if not (obj / ".config").exists() or not (LINUX / "Kbuild").exists():
        pytest.skip(f"no {obj} build of {LINUX}")
    values = auto_conf(obj)
    assert values.get("CONFIG_AUTOFS_FS") == "m"
    old = built_objects(str(LINUX), values)
    new = built_objects(str(LINUX), {**values, "CONFIG_AUTOFS_FS": "y"})
    diff = diff_built(old, new)
    assert diff.added == ()
    assert [c.path for c in diff.removed] == ["fs/autofs/autofs4.o"]
    assert {c.path for c in diff.switched} == {
        f"fs/autofs/{n}.o"
        for n in ("dev-ioctl", "expire", "init", "inode", "root", "symlink", "waitq")
    }
    assert all((c.old, c.new) == ("m", "y") for c in diff.switched)
    assert [c.path for c in diff.modules_removed] == ["fs/autofs/autofs4.ko"]
