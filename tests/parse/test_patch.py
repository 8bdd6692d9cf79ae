"""Tests for depgraph.parse.patch: reading unified diffs and applying them in memory.

The round trips run the real tools (GNU diffutils' ``diff -u``/``-ruN``, ``git diff``,
``git format-patch``) on texts made here and check that applying their output gives the
new text byte for byte; the offset cases follow GNU patch's ``locate_hunk`` (searched
outward, later first on a tie, from the stated line shifted by the previous hunk's
offset); the damaged inputs check the tolerant/strict contract; the fixtures are real
OpenWrt kernel patches (tests/fixtures/patches/README.md says where each comes from).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from depgraph.model import DepgraphError, ParseError, Severity
from depgraph.parse.patch import (
    FilePatch,
    Hunk,
    Patch,
    PatchError,
    apply_file,
    parse_patch,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "patches"
LINUX = Path("/work/kernels/linux-6.12")

needs_diff = pytest.mark.skipif(shutil.which("diff") is None, reason="GNU diff not installed")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
needs_patch = pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch not installed")


# --- helpers ---------------------------------------------------------------------------


def run(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    """Run a tool with no user or system configuration; its stdout, bytes kept exact."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "LC_ALL": "C",
        "TZ": "UTC",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "A U Thor",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "A U Thor",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_AUTHOR_DATE": "2024-05-01T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-05-01T10:00:00+00:00",
    }
    result = subprocess.run(argv, cwd=cwd, capture_output=True, env=env, check=False)
    assert result.returncode in ok, (argv, result.stderr.decode(errors="replace"))
    return result.stdout.decode("utf-8", "surrogateescape")


def write_tree(root: Path, files: dict[str, str | None]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is not None:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode())


def read_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes().decode()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def apply_to_tree(patch: Patch, tree: dict[str, str], where: str = "p") -> dict[str, str]:
    """What the tree holds after the patch, as a caller of apply_file keeps it."""
    tree = dict(tree)
    for file in patch.files:
        key = file.old_path if file.old_path is not None else file.path
        new = apply_file(file, tree.get(key), where)
        if file.old_path is not None and (file.rename or new is None):
            del tree[file.old_path]
        if new is not None:
            assert file.new_path is not None
            tree[file.new_path] = new
    return tree


def clean(text: str, path: str = "<patch>", strip: int = 1) -> Patch:
    """Parse in strict mode, which must also agree with the tolerant mode."""
    patch = parse_patch(text, path, strip=strip, strict=True)
    assert parse_patch(text, path, strip=strip) == patch
    return patch


def lines(count: int, prefix: str = "line") -> str:
    return "".join(f"{prefix} {n}\n" for n in range(1, count + 1))


def assert_hunks_match_headers(patch: Patch) -> None:
    """Every hunk the parser keeps has exactly the lines its header counts."""
    for file in patch.files:
        for hunk in file.hunks:
            assert len(hunk.old_lines) == hunk.old_count, hunk
            assert len(hunk.new_lines) == hunk.new_count, hunk
            assert all(text[:1] in (" ", "-", "+") for text in hunk.lines), hunk


# Pairs of (old, new) texts: every edge a diff can have. None means "no such file".
PAIRS: dict[str, tuple[str | None, str | None]] = {
    "insert_at_start": ("b\nc\nd\ne\n", "a\nb\nc\nd\ne\n"),
    "insert_in_middle": (lines(20), lines(20).replace("line 10\n", "line 10\nnew\n")),
    "insert_at_end": (lines(8), lines(8) + "tail\n"),
    "delete_at_start": (lines(8), lines(8).replace("line 1\n", "", 1)),
    "delete_at_end": (lines(8), lines(7)),
    "change_first_line": (lines(9), "first\n" + lines(9).split("\n", 1)[1]),
    "change_last_line": (lines(9), lines(8) + "last\n"),
    "two_far_hunks": (
        lines(60),
        lines(60).replace("line 5\n", "five\n").replace("line 50\n", "line 50\nfifty\n"),
    ),
    "empty_to_text": ("", "a\nb\n"),
    "text_to_empty": ("a\nb\n", ""),
    "old_without_final_newline": ("a\nb", "a\nb\nc\n"),
    "new_without_final_newline": ("a\nb\n", "a\nb"),
    "both_without_final_newline": ("a\nb\nc", "a\nB\nc"),
    "only_final_newline_added": ("a", "a\n"),
    "only_final_newline_removed": (lines(5), lines(5)[:-1]),
    "crlf_lines": ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"),
    "lf_to_crlf": ("a\nb\n", "a\r\nb\r\n"),
    "crlf_ending_in_bare_cr": ("a\r\nb\r", "a\r\nc\r"),
    "blank_lines": ("\n\n\n", "\n\nx\n\n"),
    "lines_that_look_like_patch_syntax": (
        "--- a\n+++ b\n- \n@@ -1 +1 @@\n\\ x\nkeep\n",
        "-- \n++ c\n--- a\n@@ x\n\\ y\nkeep\n",
    ),
    "leading_tabs": ("\ta\n\tb\n\tc\n", "\ta\n\tB\n\tc\n"),
    "unicode": ("é\nü\n☃\n", "é\nß\n☃\n"),
    "form_feed_and_cr_inside_lines": ("a\x0cb\nc\rd\ne\n", "a\x0cb\nc\rD\ne\n"),
    "created": (None, "brand\nnew\n"),
    "created_without_final_newline": (None, "x"),
    "deleted": ("old\ncontent\n", None),
}


# --- round trips with the real tools ----------------------------------------------------


@needs_diff
@pytest.mark.parametrize(
    "name", [n for n, (a, b) in PAIRS.items() if a is not None and b is not None]
)
def test_diff_u_output_applies_back_to_the_new_text(tmp_path, name):
    old, new = PAIRS[name]
    write_tree(tmp_path / "a", {"f.txt": old})
    write_tree(tmp_path / "b", {"f.txt": new})
    text = run(["diff", "-u", "a/f.txt", "b/f.txt"], tmp_path, ok=(1,))
    patch = clean(text)
    assert [(f.old_path, f.new_path) for f in patch.files] == [("f.txt", "f.txt")]
    assert apply_file(patch.files[0], old, "p") == new


