"""Fixtures: real builds of sample_tree with GNU make and gcc, and what make then redoes.

The truth about a rebuild is read off the object tree itself, independently of depgraph:
every file's ``st_mtime_ns`` before and after ``make``; a *target* is a file ``T`` with a
``.T.cmd`` beside it (kbuild writes one for every step it runs through ``if_changed``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from depgraph.tree.fs import FakeFileSystem

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_tree"


def load_script(name: str) -> ModuleType:
    """scripts/NAME.py as a module, registered under NAME (dataclasses look their module
    up, and edit_fuzz imports kernel_probe)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Build:
    """A copy of sample_tree (``src``) built out of tree into ``obj`` (``make O=``)."""

    src: Path
    obj: Path

    def make(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["make", "-C", str(self.src), f"O={self.obj}", "-j2", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result


def snapshot(obj: Path) -> dict[str, int]:
    """Every file of the object tree with its mtime in ns."""
    found: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(obj):
        dirnames[:] = [d for d in dirnames if d != "source"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue
            found[os.path.relpath(path, obj)] = os.stat(path).st_mtime_ns
    return found


def _is_target(obj: Path, rel: str) -> bool:
    head, _, base = rel.rpartition("/")
    return (obj / head / f".{base}.cmd").exists()


def redone(obj: Path, before: dict[str, int]) -> set[str]:
    """Targets whose file make rewrote (or created) since ``before`` was taken."""
    after = snapshot(obj)
    return {
        rel
        for rel, mtime in after.items()
        if before.get(rel) != mtime and _is_target(obj, rel) and not rel.endswith(".cmd")
    }


def touch(path: Path) -> None:
    """Make ``path`` newer than everything make wrote so far, without a future mtime
    (a future mtime would make the next make redo its users again)."""
    time.sleep(0.02)
    os.utime(path)


def _new_build(base: Path) -> Build:
    if shutil.which("make") is None or shutil.which("gcc") is None:
        pytest.fail("GNU make and gcc are needed: run scripts/install.sh --test")
    src = base / "src"
    shutil.copytree(SAMPLE, src, symlinks=True)
    build = Build(src, base / "obj")
    build.make()
    return build


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test writes into the user's ~/.cache/depgraph; subprocesses inherit this."""
    monkeypatch.setenv("DEPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One built copy of sample_tree, shared by the tests that only read it."""
    return _new_build(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def sample_fake(sample_build: Build) -> FakeFileSystem:
    """An in-memory copy of the shared sample build at the same paths, for a test that
    changes the tree (touches a header, edits ``.config``) but needs no make run after:
    cheaper than :func:`own_build`, and nothing reaches the disk."""
    roots = {str(path): str(path) for path in (sample_build.src, sample_build.obj)}
    return FakeFileSystem.copy_of(roots)


@pytest.fixture
def own_build(tmp_path: Path) -> Iterator[Build]:
    """A built copy of sample_tree that this test alone changes."""
    yield _new_build(tmp_path)
