"""Parser for unified diffs, and an in-memory applier, for ``why-rebuild --patch``.

Formats accepted, as the tools write them:

* ``git diff`` and ``git format-patch``: a ``diff --git a/X b/Y`` line, extended headers
  (``old mode``/``new mode``, ``new file mode``, ``deleted file mode``, ``similarity
  index``, ``rename from``/``rename to``, ``copy from``/``copy to``, ``index``), then
  ``---``/``+++`` and hunks, or nothing (a rename at 100 %, a mode change, an empty file
  created or deleted). Names may be C-quoted (``"a/t\\303\\251st"``). A mail's headers,
  its message, the ``---`` line and the diffstat before the first diff, and the ``-- ``
  signature after the last, are skipped; so is the next mail of a series.
* ``diff -u``/``diff -ruN`` and ``quilt``: ``---``/``+++`` lines with a timestamp after a
  TAB (``--- a/x.c\\t2024-05-01 10:00:00.000000000 +0200``); ``diff -ruN``, ``Index:``
  and ``====`` lines between files are skipped. A file only on one side has the epoch
  as its timestamp on the other (``-N``), which means "absent", as ``/dev/null`` does;
  without ``-N`` diff writes ``Only in …`` instead, which carries no content and is
  skipped (GNU patch skips it too).
  Such a diff cannot say "rename": when its two names differ (``a/x.c.orig`` and
  ``b/x.c``), one file is patched, chosen as GNU patch ranks names it does not look up
  on disk: fewest components, then shortest base name, then shortest name.
* ``Binary files A and B differ`` and ``GIT binary patch``: a :class:`FilePatch` with
  ``binary=True`` and no hunks, and a diagnostic: depgraph cannot know the new content.

Anything else outside a file's diff is skipped silently, so an empty or a prose-only
text gives zero files (the caller says "the patch changes nothing"). Context diffs
(``diff -c``) are reported, not read.

Names are stripped as ``patch -pN`` strips them: everything up to the Nth slash goes,
where a run of slashes counts as one (``-p1`` turns ``a/x.c`` into ``x.c``, ``/usr/x.c``
into ``usr/x.c`` and ``a//b/c`` into ``b/c``). A name left empty, or with fewer than N
slashes, is a diagnostic, and so is one that would leave the tree (absolute after
stripping, or holding ``..``: GNU patch refuses those too). git's ``rename from``/``copy
from`` names carry no ``a/`` prefix, so they lose one component fewer (as ``git apply
-pN`` does). ``/dev/null`` is never stripped; it means the file does not exist on that
side.

Inside a hunk, as GNU patch reads it, an empty line or one starting with a TAB is a
context line whose leading space a mailer ate, and ``\\ No newline at end of file``
(in any language: any line starting with a backslash) takes the newline off the line
before it. When a file's ``+++`` line ends in CRLF, the whole patch went through a CRLF
conversion and one trailing CR is taken off each of its hunk lines (GNU patch does the
same); otherwise a CR is content, so CRLF files round-trip.

:func:`apply_file` applies a file's hunks like GNU patch with ``--fuzz=0``: the context
and removed lines must match exactly, at the stated line shifted by the offset the
previous hunk needed, or at the nearest place (later first on a tie), never before the
previous hunk's end; a hunk with less leading than trailing context must match at the
start of the file, one with less trailing context at its end. There is no fuzz: a
patch that needs fuzz may not apply as the user's own tool applies it (``git apply``
refuses it, ``patch`` may put it somewhere else), so the answer could describe a tree
that never exists; refusing with a :class:`PatchError` is never silently wrong.

In tolerant mode (the default) each problem becomes a
:class:`~depgraph.model.Diagnostic` (``path:line: message: 'text'``) and the damaged part
is left out: a hunk whose lines do not match its header is dropped (its file stays, as it
is still touched), a file whose name cannot be stripped is dropped. ``strict=True``
raises :class:`~depgraph.model.ParseError` at the first problem instead.

This module is a pure function of text: it neither opens files nor normalises paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from depgraph.model import DepgraphError, Diagnostic, ParseError, Severity

_MAX_TEXT = 120
_HUNK = re.compile(r"@@ -([0-9]+)(?:,([0-9]+))? \+([0-9]+)(?:,([0-9]+))? @@")
_BINARY = re.compile(r"Binary files (.+) and (.+) differ")
_ISO_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?: ?([+-])([0-9]{2}):?([0-9]{2}))?"
)
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
# GNU patch takes a time within this window of the epoch as the epoch in some time zone.
_EPOCH_WINDOW = (-25 * 3600, 26 * 3600)


class PatchError(DepgraphError):
    """A patch that does not apply to the texts it was given; one line, ``where:line: …``."""


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@ -old_start,old_count +new_start,new_count @@`` block.

    ``lines`` keep their leading ``' '``, ``'-'`` or ``'+'`` and their line end (``\\n``,
    or ``\\r\\n`` in a CRLF file); the line before a ``\\ No newline at end of file`` has
    none. ``line`` is the 1-based line of the ``@@`` in the patch.
    """

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[str, ...]
    line: int

    @property
    def old_lines(self) -> tuple[str, ...]:
        """The lines the hunk expects in the old text (context and removed)."""
        return tuple(text[1:] for text in self.lines if text[0] != "+")

    @property
    def new_lines(self) -> tuple[str, ...]:
        """The lines the hunk leaves in the new text (context and added)."""
        return tuple(text[1:] for text in self.lines if text[0] != "-")