@needs_diff
def test_diff_ruN_tree_round_trip_with_created_and_deleted_files(tmp_path):
    before = {f"{name}.txt": old for name, (old, _) in PAIRS.items()}
    after = {f"{name}.txt": new for name, (_, new) in PAIRS.items()}
    write_tree(tmp_path / "a", before)
    write_tree(tmp_path / "b", after)
    text = run(["diff", "-ruN", "a", "b"], tmp_path, ok=(1,))
    patch = clean(text)
    created = [f.new_path for f in patch.files if f.old_path is None]
    deleted = [f.old_path for f in patch.files if f.new_path is None]
    assert created == ["created.txt", "created_without_final_newline.txt"]
    assert deleted == ["deleted.txt"]
    assert apply_to_tree(patch, read_tree(tmp_path / "a")) == read_tree(tmp_path / "b")


@needs_git
def test_git_diff_no_index_round_trip(tmp_path):
    before = {f"{name}.txt": old for name, (old, _) in PAIRS.items()}
    after = {f"{name}.txt": new for name, (_, new) in PAIRS.items()}
    write_tree(tmp_path / "a", before)
    write_tree(tmp_path / "b", after)
    text = run(["git", "diff", "--no-index", "--no-renames", "a", "b"], tmp_path, ok=(1,))
    patch = clean(text, strip=2)  # git names them a/a/x and b/b/x
    assert apply_to_tree(patch, read_tree(tmp_path / "a")) == read_tree(tmp_path / "b")


