"""Differential tests on a real Linux build tree (scripts/build-kernel-trees.sh makes one).

Set DEPGRAPH_KERNEL_TREE to an object tree (e.g. /work/kernels/tiny) to run them: each
probe asks depgraph, touches the file or edits .config, runs ``make V=2`` and compares.
They change the tree's mtimes and take about ten seconds a probe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREE = os.environ.get("DEPGRAPH_KERNEL_TREE")

pytestmark = [
    pytest.mark.kernel,
    pytest.mark.skipif(not TREE, reason="DEPGRAPH_KERNEL_TREE is not set"),
]


def _arch() -> str | None:
    config = Path(TREE, ".config") if TREE else None
    text = config.read_text(errors="replace") if config and config.is_file() else ""
    return "arm64" if "\nCONFIG_ARM64=y" in text else "x86" if "\nCONFIG_X86=y" in text else None


# Each architecture's own: headers .cmd files spell with ".." and "//" (x86); the device
# tree compiler's header (every .dtb, their .dtb.S wrappers and .dtb.o objects follow),
# a device tree include, and a vDSO header (vdso.so, and vdso-wrap.o, which pulls it in
# with .incbin by a rule of arch/arm64/kernel/Makefile) (arm64)
ARCH_PROBES = {
    "x86": [
        "touch:arch/x86/include/asm/trace/exceptions.h",
        "touch:arch/x86/include/asm/msr-trace.h",
        "touch:arch/x86/realmode/rm/realmode.h",
    ],
    "arm64": [
        "touch:scripts/dtc/dtc.h",
        "touch:arch/arm64/boot/dts/arm/juno-base.dtsi",
        "touch:arch/arm64/include/asm/vdso/gettimeofday.h",
    ],
}

# A plain header, the architecture's own, a built-in source, a module source, a tool's
# header, and two symbols of stamp files.
PROBES = [
    "touch:include/linux/gcd.h",
    *ARCH_PROBES.get(_arch() or "", []),
    "touch:lib/win_minmax.c",
    "touch:drivers/misc/dummy-irq.c",
    "touch:scripts/mod/modpost.h",
    "touch:include/linux/export-internal.h",
    "config:CONFIG_DEFAULT_MMAP_MIN_ADDR=8192",
    'config:CONFIG_MODPROBE_PATH="/sbin/depgraph-probe"',
    # vmlinux's export table: an export added, one removed, code of an exporter edited
    *(f"patch:{ROOT}/tests/fixtures/kernel-probes/kernel-{name}.patch"
      for name in ("export-added", "export-removed", "code-of-an-exporter")),
]  # fmt: skip


@pytest.mark.parametrize("probe", PROBES)
def test_depgraph_predicts_what_make_rebuilds(probe: str):
    depgraph = f"{sys.executable} -m depgraph"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kernel_probe.py"), "--tree", str(TREE),
         "--depgraph", depgraph, probe],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed, 0 failed" in result.stdout


@pytest.mark.parametrize("name", ["export-added", "export-removed", "code-of-an-exporter"])
def test_status_of_a_pending_patch_is_what_make_then_does(name: str):
    depgraph = f"{sys.executable} -m depgraph"
    patch = ROOT / "tests" / "fixtures" / "kernel-probes" / f"kernel-{name}.patch"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kernel_probe.py"), "--tree", str(TREE),
         "--depgraph", depgraph, "--status", f"patch:{patch}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed, 0 failed" in result.stdout


def test_status_of_a_tree_make_just_built_is_nothing_to_redo():
    """After make (run by kernel_probe, with the tree's ARCH, CROSS_COMPILE or LLVM),
    status finds nothing: the links of each kernel version (6.1's modules.order names
    .ko files but is made from the .o files) and the tools it builds are read right."""
    settle = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kernel_probe.py"), "--tree", str(TREE),
         "--make-only", "noop:"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert settle.returncode == 0, settle.stdout[-2000:] + settle.stderr[-2000:]
    status = subprocess.run(
        [sys.executable, "-m", "depgraph", "status", "-C", str(TREE), "--no-cache"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert status.returncode == 0, status.stdout[-4000:] + status.stderr[-2000:]
    assert status.stdout.startswith("Nothing to redo"), status.stdout[-4000:]
