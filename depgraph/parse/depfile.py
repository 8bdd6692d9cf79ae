"""Parser for the Makefile-syntax depfiles gcc and clang write (``-MD``/``-MMD``/``-MP``/``-MF``).

What gcc writes for ``gcc -MMD -MP -MF t.d -c t.c`` with a header in ``inc dir#1/``::

    t.o: t.c inc\\ dir\\#1/a\\ b.h d$$x/k.h \\
     include/linux/types.h
    inc\\ dir\\#1/a\\ b.h:
    d$$x/k.h:
    include/linux/types.h:

The escapes follow gcc's ``libcpp/mkdeps.cc`` (``munge``) and GNU make, and the behaviour
matrix is ninja's ``src/depfile_parser_test.cc``:

* backslash-newline (also backslash-CRLF) continues a line; CRLF is accepted anywhere;
* ``\\ `` is a space inside a name: a space or tab after 2N+1 backslashes is N backslashes
  and the blank; after 2N backslashes it is N backslashes ending the name (GNU make's rule,
  which gcc's ``munge`` writes for; ninja keeps all 2N backslashes instead);
* ``\\#`` is ``#`` and ``$$`` is ``$``; ``\\:`` inside a name is ``:`` (gcc >= 10 on
  Windows), but ``\\:`` before a blank is a backslash ending the name plus the separator
  (ninja's ``EscapedTargetColon``); every other backslash is kept, so ``a\\b.h`` stays;
* the separator is a ``:`` followed by a blank or the end of the line, as gcc writes it, so
  ``a:b`` is one name; several targets may share a rule and a file may hold several rules
  (``-MT`` twice, or rules for several objects);
* a rule with no prerequisites after the first rule is a ``-MP`` phony rule (``x.h:``);
* blank lines and comment lines (``#`` as the first non-blank character) are skipped; an
  unescaped ``#`` later in a line is kept as part of a name (gcc always writes ``\\#``).

Malformed rules (names but no ``:``, nothing before the ``:``, a second ``:``, control
characters such as NUL) give one :class:`~depgraph.model.Diagnostic` each and are skipped,
so ``len(diagnostics)`` is the number of rules skipped; ``strict=True`` raises
:class:`~depgraph.model.ParseError` at the first one instead.

This module is a pure function of text: it neither opens files nor normalises paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from depgraph.model import Diagnostic, ParseError, Severity

# Characters that never appear in a real depfile: a NUL or other C0 control (tab, newline
# and carriage return excepted) means a binary or truncated-and-reused file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A line needs the careful scanner only when it holds an escape gcc or make gives meaning.
_NEEDS_SCAN = re.compile(r"\$|\\[ \t#:]")
# One name of an escaped line (make separates names on spaces and tabs only): plain text,
# 2N+1 backslashes and the blank they escape, 2N backslashes ending the name before a
# blank, or backslashes before anything else. Possessive, so a run is never split.
_NAME = re.compile(r"(?:[^ \t\\]++|(?:\\\\)*+\\[ \t]|(?:\\\\)++(?=[ \t])|\\++(?![ \t]))++")
# Escapes inside a name: a blank, '#', or a ':' that is not the name's last character.
_ESCAPE = re.compile(r"(\\+)([ \t#]|:(?!$))")
_TRAILING_BACKSLASHES = re.compile(r"\\+$")
_BLANKS = re.compile(r"[ \t]+")
# A newline after a run of backslashes: a continuation only when the run is odd (make).
_BACKSLASHES_NEWLINE = re.compile(r"(\\+)\n")
_MAX_TEXT = 120


@dataclass(frozen=True, slots=True)
class DepRule:
    """One make rule of a depfile: ``targets: prereqs``, names unescaped.

    ``prereqs`` keeps the order gcc wrote (the source first, then headers in include
    order) with duplicates removed, the first kept. ``line`` is the 1-based line of the
    rule's first name.
    """

    targets: tuple[str, ...]
    prereqs: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Depfile:
    """Everything one depfile says.

    ``rules`` holds the rules with at least one prerequisite, plus the first rule even when
    it has none (an object compiled from nothing listed); ``phony`` holds the targets of the
    later empty rules ``-MP`` adds so make tolerates deleted headers, except names that are
    also targets of a kept rule.
    """

    rules: tuple[DepRule, ...]
    phony: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    def prereqs_of(self, target: str) -> tuple[str, ...]:
        """Prerequisites of ``target``: the union, in order, over the rules naming it.

        ninja unifies repeated rules the same way (``UnifyMultipleRulesLF``).
        """
        seen: dict[str, None] = {}
        for rule in self.rules:
            if target in rule.targets:
                seen.update(dict.fromkeys(rule.prereqs))
        return tuple(seen)

    @property
    def all_prereqs(self) -> tuple[str, ...]:
        """Prerequisites of every rule, in order of first appearance, without duplicates."""
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.prereqs))
        return tuple(seen)


def _unescape_run(match: re.Match[str]) -> str:
    backslashes, escaped = match.groups()
    if escaped == "#" or escaped == ":":
        # gcc writes one backslash before '#' (and mingw gcc >= 10 before a drive's ':');
        # ninja drops just that one and keeps any before it.
        return backslashes[1:] + escaped
    # GNU make: 2N+1 backslashes and a blank are N backslashes and the blank.
    return backslashes[: len(backslashes) // 2] + escaped


def _unescape(name: str, blank_after: bool) -> str:
    """Undo gcc's escapes in one name cut out by :data:`_NAME`."""
    if "$$" in name:
        name = name.replace("$$", "$")  # gcc writes '$' as '$$' for make
    if "\\" not in name:
        return name
    name = _ESCAPE.sub(_unescape_run, name)
    if blank_after and name[-1] == "\\":
        # GNU make: 2N backslashes before a blank are N backslashes ending the name.
        run = _TRAILING_BACKSLASHES.search(name)
        if run:
            name = name[: run.start()] + "\\" * ((run.end() - run.start()) // 2)
    return name


def _scan(body: str) -> list[str]:
    """Split one line holding escapes into unescaped names (the careful path).

    Only names holding a backslash or a ``$`` are unescaped; the cut itself is one regex.
    A name ending in a separator ``:`` keeps it, ``\\:`` included (ninja's
    ``EscapedTargetColon``: ``foo1\\: x`` is target ``foo1\\``), so the caller treats it
    like a name from the fast path.
    """
    names = _NAME.findall(body)
    last = len(names) - 1
    blank_at_end = body[-1] in " \t"
    for index, name in enumerate(names):
        if "\\" in name or "$" in name:
            names[index] = _unescape(name, index < last or blank_at_end)
    return names


def _split(body: str) -> list[str]:
    """Names on one physical line (continuation backslash already removed)."""
    if ("\\" in body or "$" in body) and _NEEDS_SCAN.search(body):
        return _scan(body)
    if body.isascii():
        # Fast path: nothing escaped, so make's word split is str.split(); the ASCII
        # blanks it splits on besides space and tab are controls, rejected earlier.
        return body.split()
    # str.split() would also split on U+00A0 and friends, which make keeps in a name.
    return [name for name in _BLANKS.split(body) if name]


def _marker(text: str) -> str:
    """A character that is neither in ``text`` nor a control, to mark a folded continuation.

    Only needed for damaged text: clean text never holds \\x01, which is used instead.
    """
    return next(chr(code) for code in range(0xE000, 0x110000) if chr(code) not in text)


def _where(chunk: str, marker: str, offset: int) -> tuple[int, str]:
    """Lines after the first, and text, of the physical line holding ``chunk[offset]``."""
    before = chunk.count(marker, 0, offset)
    return before, chunk.split(marker)[before].strip()


def parse_depfile(text: str, path: str = "<depfile>", *, strict: bool = False) -> Depfile:
    """Parse the text of one gcc/clang depfile.

    In tolerant mode (the default) each malformed rule becomes a diagnostic
    (``path:line: message: 'offending text'``) and is skipped; parsing goes on with the
    next rule. With ``strict=True`` the first problem raises
    :class:`~depgraph.model.ParseError`.
    """
    diagnostics: list[Diagnostic] = []

    def problem(line_no: int, message: str, offending: str) -> None:
        diag = Diagnostic(path, line_no, message, offending[:_MAX_TEXT], Severity.WARNING)
        if strict:
            raise ParseError(diag)
        diagnostics.append(diag)

    if "\r" in text:
        # CRLF anywhere, backslash-CRLF included (ninja's CarriageReturnContinuation); a
        # stray CR is taken as a blank.
        text = text.replace("\r\n", "\n").replace("\r", " ")
    if text.endswith("\\"):
        text += "\n"  # make: a backslash ending the file continues onto nothing
    has_controls = _CONTROL.search(text) is not None
    # Fold every continuation into one marker character while keeping the line count,
    # so the loop below runs once per rule rather than once per line (a kernel depfile
    # has a line per header).
    marker = _marker(text) if has_controls else "\x01"
    if "\\\\\n" in text:
        # Rare: a line ending in an even run of backslashes does not continue.
        text = _BACKSLASHES_NEWLINE.sub(
            lambda m: m.group(1)[:-1] + marker if len(m.group(1)) % 2 else m.group(1) + "\n",
            text,
        )
    else:
        text = text.replace("\\\n", marker)

    rules: list[DepRule] = []
    phony: list[str] = []
    line_no = 1  # the line the current logical line starts on
    for chunk in text.split("\n"):
        first = line_no
        if marker in chunk:
            line_no += chunk.count(marker) + 1
            body = chunk.replace(marker, " ")
        else:
            line_no += 1
            if (
                chunk[-1:] == ":"
                and rules
                and not has_controls
                and " " not in chunk
                and "\t" not in chunk
                and "\\" not in chunk
                and "$" not in chunk
                and len(chunk) > 1
                and chunk[0] != "#"
            ):
                # Fast path for the line -MP writes per header, "include/linux/foo.h:".
                phony.append(chunk[:-1])
                continue
            body = chunk
        lead = len(body) - len(body.lstrip(" \t"))
        if lead == len(body) or body[lead] == "#":
            continue  # blank, or a comment (which a continuation extends, as in make)
        start = first + chunk.count(marker, 0, lead)

        if has_controls:
            bad = _CONTROL.search(chunk)
            if bad:
                delta, shown = _where(chunk, marker, bad.start())
                problem(first + delta, "binary data (control character) in depfile", shown)
                continue

        names = _split(body)
        colon = -1
        for index, name in enumerate(names):
            if name[-1] == ":":
                colon = index
                break
        if colon < 0:
            problem(start, "expected ':' after the targets", " ".join(body.split()))
            continue
        targets = names[:colon]
        if len(names[colon]) > 1:
            targets.append(names[colon][:-1])
        if not targets:
            problem(start, "no target before ':'", " ".join(body.split()))
            continue
        prereqs = names[colon + 1 :]
        # Only a ':' before a blank or the end separates, so counting those in the raw
        # text finds a second separator without a Python loop over every name.
        if body.count(": ") + body.count(":\t") + (body[-1] == ":") > 1:
            second = [m.start() for m in re.finditer(r":(?=[ \t]|$)", body)][1]
            delta, shown = _where(chunk, marker, second)
            problem(first + delta, "more than one ':' in a rule", shown)
            continue

        if prereqs or not rules:
            unique = tuple(dict.fromkeys(prereqs))
            rules.append(DepRule(tuple(dict.fromkeys(targets)), unique, start))
        else:
            phony.extend(targets)

    # An empty rule for a name that also has a real rule (ninja's MultipleEmptyRules,
    # "foo: x" then "foo:") adds nothing and is no -MP phony header.
    real = {target for rule in rules for target in rule.targets}
    phony_names = tuple(name for name in dict.fromkeys(phony) if name not in real)
    return Depfile(tuple(rules), phony_names, tuple(diagnostics))