def _git_repo_edits(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A repository with one commit, then edits of every kind git can describe."""
    run(["git", "init", "-q", "-b", "main"], repo)
    base = {
        "keep.c": lines(40),
        "moved.c": lines(12, "moved"),
        "edited_move.c": lines(30, "em"),
        "script.sh": "#!/bin/sh\necho hi\n",
        "tool.sh": "#!/bin/sh\necho tool\n",
        "gone.c": "int gone;\n",
        "empty_gone": "",
        "with space é.c": "int x;\nint y;\n",
        "src.c": lines(25, "src"),
        "crlf.txt": "a\r\nb\r\nc\r\n",
        "noeol.txt": "a\nb",
    }
    write_tree(repo, base)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "base"], repo)
    (repo / "keep.c").write_text(lines(40).replace("line 3\n", "three\n").replace("line 38\n", ""))
    (repo / "sub").mkdir()
    run(["git", "mv", "moved.c", "sub/moved.c"], repo)
    run(["git", "mv", "edited_move.c", "renamed.c"], repo)
    (repo / "renamed.c").write_text(lines(30, "em").replace("em 15\n", "fifteen\n"))
    (repo / "script.sh").chmod(0o755)
    (repo / "tool.sh").chmod(0o755)
    (repo / "tool.sh").write_text("#!/bin/sh\necho tool v2\n")
    (repo / "gone.c").unlink()
    (repo / "empty_gone").unlink()
    (repo / "new.c").write_text("int fresh;\n")
    (repo / "empty_new").write_text("")
    (repo / "with space é.c").write_text("int x;\nint z;\n")
    (repo / "copy.c").write_text(lines(25, "src"))
    (repo / "crlf.txt").write_bytes(b"a\r\nB\r\nc\r\n")
    (repo / "noeol.txt").write_text("a\nc")
    run(["git", "add", "-A"], repo)
    return base, read_tree(repo)


@needs_git
def test_git_repo_diff_and_format_patch_renames_copies_modes_new_and_deleted(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    before, after = _git_repo_edits(repo)
    flags = ["-M", "-C", "--find-copies-harder"]
    diff = run(["git", "diff", "--cached", *flags], repo)
    run(["git", "commit", "-q", "-m", "edits\n\nA message body.\n---\nnot a diff yet"], repo)
    mail = run(["git", "format-patch", "-1", "--stdout", *flags], repo)
    assert mail.startswith("From ") and "\n-- \n" in mail

    plain = run(["git", "diff", "--no-renames", "HEAD~1"], repo)

    for text in (diff, mail, plain):
        assert apply_to_tree(clean(text), before) == after
    for text in (diff, mail):
        by_path = {f.path: f for f in clean(text).files}
        moved = by_path["sub/moved.c"]
        assert (moved.old_path, moved.rename, moved.hunks) == ("moved.c", True, ())
        assert by_path["renamed.c"].old_path == "edited_move.c"
        assert by_path["renamed.c"].rename and len(by_path["renamed.c"].hunks) == 1
        copy = by_path["copy.c"]
        assert (copy.old_path, copy.rename, copy.hunks) == ("src.c", False, ())
        script = by_path["script.sh"]
        assert (script.old_mode, script.new_mode, script.hunks) == ("100644", "100755", ())
        assert (by_path["tool.sh"].new_mode, len(by_path["tool.sh"].hunks)) == ("100755", 1)
        assert by_path["with space é.c"].old_path == "with space é.c"  # git quoted it
        assert '"a/with space \\303\\251.c"' in text
    by_path = {f.path: f for f in clean(plain).files}  # git pairs empty files as a rename
    empty_gone = by_path["empty_gone"]
    assert (empty_gone.new_path, empty_gone.old_mode, empty_gone.hunks) == (None, "100644", ())
    empty_new = by_path["empty_new"]
    assert (empty_new.old_path, empty_new.new_mode, empty_new.hunks) == (None, "100644", ())


@needs_git
def test_format_patch_series_with_signatures_applies_in_order(tmp_path):
    """Three mails of `git format-patch --stdout`, each with a diffstat and a signature,
    read as one patch and applied in order, as a quilt series would be."""
    repo = tmp_path / "repo"
    repo.mkdir()
    run(["git", "init", "-q", "-b", "main"], repo)
    write_tree(repo, {"Makefile": lines(20, "obj"), "Kconfig": lines(10, "config")})
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "base"], repo)
    before = read_tree(repo)
    edits = [
        {"Makefile": lines(20, "obj").replace("obj 4\n", "obj 4\nobj-y += x.o\n")},
        {"Kconfig": lines(10, "config") + "config X\n", "x.c": "int x;\n"},
        {"Makefile": lines(20, "obj").replace("obj 4\n", "obj 4\nobj-y += x.o\n")[:-1]},
    ]
    for number, edit in enumerate(edits):
        write_tree(repo, edit)
        run(["git", "add", "-A"], repo)
        run(["git", "commit", "-q", "-m", f"change {number}\n\n-- \nnot a signature"], repo)
    mails = run(["git", "format-patch", "--stdout", "HEAD~3..HEAD"], repo)
    assert mails.count("\n-- \n") >= 3

    patch = clean(mails, "series.mbox")
    assert [f.path for f in patch.files] == ["Makefile", "Kconfig", "x.c", "Makefile"]
    assert apply_to_tree(patch, before) == read_tree(repo)


@needs_diff
@needs_git
def test_random_edit_scripts_round_trip(tmp_path):
    """200 seeded random edit scripts through diff -ruN (3, 1 and 0 lines of context) and
    git diff: CRLF and LF lines, missing final newlines, created and deleted files."""
    rng = random.Random(20241201)
    words = ["a", "b", "c", "int x;", "}", "", "\treturn 0;", "#include <y.h>", "- ", "+"]
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for number in range(200):
        eol = rng.choice(["\n", "\n", "\n", "\r\n"])
        old = [
            rng.choice(words) + (eol if rng.random() < 0.9 else "\r\n")
            for _ in range(rng.randrange(0, 25))
        ]
        new = list(old)
        for _ in range(rng.randrange(1, 5)):
            where = rng.randrange(0, len(new) + 1)
            action = rng.choice(["insert", "delete", "change"])
            if action == "insert" or where == len(new):
                new[where:where] = [rng.choice(words) + eol for _ in range(rng.randrange(1, 4))]
            elif action == "delete":
                del new[where : where + rng.randrange(1, 4)]
            else:
                new[where] = rng.choice(words) + "x" + eol
        old_text, new_text = "".join(old), "".join(new)
        if old_text and rng.random() < 0.2:
            old_text = old_text.rstrip("\n")
        if new_text and rng.random() < 0.2:
            new_text = new_text.rstrip("\n")
        if old_text == new_text:
            new_text += "changed\n"
        roll = rng.random()
        name = f"f{number:03}.c"
        before[name] = None if roll < 0.05 and new_text else old_text
        after[name] = None if 0.05 <= roll < 0.1 and old_text else new_text
    texts = [t for t in (*before.values(), *after.values()) if t]
    assert sum(t is None for t in before.values()) >= 5  # created files
    assert sum(t is None for t in after.values()) >= 5  # deleted files
    assert sum(not t.endswith("\n") for t in texts) >= 40  # no newline at the end
    assert sum("\r\n" in t for t in texts) >= 40  # CRLF lines
    write_tree(tmp_path / "a", before)
    write_tree(tmp_path / "b", after)
    old_tree, new_tree = read_tree(tmp_path / "a"), read_tree(tmp_path / "b")
    commands = [
        (["diff", "-ruN", "a", "b"], 1),
        (["diff", "-ruN", "-U1", "a", "b"], 1),
        (["diff", "-ruN", "-U0", "a", "b"], 1),
        (["git", "diff", "--no-index", "--no-renames", "a", "b"], 2),
        (["git", "diff", "--no-index", "--no-renames", "-U0", "a", "b"], 2),
    ]
    for argv, strip in commands:
        patch = clean(run(argv, tmp_path, ok=(1,)), strip=strip)
        assert_hunks_match_headers(patch)
        assert apply_to_tree(patch, old_tree) == new_tree, argv


@needs_diff
def test_strip_levels_p0_p1_p2(tmp_path):
    write_tree(tmp_path / "x" / "a", {"dir/f.c": "a\nb\n"})
    write_tree(tmp_path / "x" / "b", {"dir/f.c": "a\nc\n"})
    text = run(["diff", "-u", "x/a/dir/f.c", "x/b/dir/f.c"], tmp_path, ok=(1,))
    assert clean(text, strip=0).files[0].path == "x/b/dir/f.c"
    assert clean(text, strip=1).files[0].path == "b/dir/f.c"
    assert clean(text, strip=2).files[0].path == "dir/f.c"
    assert clean(text, strip=3).files[0].path == "f.c"
    with pytest.raises(ParseError) as caught:
        parse_patch(text, "-", strip=4, strict=True)
    assert str(caught.value).startswith("-:1: error: file name x/a/dir/f.c has no component")


def test_strip_counts_a_run_of_slashes_once_and_a_leading_slash():
    text = "--- /usr//src/f.c\n+++ /usr//src/f.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert clean(text, strip=1).files[0].path == "usr//src/f.c"
    assert clean(text, strip=2).files[0].path == "src/f.c"


# --- quilt, diff -ruN and mail variants -------------------------------------------------

QUILT = """\
Subject: fix the frobnicator

Index: linux-6.12/drivers/frob/Makefile
===================================================================
--- linux-6.12.orig/drivers/frob/Makefile\t2024-05-01 10:00:00.000000000 +0200
+++ linux-6.12/drivers/frob/Makefile\t2024-05-02 11:30:00.123456789 +0200
@@ -1,3 +1,4 @@
 obj-y += a.o
+obj-y += frob.o
 obj-y += b.o
 obj-y += c.o
Index: linux-6.12/drivers/frob/frob.c
===================================================================
--- /dev/null\t1970-01-01 00:00:00.000000000 +0000
+++ linux-6.12/drivers/frob/frob.c\t2024-05-02 11:30:00.123456789 +0200
@@ -0,0 +1 @@
+int frob;
"""


def test_quilt_index_lines_and_orig_directories():
    patch = clean(QUILT, "frob.patch")
    assert [(f.old_path, f.new_path, f.line) for f in patch.files] == [
        ("drivers/frob/Makefile", "drivers/frob/Makefile", 5),
        (None, "drivers/frob/frob.c", 14),
    ]
    makefile = "obj-y += a.o\nobj-y += b.o\nobj-y += c.o\n"
    assert apply_to_tree(patch, {"drivers/frob/Makefile": makefile}) == {
        "drivers/frob/Makefile": "obj-y += a.o\nobj-y += frob.o\nobj-y += b.o\nobj-y += c.o\n",
        "drivers/frob/frob.c": "int frob;\n",
    }


def test_backup_name_x_orig_patches_the_file_itself_with_p0():
    text = (
        "diff -u drivers/foo.c.orig drivers/foo.c\n"
        "--- drivers/foo.c.orig\t2024-05-01 10:00:00.000000000 +0000\n"
        "+++ drivers/foo.c\t2024-05-01 10:01:00.000000000 +0000\n"
        "@@ -1 +1 @@\n-a\n+b\n"
    )
    file = clean(text, strip=0).files[0]
    assert (file.old_path, file.new_path) == ("drivers/foo.c", "drivers/foo.c")


def test_epoch_timestamp_in_any_time_zone_means_absent():
    """diff -N writes the epoch for the missing side; in local time it may be 1969."""
    text = (
        "--- a/new.c\t1969-12-31 19:00:00.000000000 -0500\n"
        "+++ b/new.c\t2024-05-01 10:00:00.000000000 -0500\n"
        "@@ -0,0 +1 @@\n+x\n"
        "--- a/old.c\t2024-05-01 10:00:00.000000000 +0000\n"
        "+++ b/old.c\t1970-01-01 01:00:00.000000000 +0100\n"
        "@@ -1 +0,0 @@\n-y\n"
        "--- a/kept.c\t1970-01-02 12:00:00 +0000\n"
        "+++ b/kept.c\t2024-05-01 10:00:00 +0000\n"
        "@@ -1 +1 @@\n-p\n+q\n"
    )
    patch = clean(text)
    assert [(f.old_path, f.new_path) for f in patch.files] == [
        (None, "new.c"),
        ("old.c", None),
        ("kept.c", "kept.c"),
    ]


def test_names_with_spaces_need_a_tab_as_gnu_patch_reads_them():
    with_tab = "--- a/my file.c\t2024-05-01\n+++ b/my file.c\t2024-05-01\n@@ -1 +1 @@\n-a\n+b\n"
    assert clean(with_tab).files[0].path == "my file.c"
    git_style = "--- a/my file.c\t\n+++ b/my file.c\t\n@@ -1 +1 @@\n-a\n+b\n"
    assert clean(git_style).files[0].path == "my file.c"
    without = "--- a/my file.c\n+++ b/my file.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert clean(without).files[0].path == "my"


def test_git_quoted_names_and_unquoted_names_with_spaces_in_diff_git_line():
    text = (
        'diff --git "a/t\\303\\251st\\tx" "b/t\\303\\251st\\tx"\nold mode 100644\nnew mode 100755\n'
        "diff --git a/sp ace b/sp ace\nnew file mode 100644\nindex 0000000..e69de29\n"
    )
    patch = clean(text)
    assert [(f.old_path, f.new_path, f.new_mode) for f in patch.files] == [
        ("tést\tx", "tést\tx", "100755"),
        (None, "sp ace", "100644"),
    ]


def test_git_rename_names_lose_one_component_fewer():
    text = (
        "diff --git a/dir/old.c b/dir/new.c\nsimilarity index 100%\n"
        "rename from dir/old.c\nrename to dir/new.c\n"
    )
    file = clean(text, strip=2).files[0]
    assert (file.old_path, file.new_path, file.rename, file.hunks) == ("old.c", "new.c", True, ())
    assert apply_file(file, "text\n", "p") == "text\n"
    with pytest.raises(PatchError, match="cannot patch old.c: no such file"):
        apply_file(file, None, "p")


def test_hunk_counts_default_to_one():
    patch = clean("--- a/f\n+++ b/f\n@@ -3 +3 @@\n-c\n+C\n")
    hunk = patch.files[0].hunks[0]
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (3, 1, 3, 1)
    assert hunk == Hunk(3, 1, 3, 1, ("-c\n", "+C\n"), 3)
    assert apply_file(patch.files[0], "a\nb\nc\nd\n", "p") == "a\nb\nC\nd\n"


def test_no_newline_marker_takes_the_newline_off_the_line_before():
    text = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
    file = clean(text).files[0]
    assert file.hunks[0].lines == (" a\n", "-b", "+c\n")
    assert apply_file(file, "a\nb", "p") == "a\nc\n"
    german = text.replace("No newline at end of file", "Kein Zeilenumbruch am Dateiende.")
    assert clean(german) == clean(text)


def test_blank_line_in_a_hunk_is_context_whose_space_a_mailer_ate():
    text = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n"
    file = clean(text).files[0]
    assert file.hunks[0].lines == (" a\n", " \n", "-b\n", "+c\n")
    assert apply_file(file, "a\n\nb\n", "p") == "a\n\nc\n"


def test_patch_converted_to_crlf_in_transit_applies_to_lf_file():
    """GNU patch strips the CRs when the file's header lines end in CRLF."""
    text = "--- a/f\r\n+++ b/f\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n"
    assert apply_file(clean(text).files[0], "a\nb\n", "p") == "a\nc\n"


def test_patch_without_final_newline_still_ends_its_last_line():
    text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b"
    assert apply_file(clean(text).files[0], "a\n", "p") == "b\n"


def test_text_before_and_after_the_diffs_is_skipped_silently():
    text = (
        "From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\nSome message\n"
        "--- not a file\n@@ quoted @@\n---\n f | 2 +-\n 1 file changed\n\n"
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.5\n\nThanks!\n"
    )
    patch = clean(text)
    assert [(f.path, len(f.hunks)) for f in patch.files] == [("f", 1)]


def test_empty_and_prose_only_patches_change_nothing():
    for text in ("", "\n", "just some prose\n\nand more\n", "---\n"):
        assert parse_patch(text, strict=True) == Patch((), ())


def test_paths_lists_every_name_once():
    patch = clean(QUILT)
    assert patch.paths == ("drivers/frob/Makefile", "drivers/frob/frob.c")


# --- applying: offsets and refusals -----------------------------------------------------


def _patch_of(old: str, new: str, tmp_path: Path, context: int = 3) -> FilePatch:
    write_tree(tmp_path / "a", {"f.c": old})
    write_tree(tmp_path / "b", {"f.c": new})
    text = run(["diff", f"-U{context}", "a/f.c", "b/f.c"], tmp_path, ok=(1,))
    return clean(text).files[0]


@needs_diff
def test_hunk_applies_at_the_nearest_offset_when_its_lines_moved(tmp_path):
    old = lines(30)
    file = _patch_of(old, old.replace("line 15\n", "fifteen\n"), tmp_path)
    moved = "extra\n" * 7 + old
    assert apply_file(file, moved, "p") == "extra\n" * 7 + old.replace("line 15\n", "fifteen\n")
    shrunk = old.replace("line 2\n", "").replace("line 3\n", "")
    assert apply_file(file, shrunk, "p") == shrunk.replace("line 15\n", "fifteen\n")


def _block_patch(stated: int) -> FilePatch:
    text = (
        f"--- a/f\n+++ b/f\n@@ -{stated},3 +{stated},3 @@\n"
        " block top\n-block middle\n+CHANGED\n block end\n"
    )
    return clean(text).files[0]


def _two_blocks(first: int, second: int, total: int = 60) -> list[str]:
    out = [f"filler {n}\n" for n in range(1, total + 1)]
    for at in (first, second):
        out[at - 1 : at + 2] = ["block top\n", "block middle\n", "block end\n"]
    return out


def test_nearest_of_two_identical_places_wins():
    text = _two_blocks(10, 30)
    for stated, winner in ((25, 30), (14, 10), (31, 30), (1, 10), (60, 30)):
        result = apply_file(_block_patch(stated), "".join(text), "p").splitlines()
        assert result[winner] == "CHANGED", stated
        assert result.count("CHANGED") == 1


def test_tie_between_two_places_goes_to_the_later_one_as_gnu_patch():
    text = "".join(_two_blocks(10, 30))
    result = apply_file(_block_patch(20), text, "p").splitlines()
    assert result[30] == "CHANGED" and result[10] == "block middle"


def test_later_hunks_search_from_the_offset_the_previous_one_needed():
    """Hunk 2 states line 40; 10 lines came in before hunk 1, so it is at 50. A decoy at
    38 is nearer the stated line, but GNU patch looks from 40 + 10 first."""
    base = [f"filler {n}\n" for n in range(1, 81)]
    base[4:7] = ["one top\n", "one middle\n", "one end\n"]
    text = (
        "--- a/f\n+++ b/f\n@@ -5,3 +5,3 @@\n one top\n-one middle\n+ONE\n one end\n"
        "@@ -40,3 +40,3 @@\n block top\n-block middle\n+CHANGED\n block end\n"
    )
    file = clean(text).files[0]
    shifted = base[:2] + [f"new {n}\n" for n in range(10)] + base[2:]
    shifted[37:40] = ["block top\n", "block middle\n", "block end\n"]  # the decoy, line 38
    shifted[49:52] = ["block top\n", "block middle\n", "block end\n"]  # the real one, 50
    result = apply_file(file, "".join(shifted), "p").splitlines()
    assert result[50] == "CHANGED" and result[38] == "block middle"


def test_hunk_never_matches_before_the_previous_hunk():
    text = (
        "--- a/f\n+++ b/f\n@@ -10,3 +10,3 @@\n block top\n-block middle\n+ONE\n block end\n"
        "@@ -30,3 +30,3 @@\n block top\n-block middle\n+TWO\n block end\n"
    )
    file = clean(text).files[0]
    with pytest.raises(PatchError, match=r"^p:8: hunk 2 of f does not apply$"):
        apply_file(file, "".join(_two_blocks(10, 10)), "p")
    both = apply_file(file, "".join(_two_blocks(10, 30)), "p").splitlines()
    assert (both[10], both[30]) == ("ONE", "TWO")


def test_hunk_that_matches_nowhere_names_itself_and_its_patch_line():
    text = (
        "--- a/dir/f.c\n+++ b/dir/f.c\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n"
        "@@ -9,3 +9,3 @@\n x\n-y\n+z\n w\n"
    )
    file = clean(text).files[0]
    with pytest.raises(PatchError) as caught:
        apply_file(file, "a\nb\nd\n" + "k\n" * 10, "fix.patch")
    assert str(caught.value) == "fix.patch:8: hunk 2 of dir/f.c does not apply"
    assert isinstance(caught.value, DepgraphError)


def test_no_fuzz_a_changed_context_line_is_refused():
    """GNU patch applies this with fuzz 2 (its default); git apply refuses it, as we do."""
    text = "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n b\n-c\n+C\n d\n e\n"
    with pytest.raises(PatchError, match="hunk 1 of f does not apply"):
        apply_file(clean(text).files[0], "a\nB\nc\nd\ne\n", "p")


def test_hunk_with_short_leading_context_must_match_at_the_start():
    """diff writes less leading context only at the top of a file (GNU locate_hunk)."""
    text = "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+top\n a\n b\n c\n"
    file = clean(text).files[0]
    assert apply_file(file, "a\nb\nc\nd\n", "p") == "top\na\nb\nc\nd\n"
    with pytest.raises(PatchError):
        apply_file(file, "z\na\nb\nc\n", "p")


def test_hunk_with_short_trailing_context_must_match_at_the_end():
    text = "--- a/f\n+++ b/f\n@@ -2,3 +2,4 @@\n a\n b\n c\n+end\n"
    file = clean(text).files[0]
    assert apply_file(file, "z\na\nb\nc\n", "p") == "z\na\nb\nc\nend\n"
    assert apply_file(file, "y\nz\na\nb\nc\n", "p") == "y\nz\na\nb\nc\nend\n"  # offset 1
    with pytest.raises(PatchError):
        apply_file(file, "z\na\nb\nc\nd\n", "p")


def _blocks(*places: int, total: int = 60) -> str:
    return "".join(_two_blocks(places[0], places[-1], total))


# (patch, old text) pairs that exercise where a hunk goes; GNU patch must agree on each.
PLACEMENT_CASES = [
    *((_block_patch(stated), _blocks(10, 30)) for stated in (25, 14, 31, 1, 60, 20)),
    (_block_patch(20), _blocks(10, 10)),
    (_block_patch(58), _blocks(58, 58)),
    ("--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n b\n-c\n+C\n d\n e\n", "a\nB\nc\nd\ne\n"),
    ("--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+top\n a\n b\n c\n", "z\na\nb\nc\n"),
    ("--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+top\n a\n b\n c\n", "a\nb\nc\nd\n"),
    ("--- a/f\n+++ b/f\n@@ -2,3 +2,4 @@\n a\n b\n c\n+end\n", "y\nz\na\nb\nc\n"),
    ("--- a/f\n+++ b/f\n@@ -2,3 +2,4 @@\n a\n b\n c\n+end\n", "z\na\nb\nc\nd\n"),
    ("--- a/f\n+++ b/f\n@@ -3,0 +4,1 @@\n+ins\n", "a\nb\nc\nd\n"),
    ("--- a/f\n+++ b/f\n@@ -9,0 +10,1 @@\n+ins\n", "a\nb\n"),
    ("--- a/f\n+++ b/f\n@@ -2 +2 @@\n-b\n+B\n", "b\na\nc\nb\n"),
    (  # misordered: the insertion is stated before the end of the first hunk
        "--- a/f\n+++ b/f\n@@ -4,3 +4,3 @@\n d\n-e\n+E\n f\n@@ -2,0 +3 @@\n+ins\n",
        "a\nb\nc\nd\ne\nf\ng\n",
    ),
    (  # the second hunk's search starts from the offset the first one needed
        "--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n a\n-b\n+B\n c\n@@ -8,3 +8,3 @@\n x\n-y\n+Y\n z\n",
        "0\n1\n2\n3\na\nb\nc\nx\ny\nz\n4\nx\ny\nz\n5\n",
    ),
]


@needs_patch
@pytest.mark.parametrize("number", range(len(PLACEMENT_CASES)))
def test_placement_agrees_with_gnu_patch_without_fuzz(tmp_path, number):
    """Where each hunk lands, or whether it fails, is what GNU patch --fuzz=0 does."""
    patch, old = PLACEMENT_CASES[number]
    text = patch if isinstance(patch, str) else _render(patch)
    (tmp_path / "f").write_bytes(old.encode())
    (tmp_path / "p").write_bytes(text.encode())
    result = subprocess.run(
        ["patch", "-p1", "--fuzz=0", "--batch", "--silent", "-r", "-",
         "--no-backup-if-mismatch", "-i", "p"],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    try:
        ours: str | None = apply_file(clean(text).files[0], old, "p")
    except PatchError:
        ours = None
    assert ours == ((tmp_path / "f").read_bytes().decode() if result.returncode == 0 else None)


def _render(file: FilePatch) -> str:
    """A FilePatch written back as a unified diff (hunk headers from its fields)."""
    out = [f"--- a/{file.old_path}\n+++ b/{file.new_path}\n"]
    for hunk in file.hunks:
        out.append(f"@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@\n")
        out.extend(hunk.lines)
    return "".join(out)


def test_creating_a_file_that_exists_is_refused():
    file = clean("--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n").files[0]
    assert apply_file(file, None, "p") == "x\n"
    with pytest.raises(PatchError, match=r"^p:1: cannot create new.c: it already exists$"):
        apply_file(file, "", "p")


def test_patching_or_deleting_a_missing_file_is_refused():
    change = clean("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n").files[0]
    delete = clean("--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n").files[0]
    for file in (change, delete):
        with pytest.raises(PatchError, match="cannot patch f: no such file"):
            apply_file(file, None, "p")
    assert apply_file(delete, "a\n", "p") is None


def test_deleting_a_file_whose_content_differs_is_refused():
    delete = clean("diff --git a/e b/e\ndeleted file mode 100644\nindex e69de29..0000000\n")
    assert apply_file(delete.files[0], "", "p") is None
    with pytest.raises(PatchError, match="cannot delete e: the patch leaves content in it"):
        apply_file(delete.files[0], "something\n", "p")


def test_plain_diff_adding_to_nothing_creates_a_missing_file_as_gnu_patch():
    file = clean("--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n").files[0]
    assert (file.old_path, file.new_path) == ("f", "f")
    assert apply_file(file, None, "p") == "x\n"
    assert apply_file(file, "", "p") == "x\n"


def test_binary_diff_cannot_be_applied():
    patch = parse_patch(
        "diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"
    )
    with pytest.raises(PatchError, match="binary diff of logo.png"):
        apply_file(patch.files[0], "", "p")


# --- damaged input ---------------------------------------------------------------------

GOOD = (
    "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
    "--- a/g\n+++ b/g\n@@ -1,2 +1,2 @@\n x\n-y\n+Y\n"
)


def test_truncated_hunk_is_reported_at_the_end_and_dropped():
    text = "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n"
    patch = parse_patch(text, "cut.patch")
    assert [f.hunks for f in patch.files] == [()]
    (diag,) = patch.diagnostics
    assert (diag.line, diag.severity) == (6, Severity.ERROR)
    assert str(diag).startswith("cut.patch:6: error: hunk 1 of f (line 3) is cut short")
    with pytest.raises(ParseError):
        parse_patch(text, "cut.patch", strict=True)


def test_hunk_that_swallowed_the_next_files_names_gives_them_back():
    text = GOOD.replace("@@ -1,3 +1,3 @@", "@@ -1,5 +1,5 @@")
    patch = parse_patch(text)
    assert [(f.path, len(f.hunks)) for f in patch.files] == [("f", 0), ("g", 1)]
    assert [d.line for d in patch.diagnostics] == [8]


def test_hunk_longer_than_its_header_is_reported():
    text = GOOD.replace("@@ -1,3 +1,3 @@", "@@ -1,2 +1,2 @@")
    patch = parse_patch(text, "long.patch")
    assert [(f.path, len(f.hunks)) for f in patch.files] == [("f", 0), ("g", 1)]
    assert [str(d) for d in patch.diagnostics] == [
        "long.patch:7: error: hunk 1 of f is longer than its header says: ' c'"
    ]


def test_garbage_inside_a_diff_is_reported():
    between_names_and_hunk = GOOD.replace("+++ b/f\n", "+++ b/f\nstray text\n")
    patch = parse_patch(between_names_and_hunk)
    assert [(d.line, d.text) for d in patch.diagnostics] == [(3, "stray text")]
    assert len(patch.files[0].hunks) == 1  # the hunk after the stray line is still read
    between_hunks = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\noops\n@@ -5 +5 @@\n-e\n+f\n"
    patch = parse_patch(between_hunks)
    assert [(d.line, d.text) for d in patch.diagnostics] == [(6, "oops")]
    no_hunk = "--- a/f\n+++ b/f\nnothing here\n\n"
    assert [d.line for d in parse_patch(no_hunk).diagnostics] == [2]
    for text in (between_names_and_hunk, between_hunks, no_hunk):
        with pytest.raises(ParseError):
            parse_patch(text, strict=True)


def test_malformed_and_impossible_hunk_headers_are_reported():
    for header in ("@@ -1,x +1 @@", "@@@ -1 -1 +1 @@@", "@@ -0,2 +1 @@", "@@ -1,0 +1,0 @@"):
        text = f"--- a/f\n+++ b/f\n{header}\n-a\n+b\n"
        patch = parse_patch(text)
        assert [d.line for d in patch.diagnostics] == [3], header
        assert patch.files[0].hunks == ()


def test_names_that_strip_to_nothing_or_leave_the_tree_are_reported():
    cases = {
        "--- Makefile\n+++ Makefile\n": "has no component left after -p1",
        "--- a/\n+++ b/\n": "has no component left after -p1",
        "--- a/../etc/passwd\n+++ b/../etc/passwd\n": "leaves the tree",
        "--- a//etc/x\n+++ b//etc/x\n": None,  # a run of slashes is one separator
    }
    for names, message in cases.items():
        patch = parse_patch(names + "@@ -1 +1 @@\n-a\n+b\n" + GOOD, "-")
        if message is None:
            assert patch.diagnostics == () and patch.files[0].path == "etc/x"
            continue
        assert [f.path for f in patch.files] == ["f", "g"]  # the bad file is left out
        (diag,) = patch.diagnostics
        assert str(diag).startswith("-:1: error: file name") and message in str(diag)


def test_binary_diffs_are_kept_without_hunks_and_reported(tmp_path):
    text = (
        "diff --git a/logo.png b/logo.png\nindex 1234567..89abcde 100644\n"
        "Binary files a/logo.png and b/logo.png differ\n"
        "diff --git a/fw.bin b/fw.bin\nnew file mode 100644\nindex 0000000..1234567\n"
        "GIT binary patch\nliteral 12\nTcmZQzWMXDvWn<^#VTAxL0jU8b\n\nliteral 0\nHcmV?d00001\n\n"
        "Binary files a/blob and b/blob differ\n"
    ) + GOOD
    patch = parse_patch(text, "bin.patch")
    assert [(f.old_path, f.new_path, f.binary, f.hunks) for f in patch.files[:3]] == [
        ("logo.png", "logo.png", True, ()),
        (None, "fw.bin", True, ()),
        ("blob", "blob", True, ()),
    ]
    assert [f.path for f in patch.files[3:]] == ["f", "g"]
    assert [(d.line, d.severity) for d in patch.diagnostics] == [
        (3, Severity.WARNING),
        (7, Severity.WARNING),
        (14, Severity.WARNING),
    ]
    assert "binary diff: the new content of fw.bin is unknown" in str(patch.diagnostics[1])
    with pytest.raises(ParseError):
        parse_patch(text, strict=True)


@needs_git
@needs_diff
def test_real_binary_diffs_from_git_and_diff(tmp_path):
    write_tree(tmp_path / "a", {"t.txt": "a\n"})
    write_tree(tmp_path / "b", {"t.txt": "b\n"})
    (tmp_path / "a" / "x.bin").write_bytes(b"\x00\x01\x02")
    (tmp_path / "b" / "x.bin").write_bytes(b"\x00\x01\x03")
    for argv, strip in (
        (["git", "diff", "--no-index", "--binary", "a", "b"], 2),
        (["git", "diff", "--no-index", "a", "b"], 2),
        (["diff", "-ruN", "a", "b"], 1),
    ):
        patch = parse_patch(run(argv, tmp_path, ok=(1,)), strip=strip)
        assert [(f.path, f.binary) for f in patch.files] == [("t.txt", False), ("x.bin", True)]
        assert [d.severity for d in patch.diagnostics] == [Severity.WARNING], argv


def test_context_diffs_are_reported_not_read():
    text = (
        "*** a/f\t2024-05-01\n--- b/f\t2024-05-01\n***************\n"
        "*** 1 ****\n! a\n--- 1 ----\n! b\n"
    )
    patch = parse_patch(text)
    assert patch.files == ()
    assert [d.message for d in patch.diagnostics] == [
        "context diff (diff -c) is not supported: use diff -u"
    ]


def test_stdin_path_names_the_diagnostics():
    patch = parse_patch("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n", "-")
    assert [str(d).split(" ", 1)[0] for d in patch.diagnostics] == ["-:4:"]


def _check_diagnostics(patch: Patch, path: str, text: str) -> None:
    total = text.count("\n") + 1
    for diag in patch.diagnostics:
        shown = str(diag)
        assert shown.startswith(f"{path}:{diag.line}: "), shown
        assert shown.isprintable(), shown
        assert 1 <= diag.line <= total, (diag.line, total)


def _survives(text: str, path: str, originals: dict[str, str]) -> Patch:
    """Tolerant parsing never raises; strict raises nothing but ParseError; what is
    kept is consistent, and applying it raises nothing but PatchError."""
    patch = parse_patch(text, path)
    _check_diagnostics(patch, path, text)
    assert_hunks_match_headers(patch)
    try:
        strict = parse_patch(text, path, strict=True)
    except ParseError as error:
        assert error.diagnostic in patch.diagnostics  # the first met, maybe not the first line
    else:
        assert strict == patch and patch.diagnostics == ()
    for file in patch.files:
        try:
            apply_file(file, originals.get(file.old_path or ""), path)
        except PatchError as error:
            assert str(error).startswith(f"{path}:") and "\n" not in str(error)
    return patch


def test_random_bytes_give_only_diagnostics():
    rng = random.Random(7)
    tokens = ["--- a/x\n", "+++ b/x\n", "@@ -1,2 +1 @@\n", "diff --git a/x b/x\n", "-",
              "+", " ", "\\", "\n", "\r\n", "@@", "GIT binary patch\n", "rename from \"q\n",
              "\t", '--- "\ud800\udc80"\n', '+++ "a/\\303"\n']  # fmt: skip
    for _ in range(150):
        if rng.random() < 0.5:
            text = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400))).decode("latin-1")
        else:
            text = "".join(rng.choice(tokens) for _ in range(rng.randrange(0, 80)))
        _survives(text, "rand.patch", {"x": "a\nb\n"})


