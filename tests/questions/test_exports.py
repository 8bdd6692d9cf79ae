"""Export tables against real make on sample_tree, which writes them as Linux 6.12 does
(scripts/mod/modpost.py: ``.vmlinux.export.c`` from vmlinux.o's ``__export_symbol_``
labels, each module's exports in its ``.mod.c``, every file only when its content changes).

Each edit is checked both ways: pending (``depgraph status`` on the edited tree) and
described (``depgraph why-rebuild --patch`` with a ``diff -ruN`` patch, then applied). What
depgraph says is redone must be what make then redoes (every target make rewrote), and the
export table's object must be in make's own ``V=2`` reasons exactly when depgraph names it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Build, redone, snapshot

from depgraph.cli import main

Edit = Callable[[Path], None]
TABLE = ".vmlinux.export.o"
MODULE_TABLE = "drivers/misc/mymod.mod.o"


def _after_function(path: Path, head: str, text: str) -> None:
    """Put ``text`` after the body of the function that starts with ``head``."""
    source = path.read_text()
    end = source.index("\n}\n", source.index(head)) + 3
    path.write_text(source[:end] + text + source[end:])


def _replace(path: Path, old: str, new: str) -> None:
    source = path.read_text()
    assert old in source
    path.write_text(source.replace(old, new, 1))


def export_added(src: Path) -> None:
    _after_function(src / "lib/string.c", "void *memset", "EXPORT_SYMBOL(memset);\n")


def export_removed(src: Path) -> None:
    _replace(src / "lib/string.c", "EXPORT_SYMBOL(memcpy);\n", "")


def code_of_an_exporter(src: Path) -> None:
    _replace(src / "kernel/printk.c", "\tlog_pos += len;\n",
             "\tlog_pos += len;\n\tlog_pos &= LOG_BUF_LEN - 1;\n")  # fmt: skip


def export_added_to_a_module(src: Path) -> None:
    main_c = src / "drivers/misc/mymod_main.c"
    _replace(main_c, "#include <linux/module.h>\n",
             "#include <linux/module.h>\n#include <linux/export.h>\n")  # fmt: skip
    exported = "int mymod_version = 1;\nEXPORT_SYMBOL_GPL(mymod_version);\n"
    main_c.write_text(main_c.read_text() + exported)


def export_under_a_config_that_is_off(src: Path) -> None:
    _after_function(src / "lib/string.c", "void *memset",
                    "#ifdef CONFIG_NET_DEBUG\nEXPORT_SYMBOL(memset);\n#endif\n")  # fmt: skip


def export_under_a_condition_not_read(src: Path) -> None:
    _after_function(src / "lib/string.c", "void *memset",
                    "#if defined(CONFIG_NET_DEBUG) || defined(SAMPLE_ALL_EXPORTS)\n"
                    "EXPORT_SYMBOL(memset);\n#endif\n")  # fmt: skip


def export_moved_after_another(src: Path) -> None:
    """The same exports in another order: modpost keeps the order of each object's."""
    _replace(src / "lib/string.c", "EXPORT_SYMBOL(strlen);\n", "")
    _replace(src / "lib/string.c", "EXPORT_SYMBOL(memcpy);\n",
             "EXPORT_SYMBOL(memcpy);\nEXPORT_SYMBOL(strlen);\n")  # fmt: skip


# edit -> the export table objects make redoes (and depgraph must name), exactly
EXACT: dict[Edit, set[str]] = {
    export_added: {TABLE},
    export_removed: {TABLE},
    code_of_an_exporter: set(),
    export_added_to_a_module: {MODULE_TABLE},
    export_under_a_config_that_is_off: set(),
    export_moved_after_another: {TABLE},
}
TABLES = {TABLE, MODULE_TABLE}

# "  CC [M]  drivers/misc/mymod.mod.o - due to: drivers/misc/mymod.mod.c"
_V2_REASON = re.compile(r"^  \S+(?: \[M\])?\s+(\S+) - due to", re.M)