@dataclass(frozen=True, slots=True)
class FilePatch:
    """What a patch does to one file.

    ``old_path`` is None when the file is created, ``new_path`` None when it is deleted
    (``/dev/null``, an epoch timestamp, or git's ``new file mode``/``deleted file
    mode``). Both are set, and may differ, for git's renames and copies; ``rename`` says
    the old file goes away (git's ``rename from``); without it the old file stays (git's
    ``copy from``, or a git diff of two differently named files, which ``git apply``
    reads as "write the new name"). ``old_mode``/``new_mode`` are git's
    octal modes (``"100755"``) when it states them. ``line`` is the 1-based line in the
    patch of the ``diff --git`` or ``---`` line.
    """

    old_path: str | None
    new_path: str | None
    hunks: tuple[Hunk, ...]
    line: int
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    rename: bool = False

    @property
    def path(self) -> str:
        """The file's name after the patch (before it, for a deletion)."""
        name = self.new_path if self.new_path is not None else self.old_path
        assert name is not None  # the parser never makes a FilePatch with neither
        return name


@dataclass(frozen=True, slots=True)
class Patch:
    """Every file diff of one patch text, in the order they appear."""

    files: tuple[FilePatch, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """Every name the patch reads or writes, in order, without duplicates."""
        seen: dict[str, None] = {}
        for file in self.files:
            for name in (file.old_path, file.new_path):
                if name is not None:
                    seen[name] = None
        return tuple(seen)


def _show(name: str) -> str:
    """``name`` for a one-line message: escaped when it holds unprintable characters."""
    return name if name.isprintable() else ascii(name)[1:-1]


def _header(line: str) -> str:
    """A patch line without its line end (LF or CRLF), for header matching."""
    if line.endswith("\n"):
        line = line[:-1]
    return line[:-1] if line.endswith("\r") else line


def _split_lines(text: str) -> list[str]:
    """Lines keeping their ``\\n``; a final line without one is given one.

    Only ``\\n`` ends a line: a CR, a form feed or U+2028 inside a line is content.
    """
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n")  # a patch cut short: its last line is still a line
    return lines


def _text_lines(text: str) -> list[str]:
    """Lines of a file's text keeping their ends; the last may have none."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _unquote(text: str) -> tuple[str, str] | None:
    """A C-quoted name at the start of ``text`` (git, GNU diff) and the rest after it."""
    assert text.startswith('"')
    data = bytearray()
    i = 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return data.decode("utf-8", "surrogateescape"), text[i + 1 :]
        if char == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt in _C_ESCAPES:
                data.append(_C_ESCAPES[nxt])
                i += 2
                continue
            digits = text[i + 1 : i + 4]
            if len(digits) == 3 and all("0" <= d <= "7" for d in digits) and digits < "400":
                data.append(int(digits, 8))
                i += 4
                continue
            return None
        try:
            data.extend(char.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:  # a lone surrogate that no byte decoded to
            return None
        i += 1
    return None


def _strip_components(name: str, strip: int) -> str | None:
    """``name`` without ``strip`` leading components (``patch -p``), or None."""
    if strip == 0:
        return name or None
    rest = name
    for _ in range(strip):
        slash = rest.find("/")
        if slash < 0:
            return None
        rest = rest[slash + 1 :].lstrip("/")  # a run of slashes is one separator
    return rest or None


def _is_epoch(stamp: str) -> bool:
    """Whether a ``---``/``+++`` timestamp is the epoch in some time zone (``diff -N``)."""
    match = _ISO_TIME.match(stamp.strip())
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match[k]) for k in range(1, 7))
    if (year, month, day) not in ((1969, 12, 31), (1970, 1, 1)):
        return False
    seconds = (day - 1 if year == 1970 else -1) * 86400 + hour * 3600 + minute * 60 + second
    if match[7]:
        offset = int(match[8]) * 3600 + int(match[9]) * 60
        seconds -= offset if match[7] == "+" else -offset
    return _EPOCH_WINDOW[0] < seconds < _EPOCH_WINDOW[1]


def _file_name(rest: str) -> tuple[str, bool] | None:
    """The name on a ``---``/``+++`` line (after the marker) and whether it is absent.

    As GNU patch reads it: a quoted name, or up to the first blank unless a TAB follows
    later (then blanks inside the name are kept); the rest is a timestamp.
    """
    rest = rest.lstrip(" \t")
    if rest.startswith('"'):
        quoted = _unquote(rest)
        if quoted is None:
            return None
        name, stamp = quoted
    else:
        tab = rest.find("\t")
        if tab >= 0:
            name, stamp = rest[:tab].rstrip(" "), rest[tab + 1 :]
        else:
            parts = rest.split(" ", 1)
            name, stamp = parts[0], parts[1] if len(parts) > 1 else ""
    if not name:
        return None
    return name, name == "/dev/null" or _is_epoch(stamp)


def _git_names(rest: str, strip: int) -> tuple[str, str] | None:
    """The two names of ``diff --git A B`` (unstripped), as git splits them.

    Unquoted names may hold spaces: the split taken is the one where both names are the
    same after stripping, which is what git writes unless the file was renamed.
    """
    if rest.startswith('"'):
        first = _unquote(rest)
        if first is None or not first[1].startswith(" "):
            return None
        old, tail = first[0], first[1][1:]
        if tail.startswith('"'):
            second = _unquote(tail)
            return (old, second[0]) if second is not None and not second[1] else None
        return old, tail
    if rest.endswith('"'):
        start = rest.find(' "')
        second = _unquote(rest[start + 1 :]) if start >= 0 else None
        return (rest[:start], second[0]) if second is not None and not second[1] else None
    spaces = [i for i, char in enumerate(rest) if char == " "]
    for i in spaces:
        old, new = rest[:i], rest[i + 1 :]
        if _strip_components(old, strip) == _strip_components(new, strip):
            return old, new
    if len(spaces) == 1:
        return rest[: spaces[0]], rest[spaces[0] + 1 :]
    return None


def _choose(old: str, new: str) -> str:
    """GNU patch's pick between two differing names of a plain diff."""
    return min(
        (new, old), key=lambda name: (name.count("/"), len(name.rsplit("/", 1)[-1]), len(name))
    )


@dataclass(slots=True)
class _File:
    """A file diff being read."""

    line: int
    old: str | None = None
    new: str | None = None
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    rename: bool = False
    names_line: int = 0  # the '+++' line, when there is one
    crlf: bool = False
    dropped: bool = False  # its name could not be stripped: read, but left out
    had_hunk: bool = False  # an '@@' line followed, even one reported as damaged

    def name(self) -> str:
        return _show(self.new or self.old or "?")


class _Parser:
    def __init__(self, text: str, path: str, strip: int, strict: bool) -> None:
        self.lines = _split_lines(text)
        self.path = path
        self.strip = strip
        self.strict = strict
        self.diagnostics: list[Diagnostic] = []
        self.files: list[_File] = []

    def problem(
        self, index: int, message: str, severity: Severity = Severity.ERROR, text: str = ""
    ) -> None:
        """A diagnostic for the 0-based line ``index`` (its text unless given)."""
        if not text and index < len(self.lines):
            text = _header(self.lines[index])
        line = min(index, len(self.lines) - 1) + 1 if self.lines else 1
        diag = Diagnostic(self.path, line, message, text[:_MAX_TEXT], severity)
        if self.strict:
            raise ParseError(diag)
        self.diagnostics.append(diag)

    # --- names ---------------------------------------------------------------------

    def stripped(self, file: _File, index: int, name: str, strip: int) -> str | None:
        """``name`` stripped, or None (and ``file`` dropped) after a diagnostic."""
        result = _strip_components(name, strip)
        if result is None:
            self.problem(index, f"file name {_show(name)} has no component left after -p{strip}")
        elif result.startswith("/") or ".." in result.split("/"):
            self.problem(index, f"file name {_show(result)} leaves the tree")
            result = None
        if result is None:
            file.dropped = True
        return result

    # --- the whole text ------------------------------------------------------------

    def parse(self) -> Patch:
        lines = self.lines
        i = 0
        inside: _File | None = None  # the file whose diff the lines at i may continue
        garbage = -1  # the first line after `inside`'s last hunk that is no diff syntax
        while i < len(lines):
            line = lines[i]
            head = _header(line)
            binary = _BINARY.fullmatch(head) if line.startswith("Binary files ") else None
            if line.startswith("diff --git ") or self.starts_plain_file(i) or binary:
                self.close(inside)
                if binary:
                    i = self.plain_binary(i, binary)
                elif line.startswith("diff --git "):
                    i = self.git_file(i)
                else:
                    i = self.plain_file(i)
                inside, garbage = self.files[-1], -1
                continue
            if inside is not None and line.startswith("@@"):
                if garbage >= 0:
                    self.problem(garbage, f"text inside the diff of {inside.name()}")
                    garbage = -1
                i = self.hunks(inside, i)
                continue
            if self.is_context_diff(i):
                self.problem(i, "context diff (diff -c) is not supported: use diff -u")
            if inside is not None:
                if head in ("", "-- ", "--"):  # a blank line or a mail signature ends it
                    self.close(inside)
                    inside = None
                elif garbage < 0:
                    garbage = i
            i += 1
        self.close(inside)
        return self.finish()

    def starts_plain_file(self, i: int) -> bool:
        """Whether line ``i`` is a ``---`` line with a ``+++`` line after it."""
        lines = self.lines
        return (
            lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")
        )

    def is_context_diff(self, i: int) -> bool:
        lines = self.lines
        return (
            lines[i].startswith("*** ")
            and i + 2 < len(lines)
            and lines[i + 1].startswith("--- ")
            and lines[i + 2].startswith("***************")
        )

    def close(self, file: _File | None) -> None:
        """The diff of ``file`` is over: it needed a hunk if it had ``---``/``+++``."""
        if file is not None and file.names_line and not file.had_hunk and not file.dropped:
            self.problem(file.names_line - 1, f"no hunk follows the names of {file.name()}")

    def finish(self) -> Patch:
        files = tuple(
            FilePatch(
                file.old,
                file.new,
                tuple(file.hunks),
                file.line,
                file.binary,
                file.old_mode,
                file.new_mode,
                file.rename,
            )
            for file in self.files
            if not file.dropped
        )
        self.diagnostics.sort(key=lambda diag: diag.line)
        return Patch(files, tuple(self.diagnostics))

    # --- one file ------------------------------------------------------------------

    def git_file(self, i: int) -> int:
        """Read the diff starting at ``diff --git`` on line ``i``; return the next line."""
        lines = self.lines
        file = _File(i + 1)
        self.files.append(file)
        created = deleted = said = False
        moved: dict[str, str | None] = {}  # 'from' and 'to' of a rename or copy
        j = i + 1
        while j < len(lines):
            head = _header(lines[j])
            words = head.split(" ")
            if head.startswith(("old mode ", "deleted file mode ")):
                file.old_mode = words[-1]
                deleted = deleted or words[0] == "deleted"
            elif head.startswith(("new mode ", "new file mode ")):
                file.new_mode = words[-1]
                created = created or words[1] == "file"
            elif head.startswith(("rename from ", "rename to ", "copy from ", "copy to ")):
                moved[words[1]] = self.git_extended_name(file, j, head.split(" ", 2)[2])
                file.rename = file.rename or words[0] == "rename"
            elif words[0] == "index" or head.startswith(
                ("similarity index ", "dissimilarity index ")
            ):
                j += 1
                continue
            elif head == "GIT binary patch" or _BINARY.fullmatch(head):
                file.binary = True
                j += 1
                break
            else:
                break
            said = True
            j += 1
        old: str | None = None
        new: str | None = None
        has_names = not file.binary and j < len(lines) and self.starts_plain_file(j)
        if has_names:
            named = self.names(file, j)
            if named is not None:
                old, new = named
            j = self.hunks(file, j + 2)
        elif moved:
            if ("from" not in moved or "to" not in moved) and not file.dropped:
                self.problem(i, "a git rename or copy without both its names")
                file.dropped = True
            old, new = moved.get("from"), moved.get("to")
        else:
            names = _git_names(_header(lines[i])[len("diff --git ") :], self.strip)
            if names is None:
                self.problem(i, "cannot tell the file names of this git diff")
                file.dropped = True
            else:
                old = self.stripped(file, i, names[0], self.strip)
                new = self.stripped(file, i, names[1], self.strip)
        if not (said or has_names or file.binary):
            if j < len(lines) and lines[j].startswith("--- "):
                self.problem(j + 1, "expected '+++' after '---'")
            else:
                self.problem(min(j, len(lines) - 1), "expected '---' or git's headers")
        file.old = None if created else old
        file.new = None if deleted else new
        if file.binary:
            self.problem(
                j - 1, f"binary diff: the new content of {file.name()} is unknown", Severity.WARNING
            )
        return j

    def git_extended_name(self, file: _File, index: int, name: str) -> str | None:
        """A ``rename from``/``copy to`` name: maybe quoted, and without the ``a/``."""
        if name.startswith('"'):
            quoted = _unquote(name)
            if quoted is None or quoted[1]:
                self.problem(index, "malformed quoted file name")
                file.dropped = True
                return None
            name = quoted[0]
        return self.stripped(file, index, name, max(self.strip - 1, 0))

    def names(self, file: _File, i: int) -> tuple[str | None, str | None] | None:
        """The stripped names of the ``---`` line ``i`` and the ``+++`` line after it."""
        file.names_line = i + 2
        file.crlf = self.lines[i + 1].endswith("\r\n")
        result: list[str | None] = []
        for index in (i, i + 1):
            named = _file_name(_header(self.lines[index])[4:])
            if named is None:
                self.problem(index, "malformed file name")
                file.dropped = True
                return None
            name, absent = named
            result.append(None if absent else self.stripped(file, index, name, self.strip))
            if file.dropped:
                return None  # one diagnostic for the file is enough
        if result == [None, None] and not file.dropped:
            self.problem(i, "neither side of this diff exists")
            file.dropped = True
        return result[0], result[1]

    def plain_file(self, i: int) -> int:
        """Read the diff starting at a ``---`` line ``i`` followed by ``+++``."""
        file = _File(i + 1)
        self.files.append(file)
        named = self.names(file, i)
        if named is not None:
            old, new = named
            if old is not None and new is not None and old != new:
                old = new = _choose(old, new)  # no rename without git: one file
            file.old, file.new = old, new
        return self.hunks(file, i + 2)

    def plain_binary(self, i: int, match: re.Match[str]) -> int:
        """``Binary files A and B differ`` from ``diff -r``, outside a git diff."""
        file = _File(i + 1, binary=True)
        self.files.append(file)
        names = [
            None if name == "/dev/null" else self.stripped(file, i, name, self.strip)
            for name in (match[1], match[2])
        ]
        old, new = names
        if old is not None and new is not None and old != new:
            old = new = _choose(old, new)
        file.old, file.new = old, new
        if old is None and new is None:
            file.dropped = True
        if not file.dropped:
            message = f"binary diff: the new content of {file.name()} is unknown"
            self.problem(i, message, Severity.WARNING)
        return i + 1

    # --- hunks ---------------------------------------------------------------------

    def hunks(self, file: _File, i: int) -> int:
        """Read the hunks starting at line ``i``; return the first line after them."""
        while i < len(self.lines) and self.lines[i].startswith("@@"):
            i = self.hunk(file, i)
        return i

    def hunk(self, file: _File, i: int) -> int:
        """Read one hunk whose ``@@`` is on line ``i``; return the line after it."""
        lines = self.lines
        file.had_hunk = True
        match = _HUNK.match(lines[i])
        number = len(file.hunks) + 1
        if not match:
            self.problem(i, f"malformed hunk header in the diff of {file.name()}")
            return self.skip_hunk_lines(i + 1)
        old_start, new_start = int(match[1]), int(match[3])
        old_count = 1 if match[2] is None else int(match[2])
        new_count = 1 if match[4] is None else int(match[4])
        if (
            (old_start == 0 and old_count)
            or (new_start == 0 and new_count)
            or not (old_count or new_count)
        ):
            self.problem(i, f"impossible line range in hunk {number} of {file.name()}")
            return self.skip_hunk_lines(i + 1)
        body: list[str] = []
        old_left, new_left = old_count, new_count
        j = i + 1
        while old_left or new_left:
            if j >= len(lines):
                return self.broken_hunk(file, number, i, j, old_left, new_left)
            line = lines[j]
            if file.crlf and line.endswith("\r\n"):
                line = line[:-2] + "\n"
            kind = line[0]
            if line == "\n" or kind == "\t":
                kind, line = " ", " " + line  # its leading space was eaten (GNU patch)
            if kind == " " and old_left and new_left:
                old_left, new_left = old_left - 1, new_left - 1
            elif kind == "-" and old_left:
                old_left -= 1
            elif kind == "+" and new_left:
                new_left -= 1
            elif kind == "\\" and body and body[-1].endswith("\n"):
                body[-1] = body[-1][:-1]  # '\ No newline at end of file'
                j += 1
                continue
            else:
                return self.broken_hunk(file, number, i, j, old_left, new_left)
            body.append(line)
            j += 1
        if j < len(lines) and lines[j].startswith("\\") and body[-1].endswith("\n"):
            body[-1] = body[-1][:-1]
            j += 1
        if j < len(lines) and self.is_extra_hunk_line(j):
            self.problem(j, f"hunk {number} of {file.name()} is longer than its header says")
            return self.skip_hunk_lines(j)
        file.hunks.append(Hunk(old_start, old_count, new_start, new_count, tuple(body), i + 1))
        return j

    def is_extra_hunk_line(self, j: int) -> bool:
        """Whether line ``j``, right after a complete hunk, looks like more of it."""
        return self.lines[j][0] in " +-" and not self.ends_hunks(j)

    def ends_hunks(self, j: int) -> bool:
        """Whether line ``j`` starts the next file's names or a mail signature."""
        return self.starts_plain_file(j) or _header(self.lines[j]) in ("-- ", "--")

    def broken_hunk(
        self, file: _File, number: int, i: int, j: int, old_left: int, new_left: int
    ) -> int:
        """Report a hunk that ends before its counts are met; return where to go on.

        A hunk cut short may have swallowed the next file's ``---``/``+++`` lines or a
        mail signature as lines of its own: reading goes on from the first of those.
        """
        resume = next((k for k in range(i + 1, j) if self.ends_hunks(k)), j)
        by = " by the end of the patch" if resume >= len(self.lines) else ""
        self.problem(
            resume,
            f"hunk {number} of {file.name()} (line {i + 1}) is cut short{by}: "
            f"{old_left} old and {new_left} new lines missing",
        )
        return resume

    def skip_hunk_lines(self, j: int) -> int:
        """Skip lines that look like hunk lines, stopping at the next file's names."""
        while j < len(self.lines) and self.lines[j][0] in " +-\\" and not self.ends_hunks(j):
            j += 1
        return j


def parse_patch(text: str, path: str = "<patch>", *, strip: int = 1, strict: bool = False) -> Patch:
    """Parse a patch: ``git diff``/``format-patch`` output, ``diff -u``/``-ruN``, quilt.

    ``path`` names the patch in diagnostics (``-`` for stdin); ``strip`` is ``patch
    -p``'s N. In tolerant mode (the default) each problem is a diagnostic and parsing
    goes on; ``strict=True`` raises :class:`~depgraph.model.ParseError` at the first.
    """
    if strip < 0:
        raise ValueError(f"strip must be 0 or more, not {strip}")
    return _Parser(text, path, strip, strict).parse()


# --- applying ----------------------------------------------------------------------


def _context(hunk: Hunk) -> tuple[int, int]:
    """Lines of leading and of trailing context of ``hunk``."""
    kinds = [text[0] for text in hunk.lines]
    prefix = next((k for k, kind in enumerate(kinds) if kind != " "), len(kinds))
    suffix = next((k for k, kind in enumerate(reversed(kinds)) if kind != " "), len(kinds))
    return prefix, suffix


def _locate(lines: list[str], old: list[str], hunk: Hunk, guess: int, frozen: int) -> int | None:
    """Where ``old`` matches in ``lines`` for ``hunk``: GNU patch's rules without fuzz.

    ``guess`` is the stated place shifted by the previous hunk's offset; no match may
    start before ``frozen``, the end of the previous hunk.
    """
    if not old:
        # A pure insertion: GNU patch takes the stated place as it is, and inserting
        # past the end of the file appends; before the previous hunk it fails.
        return min(guess, len(lines)) if frozen <= guess else None
    last = len(lines) - len(old)  # the last index a match may start at
    if last < frozen:
        return None
    width, first = len(old), old[0]

    def matches(at: int) -> bool:
        return lines[at] == first and lines[at : at + width] == old

    prefix, suffix = _context(hunk)
    if prefix < suffix and hunk.old_start <= 1:
        # Less leading than trailing context: the hunk is at the start of the file.
        return 0 if frozen == 0 and matches(0) else None
    if suffix < prefix:
        # Less trailing than leading context: the hunk is at the end of the file.
        return last if matches(last) else None
    # Outward from the guess, later before earlier on a tie, as GNU patch searches.
    low = guess - last if guess > last else frozen - guess if guess < frozen else 0
    for offset in range(max(low, 0), max(last - guess, guess - frozen) + 1):
        if frozen <= guess + offset <= last and matches(guess + offset):
            return guess + offset
        if offset and frozen <= guess - offset <= last and matches(guess - offset):
            return guess - offset
    return None


def apply_file(patch: FilePatch, old: str | None, where: str) -> str | None:
    """The text of ``patch.path`` after applying ``patch`` to ``old``.

    ``old`` is None when the file does not exist; the result is None when the patch
    deletes the file. For a rename or copy the result is the new file's text. ``where``
    names the patch in errors. Raises :class:`PatchError` when a hunk does not apply
    (``where:LINE: hunk N of PATH does not apply``, LINE being the hunk's line in the
    patch), when a created file exists, a patched or deleted one does not, a deleted one
    keeps content, or the diff is binary.
    """
    shown = _show(patch.path)
    if patch.binary:
        raise PatchError(f"{where}:{patch.line}: binary diff of {shown}: new content unknown")
    creates = patch.old_path is None or (
        # GNU patch creates a missing file from a diff whose only hunk adds to nothing.
        old is None and len(patch.hunks) == 1 and patch.hunks[0].old_count == 0
    )
    if creates and old is not None:
        raise PatchError(f"{where}:{patch.line}: cannot create {shown}: it already exists")
    if old is None and not creates:
        missing = _show(patch.old_path or patch.path)
        raise PatchError(f"{where}:{patch.line}: cannot patch {missing}: no such file")
    lines = _text_lines(old or "")
    out: list[str] = []
    frozen = 0  # lines before this index are already copied or replaced
    offset = 0  # how far the previous hunk was from its stated place (GNU's in_offset)
    for number, hunk in enumerate(patch.hunks, start=1):
        old_lines = list(hunk.old_lines)
        stated = hunk.old_start - 1 if hunk.old_count else hunk.old_start
        found = _locate(lines, old_lines, hunk, stated + offset, frozen)
        if found is None:
            raise PatchError(f"{where}:{hunk.line}: hunk {number} of {shown} does not apply")
        out.extend(lines[frozen:found])
        out.extend(hunk.new_lines)
        frozen = found + len(old_lines)
        offset = found - stated
    out.extend(lines[frozen:])
    new = "".join(out)
    if patch.new_path is None:
        if new:
            raise PatchError(
                f"{where}:{patch.line}: cannot delete {shown}: the patch leaves content in it"
            )
        return None
    return new