def _mutate(rng: random.Random, text: str) -> str:
    chars = ["\n", " ", "-", "+", "@", "\\", "\t", "\r", "\x00", "é", "a", "0", ",", '"']
    extra = ["@@ -1 +1 @@", "--- a/x", "+++ b/y", "diff --git a/x b/x", "\\ No newline",
             "GIT binary patch", "Binary files a/q and b/q differ", "-- ", "rename from x",
             "new file mode 100644", "", "--- /dev/null", "Index: x", "*** a"]  # fmt: skip
    for _ in range(rng.randrange(1, 5)):
        action = rng.randrange(7)
        at = rng.randrange(len(text) + 1)
        rows = text.split("\n")
        row = rng.randrange(len(rows))
        if action == 0 and text:
            text = text[: min(at, len(text) - 1)] + rng.choice(chars) + text[at + 1 :]
        elif action == 1:
            text = text[:at] + text[at + 1 :]
        elif action == 2:
            text = text[:at] + rng.choice(chars) + text[at:]
        elif action == 3:
            text = "\n".join(rows[:row] + rows[row + 1 :])
        elif action == 4:
            text = "\n".join(rows[:row] + [rng.choice(extra)] + rows[row:])
        elif action == 5:
            text = "\n".join(rows[:row] + [rows[row]] + rows[row:])
        else:
            text = text[:at]
    return text