def make_v2(build: Build) -> tuple[set[str], set[str]]:
    """What make rewrote (by mtime), and the targets its ``V=2`` output gives a reason
    for."""
    before = snapshot(build.obj)
    out = build.make("V=2").stdout
    return redone(build.obj, before), set(_V2_REASON.findall(out))


def pending_answer(capsys, build: Build) -> tuple[int, set[str], list[dict]]:
    capsys.readouterr()
    code = main(["status", "-C", str(build.obj), "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 3) and "Traceback" not in err, err
    data = json.loads(out)
    return code, {item["target"] for item in data["stale"]}, data["unknown"]


def make_patch(build: Build, edit: Edit, tmp_path: Path) -> Path:
    old, new = tmp_path / "a", tmp_path / "b"
    shutil.copytree(build.src, old, symlinks=True)
    shutil.copytree(build.src, new, symlinks=True)
    edit(new)
    result = subprocess.run(["diff", "-ruN", "a", "b"], cwd=tmp_path, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr
    patch = tmp_path / "edit.patch"
    patch.write_text(result.stdout)
    return patch


def patch_answer(capsys, build: Build, patch: Path) -> tuple[int, set[str], list[dict]]:
    capsys.readouterr()
    code = main(["why-rebuild", "-C", str(build.obj), "--json", "--no-cache",
                 "--patch", str(patch)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code in (0, 3) and "Traceback" not in err, err
    data = json.loads(out)
    names = {x["target"] for x in (*data["compile"], *data["link"])}
    return code, names, data["unknown"]


def _edit_pending(build: Build, edit: Edit) -> None:
    time.sleep(0.02)  # newer than every target (see conftest.touch)
    edit(build.src)


@pytest.mark.parametrize("edit", list(EXACT), ids=lambda f: f.__name__)
def test_status_of_a_pending_edit_of_exports_is_what_make_does(own_build: Build, capsys,
                                                               edit):  # fmt: skip
    _edit_pending(own_build, edit)
    code, names, unknown = pending_answer(capsys, own_build)
    made, reasons = make_v2(own_build)
    assert (code, unknown) == (0, [])
    assert names == made
    assert names & TABLES == reasons & TABLES == EXACT[edit]


@pytest.mark.parametrize("edit", list(EXACT), ids=lambda f: f.__name__)
def test_a_patch_of_exports_predicts_what_make_does(own_build: Build, tmp_path: Path, capsys,
                                                    edit):  # fmt: skip
    patch = make_patch(own_build, edit, tmp_path)
    code, names, unknown = patch_answer(capsys, own_build, patch)
    subprocess.run(["patch", "-s", "-p1", "-i", str(patch)], cwd=own_build.src, check=True)
    made, reasons = make_v2(own_build)
    assert (code, unknown) == (0, [])
    assert names == made
    assert names & TABLES == reasons & TABLES == EXACT[edit]


def test_an_export_under_a_condition_not_read_is_flagged(own_build: Build, tmp_path: Path,
                                                         capsys):  # fmt: skip
    """``defined(SAMPLE_ALL_EXPORTS)`` is no configuration symbol: whether the export is
    compiled is not told, and said so, both ways (make does not redo the table)."""
    patch = make_patch(own_build, export_under_a_condition_not_read, tmp_path)
    code, described, unknown = patch_answer(capsys, own_build, patch)
    assert code == 3
    assert [(u["where"], u["effect"]) for u in unknown] == [
        ("lib/string.c:35", f"{TABLE} may be recompiled")
    ]
    _edit_pending(own_build, export_under_a_condition_not_read)
    code, pending, unknown = pending_answer(capsys, own_build)
    assert code == 3
    assert [(u["where"], u["effect"]) for u in unknown] == [
        ("lib/string.c", f"{TABLE} may be recompiled")
    ]
    made, reasons = make_v2(own_build)
    assert TABLE not in made | reasons
    assert described == pending == made  # everything else exact
