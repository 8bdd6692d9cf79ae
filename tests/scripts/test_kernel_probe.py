"""scripts/kernel_probe.py: the make variables a tree must be made with again, read from
its .config and a saved compile command (the first line of a real .cmd file of each kind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_script

kp = load_script("kernel_probe")

SAVED = {
    "gcc": "savedcmd_init/main.o := gcc -Wp,-MMD,init/.main.o.d -nostdinc -c -o init/main.o",
    "cross": "savedcmd_init/main.o := aarch64-linux-gnu-gcc -Wp,-MMD,init/.main.o.d -c",
    "clang": "savedcmd_init/main.o := clang -Wp,-MMD,init/.main.o.d -nostdinc -c",
    "clang-19": "savedcmd_init/main.o := clang-19 -Wp,-MMD,init/.main.o.d -c",
    "6.1": "cmd_init/main.o := aarch64-linux-gnu-gcc -Wp,-MMD,init/.main.o.d -nostdinc",
}
EXPECTED = {
    "gcc": [],
    "cross": ["CROSS_COMPILE=aarch64-linux-gnu-"],
    "clang": ["LLVM=1"],
    "clang-19": ["LLVM=-19"],
    "6.1": ["CROSS_COMPILE=aarch64-linux-gnu-"],
}


@pytest.mark.parametrize("kind", sorted(SAVED))
def test_make_variables_come_from_the_config_and_a_saved_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
):
    for name in ("ARCH", "CROSS_COMPILE", "LLVM"):
        monkeypatch.delenv(name, raising=False)
    for arch in ("arm64", "x86", "powerpc"):
        (tmp_path / "arch" / arch).mkdir(parents=True)
        (tmp_path / "arch" / arch / "Kconfig").write_text("")
    (tmp_path / ".config").write_text("CONFIG_ARM64=y\nCONFIG_64BIT=y\n")
    (tmp_path / "init").mkdir()
    (tmp_path / "init" / ".main.o.cmd").write_text(SAVED[kind] + "\n\nsource_init/main.o := x\n")
    assert kp.tree_make_variables(tmp_path, None) == ["ARCH=arm64", *EXPECTED[kind]]


def test_the_environment_has_the_last_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "arch" / "x86").mkdir(parents=True)
    (tmp_path / "arch" / "x86" / "Kconfig").write_text("")
    (tmp_path / ".config").write_text("CONFIG_X86=y\n")
    monkeypatch.setenv("ARCH", "x86_64")
    assert kp.tree_make_variables(tmp_path, None) == []