def test_fuzzed_real_patches_give_only_diagnostics():
    rng = random.Random(1234)
    sources = [
        (FIXTURES / "259-regmap_dynamic.patch").read_text(),
        (FIXTURES / "430-mtd-add-myloader-partition-parser.patch").read_text(),
        QUILT,
    ]
    originals = {"drivers/base/regmap/Makefile": "x\n", "drivers/frob/Makefile": "obj-y += a.o\n"}
    damaged = 0
    for number in range(300):
        text = _mutate(rng, sources[number % len(sources)])
        damaged += bool(_survives(text, "fuzz.patch", originals).diagnostics)
    assert damaged > 100  # the mutations do damage; the checks above are not vacuous


# --- real kernel patches ----------------------------------------------------------------

# name: [(old_path, new_path, hunk count), ...] as each patch's own diffstat says.
FIXTURE_FILES = {
    "103-kbuild-export-SUBARCH.patch": [("Makefile", "Makefile", 1)],
    "220-v6.16-powerpc-boot-fix-build-with-gcc-15.patch": [
        ("arch/powerpc/boot/Makefile", "arch/powerpc/boot/Makefile", 1)
    ],
    "259-regmap_dynamic.patch": [
        ("drivers/base/regmap/Kconfig", "drivers/base/regmap/Kconfig", 3),
        ("drivers/base/regmap/Makefile", "drivers/base/regmap/Makefile", 1),
        ("drivers/base/regmap/regmap.c", "drivers/base/regmap/regmap.c", 2),
        ("include/linux/regmap.h", "include/linux/regmap.h", 1),
    ],
    "270-platform-mikrotik-build-bits.patch": [
        ("drivers/platform/Kconfig", "drivers/platform/Kconfig", 1),
        ("drivers/platform/Makefile", "drivers/platform/Makefile", 1),
    ],
    "300-v6.16-mips-Add-std-flag-specified.patch": [
        ("arch/mips/vdso/Makefile", "arch/mips/vdso/Makefile", 1)
    ],
    "430-mtd-add-myloader-partition-parser.patch": [
        ("drivers/mtd/parsers/Kconfig", "drivers/mtd/parsers/Kconfig", 1),
        ("drivers/mtd/parsers/Makefile", "drivers/mtd/parsers/Makefile", 1),
        (None, "drivers/mtd/parsers/myloader.c", 1),
    ],
}
# The fixtures that apply to Linux 6.12 (checked on 6.12.118) without fuzz; the README
# says why the others do not.
APPLY_TO_6_12 = {
    "259-regmap_dynamic.patch",
    "270-platform-mikrotik-build-bits.patch",
    "430-mtd-add-myloader-partition-parser.patch",
}
CHECKED_SUBLEVEL = "118"  # Debian's linux-source-6.12 moves on: other sublevels may differ


