"""Parser for kbuild's ``.<target>.cmd`` files (written by ``scripts/basic/fixdep``).

The format, as fixdep and ``if_changed`` write it (see ``shared/kbuild-notes.md``)::

    savedcmd_init/main.o := gcc -Wp,-MMD,init/.main.o.d ... -c -o init/main.o init/main.c

    source_init/main.o := init/main.c

    deps_init/main.o := \\
        $(wildcard include/config/FOO) \\
      include/linux/kconfig.h \\
        $(wildcard include/config/BAR) \\

    init/main.o: $(deps_init/main.o)

    $(deps_init/main.o):

* ``cmd_`` instead of ``savedcmd_`` before v6.3 and in ``tools/``.
* A config stamp belongs to the file listed above it; stamps before the first file belong
  to the source. Before v5.13 a stamp reads ``include/config/foo/bar.h``; the loader maps
  those back to symbol names, since the spelling alone is not reversible.
* Targets built by plain ``if_changed`` (archives, links) have only the command line.

This module is a pure function of text: it neither opens files nor normalises paths.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from depgraph.model import Diagnostic, ParseError, Severity

_WILDCARD = "$(wildcard "  # 11 characters
_SOURCE_INDEX = -1


@dataclass(frozen=True, slots=True)
class CmdFile:
    """What one ``.cmd`` file says about one make target.

    ``stamps`` pairs each config stamp path (as written inside ``$(wildcard …)``) with the
    index in ``deps`` of the file it was listed under, or -1 for the source.
    ``extra_prereqs`` holds prerequisites of additional rule lines, such as objtool's
    ``foo.o: $(wildcard ./tools/objtool/objtool)``.
    """

    target: str
    command: str
    command_line: int
    source: str | None
    deps: tuple[str, ...]
    stamps: tuple[tuple[str, int], ...]
    extra_prereqs: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


def unescape_command(saved: str) -> str:
    """Undo the escapes kbuild's ``make-cmd`` applies before saving a command.

    ``$$`` stands for ``$``; ``$(pound)`` and ``\\#`` stand for ``#``.
    """
    if "$" not in saved and "\\#" not in saved:
        return saved
    return saved.replace("$(pound)", "#").replace("\\#", "#").replace("$$", "$")


def _strip_continuation(line: str) -> str:
    """``  include/linux/a.h \\`` -> ``include/linux/a.h``."""
    if line.endswith("\\"):
        line = line[:-1]
    return line.strip()


_GLUE = "\x01"  # joins a file's stamps to it in a group; never in a .cmd file


def parse_grouped(text: str, path: str = "<cmd>") -> tuple[CmdFile, list[str]] | None:
    """A ``.cmd`` file in fixdep's exact layout, the fast way: this is the hot spot of a
    kernel load (millions of dependency lines). The record comes without ``deps`` and
    ``stamps``; instead the list holds one *group* per listed file, the file's line with
    the stamps under it glued on (``"  FILE\x01include/config/A)\x01…"``), after a first
    group for the source's stamps (``""`` when there are none). A kernel repeats the same
    group in thousands of files, so a caller can read each distinct one once
    (:func:`read_group`). None for anything else (CRLF, NUL, other indentation, a cut
    file, other lines beside the list), which :func:`parse_cmdfile` then reads carefully.
    """
    at = text.find("\ndeps_")
    if at < 0 or "\r" in text or "\x00" in text or _GLUE in text:
        return None
    eol = text.find("\n", at + 1)
    # The list ends at the last " \\" line before a blank line: looked for from the end,
    # since the list is most of the file (a blank line inside it makes a group that
    # read_group refuses, as it refuses anything after the list that is not fixdep's).
    end = text.rfind(" \\\n\n", eol) + 2
    if eol < 0 or end < 2 or text[eol - 2 : eol] != " \\":
        return None
    # fixdep writes "  FILE \\\n" and "    $(wildcard include/config/SYM) \\\n".
    glued = (" \\\n" + text[eol + 1 : end - 2]).replace(" \\\n    $(wildcard ", _GLUE)
    record = _parse_lines(text[:eol] + text[end:], path, strict=False)
    if record.diagnostics or record.deps:
        return None
    return record, glued.split(" \\\n")


def read_group(group: str) -> tuple[str, list[str]] | None:
    """The file and the stamp paths of one group of :func:`parse_grouped` (the file is
    ``""`` in the source's group, and only there); None if the group is not in fixdep's
    layout."""
    file, *stamps = group.split(_GLUE)
    if file and (file[:2] != "  " or file[2:3] in ("", " ") or "\n" in file):
        return None
    for stamp in stamps:
        if stamp[-1:] != ")" or "\n" in stamp or " " in stamp:
            return None
    return file[2:], [stamp[:-1] for stamp in stamps]


def parse_cmdfile(text: str, path: str = "<cmd>", *, strict: bool = False) -> CmdFile:
    """Parse the text of one ``.cmd`` file.

    In tolerant mode (the default) a damaged line becomes a diagnostic and is skipped; a
    file with no command line at all still returns a record whose ``target`` is empty and
    whose diagnostics say why. With ``strict=True`` the first problem raises
    :class:`~depgraph.model.ParseError`.
    """
    grouped = parse_grouped(text, path)
    if grouped is not None:
        record, groups = grouped
        files: list[str] = []
        stamps: list[tuple[str, int]] = []
        for position, group in enumerate(groups):
            read = read_group(group)
            if read is None or bool(read[0]) != (position > 0):
                break
            file, paths = read
            if file:
                files.append(file)
            stamps.extend((stamp, len(files) - 1) for stamp in paths)
        else:
            return replace(record, deps=tuple(files), stamps=tuple(stamps))
    return _parse_lines(text, path, strict=strict)


def _parse_lines(text: str, path: str, *, strict: bool) -> CmdFile:
    """The careful parser: line by line, every problem a diagnostic with its line."""
    diagnostics: list[Diagnostic] = []

    def problem(line_no: int, message: str, offending: str) -> None:
        diag = Diagnostic(path, line_no, message, offending[:120], Severity.WARNING)
        if strict:
            raise ParseError(diag)
        diagnostics.append(diag)

    if "\x00" in text:
        problem(text.count("\n", 0, text.index("\x00")) + 1, "binary data in .cmd file", "")
        text = text[: text.index("\x00")]

    target = ""
    command = ""
    command_line = 0
    source: str | None = None
    deps: list[str] = []
    stamps: list[tuple[str, int]] = []
    extra: list[str] = []
    deps_var = ""
    deps_rule_seen = False

    lines = text.split("\n")
    count = len(lines)
    index = 0
    while index < count:
        raw = lines[index]
        line = raw[:-1] if raw.endswith("\r") else raw
        index += 1
        if not line or line.startswith("#"):
            continue  # blank, or a comment such as "#SYMVER sym 0x…"
        if line.startswith("deps_"):
            name, sep, value = line.partition(" := ")
            if not sep:
                problem(index, "deps line without ':='", line)
                continue
            deps_var = name
            rest = _strip_continuation(value)
            if rest:  # an older or hand-written form with entries on the same line
                deps.extend(rest.split())
            if not value.rstrip().endswith("\\"):
                continue
            # The hot loop of a kernel load (millions of lines): kept free of calls.
            # Entries are indented, two spaces for a file and four for a config stamp.
            while index < count:
                entry = lines[index]
                if not entry or entry[0] != " ":
                    break
                index += 1
                entry = entry.strip()
                if entry.endswith("\\"):
                    entry = entry[:-1].rstrip()
                if not entry:
                    continue
                if entry[0] != "$":
                    deps.append(entry)
                elif entry.startswith(_WILDCARD) and entry.endswith(")"):
                    stamps.append((entry[11:-1].strip(), len(deps) - 1))
                else:
                    problem(index, "unterminated $(wildcard …) entry", entry)
            continue
        if line.startswith(("savedcmd_", "cmd_")):
            name, sep, value = line.partition(" := ")
            if not sep:
                problem(index, "command line without ':='", line)
                continue
            target = name.split("_", 1)[1]
            command = unescape_command(value)
            command_line = index
        elif line.startswith("source_"):
            _, sep, value = line.partition(" := ")
            if not sep:
                problem(index, "source line without ':='", line)
                continue
            source = value.strip() or None
        elif line.startswith("$(") and line.endswith("):"):
            continue  # "$(deps_foo.o):" — the empty rule that tolerates deleted headers
        elif ":" in line:
            rule_target, _, prereqs = line.partition(":")
            # a raw gcc depfile, continued over lines: tools/build writes one into the
            # .cmd file of what it compiles before its own fixdep exists ("# using basic
            # dep data", tools/objtool/.fixdep.o.cmd in 6.1)
            while prereqs.rstrip().endswith("\\") and index < count:
                prereqs = prereqs.rstrip()[:-1] + " " + lines[index]
                index += 1
            for word in prereqs.split():
                if word == f"$({deps_var})" or word == f"$(deps_{target})":
                    deps_rule_seen = True
                    continue
                if word.startswith(_WILDCARD) or word == "$(wildcard":
                    continue
                extra.append(word.rstrip(")"))
            if not rule_target.strip():
                problem(index, "rule without a target", line)
        else:
            problem(index, "unrecognised line", line)

    if deps_var and not deps_rule_seen:
        # fixdep always closes the list with "target: $(deps_target)"; without it the
        # file was cut short and the list may be incomplete.
        last = next((ln for ln in reversed(lines) if ln.strip()), "")
        problem(len(lines), "truncated .cmd file: deps_ list is not closed by its rule", last)
    if not command_line:
        problem(1, "no savedcmd_/cmd_ line (not a kbuild .cmd file, or truncated)", lines[0])

    return CmdFile(
        target=target,
        command=command,
        command_line=command_line,
        source=source,
        deps=tuple(deps),
        stamps=tuple(stamps),
        extra_prereqs=tuple(extra),
        diagnostics=tuple(diagnostics),
    )


SOURCE_INDEX = _SOURCE_INDEX