def _is_checked_sublevel() -> bool:
    makefile = LINUX / "Makefile"
    head = makefile.read_text()[:2000] if makefile.is_file() else ""
    return re.search(rf"^SUBLEVEL = {CHECKED_SUBLEVEL}$", head, re.M) is not None


def test_fixtures_are_all_listed_and_documented():
    names = sorted(path.name for path in FIXTURES.glob("*.patch"))
    assert names == sorted(FIXTURE_FILES)
    readme = (FIXTURES / "README.md").read_text()
    assert all(name in readme for name in names)
    assert all(len((FIXTURES / name).read_bytes()) < 8192 for name in names)


@pytest.mark.parametrize("name", sorted(FIXTURE_FILES))
def test_real_openwrt_patch_parses_strictly(name):
    text = (FIXTURES / name).read_text()
    patch = parse_patch(text, name, strict=True)
    assert [(f.old_path, f.new_path, len(f.hunks)) for f in patch.files] == FIXTURE_FILES[name]
    assert_hunks_match_headers(patch)
    diffstat = re.findall(r"^ (\S+) +\| +\d+ [+-]*$", text, re.M)
    if diffstat:  # OpenWrt refreshes the hunks but keeps the mail's diffstat: names only
        assert sorted(diffstat) == sorted(f.path for f in patch.files)


def _touched(patch: Patch) -> dict[str, str]:
    """The files of the Linux tree the patch names, read with plain Python."""
    found = {}
    for name in patch.paths:
        path = LINUX / name
        if path.is_file():
            found[name] = path.read_bytes().decode("utf-8", "surrogateescape")
    return found


@pytest.mark.skipif(
    not _is_checked_sublevel(), reason=f"no Linux 6.12.{CHECKED_SUBLEVEL} sources at {LINUX}"
)
@pytest.mark.parametrize("name", sorted(APPLY_TO_6_12))
def test_real_openwrt_patch_applies_to_linux_6_12(name):
    patch = parse_patch((FIXTURES / name).read_text(), name, strict=True)
    before = _touched(patch)
    after = apply_to_tree(patch, before, name)
    assert set(after) == set(before) | {f.path for f in patch.files}
    assert all(after[f.path] != before.get(f.path) for f in patch.files)


@needs_patch
@pytest.mark.skipif(not LINUX.is_dir(), reason=f"no Linux 6.12 sources at {LINUX}")
@pytest.mark.parametrize("name", sorted(FIXTURE_FILES))
def test_real_openwrt_patch_agrees_with_gnu_patch_without_fuzz(tmp_path, name):
    """On copies of the touched files: GNU patch --fuzz=0 and apply_file agree on
    whether each patch applies, and on every resulting byte when it does."""
    patch = parse_patch((FIXTURES / name).read_text(), name, strict=True)
    before = _touched(patch)
    write_tree(tmp_path, before)
    result = subprocess.run(
        ["patch", "-p1", "--fuzz=0", "--forward", "--batch", "--silent", "-r", "-",
         "--no-backup-if-mismatch", "-i", str(FIXTURES / name)],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    try:
        ours: dict[str, str] | None = apply_to_tree(patch, before, name)
    except PatchError:
        ours = None
    if result.returncode == 0:
        assert ours == read_tree(tmp_path)
    else:
        assert ours is None
    if _is_checked_sublevel():
        assert (ours is not None) == (name in APPLY_TO_6_12)
