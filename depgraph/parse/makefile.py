"""Reader and evaluator of kbuild Makefiles (``Makefile`` or ``Kbuild`` of one directory).

A ``CONFIG_`` change reaches kbuild's object lists and command lines only through the
Makefiles, which name the symbols in variable *names*, values and conditionals::

    obj-y                  += fhandle.o          # always built in
    obj-$(CONFIG_AUTOFS_FS) += autofs/            # y: built in, m: module, unset: skipped
    netcore-y              := netdev.o netqueue.o # the members of netcore.o
    netcore-$(CONFIG_NET_STATS) += netstats.o
    ccflags-$(CONFIG_NET_STATS) += -DNET_STATS_ENABLED
    ifdef CONFIG_CC_OPTIMIZE_FOR_SIZE
    KBUILD_CFLAGS += -Os
    else
    KBUILD_CFLAGS += -O2
    endif

:func:`parse_makefile` reads one text into :class:`Assignment` records (with continuation
lines joined, comments dropped and the stack of :class:`Guard` conditionals around each),
:class:`Include` and ``export`` directives. Rules and recipes are skipped and counted,
since a Makefile is mostly those; real syntax errors (an ``endif`` without ``if``, an
``if`` never closed) become :class:`~depgraph.model.Diagnostic` s, or
:class:`~depgraph.model.ParseError` with ``strict=True``.

:func:`evaluate` then plays make's part for one directory: it runs the assignments in
order with the configuration's values (``$(CONFIG_X)`` expands to ``y``, ``m`` or nothing,
``n`` counting as nothing, as in ``include/config/auto.conf``) and applies
``scripts/Makefile.lib``'s rules (Linux 6.12): built-in wins over modular, ``lib-y`` keeps
what is not built in, ``foo.o`` is composite when ``foo-objs``/``foo-y``/``foo-m``/``foo-``
is non-empty, ``dir/`` entries are descended into. What make could not know either (a
conditional on ``$(call cc-option,…)``, a variable set outside the directory) is never
guessed silently: a conditional it cannot decide is assumed true and listed in
:attr:`Built.assumed`, and a list entry it cannot expand is left out and listed in
:attr:`Built.unresolved`.

:func:`flag_symbols` says where each symbol changes compiler flags, which changes the
command lines of the objects concerned (rebuild reason 3 of ``shared/kbuild-notes.md``).

This module is a pure function of text: it neither opens files nor normalises paths.
Included files reach :func:`evaluate` through a callback that the caller provides.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from depgraph.model import Diagnostic, ParseError, Severity

_MAX_TEXT = 120
_CONFIG = re.compile(r"(?<![A-Za-z0-9_])CONFIG_[A-Za-z0-9_]+")
_CONFIG_REF = re.compile(r"^\$[({](CONFIG_[A-Za-z0-9_]+)[)}]$")
_OPERATORS = (":::=", "::=", ":=", "+=", "?=", "!=", "=")
_MODIFIERS = ("export", "override", "private")
_CONDITIONALS = ("ifdef", "ifndef", "ifeq", "ifneq")


class VarKind(StrEnum):
    """What a variable means to kbuild, judged from its name as written."""

    OBJ = "obj"  # obj-y, obj-m, obj-$(CONFIG_X): objects and dir/ entries
    LIB = "lib"  # lib-y, lib-$(CONFIG_X): members of the directory's lib.a
    SUBDIR = "subdir"  # subdir-y, subdir-$(CONFIG_X): directories visited, nothing linked
    ALWAYS = "always"  # always-y, always-$(CONFIG_X): built whenever the directory is
    EXTRA = "extra"  # extra-y: built with the built-in targets, linked by nobody
    COMPOSITE = "composite"  # foo-y, foo-objs, foo-$(CONFIG_X): the members of foo.o
    FLAGS = "flags"  # ccflags-y, CFLAGS_foo.o, KBUILD_CFLAGS, ...
    OTHER = "other"  # any other variable (helpers such as BITS, targets, hostprogs)


class FlagScope(StrEnum):
    """Which compile commands a flag variable reaches (scripts/Makefile.lib, 6.12)."""

    OBJECT = "object"  # CFLAGS_foo.o, AFLAGS_foo.o, CFLAGS_REMOVE_foo.o: one target
    DIRECTORY = "directory"  # ccflags-y, asflags-y, ldflags-y: this directory only
    SUBDIRS = "subdirs"  # subdir-ccflags-y: this directory and every one below it
    ALL = "all"  # KBUILD_CFLAGS & co: every object built after it (the top Makefile: all)


# Lists kbuild's Makefile.build empties (as simple variables) before it includes a
# directory's Makefile, so that `obj-y += $(x)` expands $(x) at once (6.12, lines 14-34).
_KBUILD_LISTS = (
    "obj-y",
    "obj-m",
    "lib-y",
    "lib-m",
    "always-y",
    "always-m",
    "targets",
    "subdir-y",
    "subdir-m",
    "asflags-y",
    "ccflags-y",
    "rustflags-y",
    "cppflags-y",
    "ldflags-y",
    "subdir-asflags-y",
    "subdir-ccflags-y",
)

# Constants of scripts/Kbuild.include that Makefiles use in values.
KBUILD_CONSTANTS: Mapping[str, str] = {
    "comma": ",",
    "quote": '"',
    "squote": "'",
    "empty": "",
    "space": " ",
    "pound": "#",
}

# Stems of kbuild's own per-directory lists: `stem-y` with such a stem is not a composite.
_LIST_STEMS = {
    "obj": VarKind.OBJ,
    "lib": VarKind.LIB,
    "subdir": VarKind.SUBDIR,
    "always": VarKind.ALWAYS,
    "extra": VarKind.EXTRA,
}
_OTHER_STEMS = frozenset(
    {
        "targets",
        "hostprogs",
        "hostprogs-always",
        "userprogs",
        "userprogs-always",
        "clean-files",
        "clean-dirs",
        "header-test",
        "no-header-test",
        "dtb",
        "generic",
        "generated",
        "mandatory",
        "mandatory-y",
        "generated-y",
        "syscall",
        "quiet_cmd",
        "cmd",
    }
)
_DIRECTORY_FLAG_STEMS = (
    "ccflags-remove",
    "asflags-remove",
    "rustflags-remove",
    "ccflags",
    "asflags",
    "ldflags",
    "cppflags",
    "rustflags",
)
_SUBDIR_FLAG_STEMS = ("subdir-ccflags", "subdir-asflags", "subdir-rustflags")
_OBJECT_FLAG_PREFIXES = (
    "CFLAGS_REMOVE_",
    "AFLAGS_REMOVE_",
    "RUSTFLAGS_REMOVE_",
    "CFLAGS_",
    "AFLAGS_",
    "CPPFLAGS_",
    "RUSTFLAGS_",
    "LDFLAGS_",
    "DTC_FLAGS_",  # a device tree's (scripts/Makefile.dtbs: DTC_FLAGS_$(target-stem))
)
_DIRECTORY_FLAG_NAMES = frozenset(
    {"EXTRA_CFLAGS", "EXTRA_AFLAGS", "EXTRA_CPPFLAGS", "EXTRA_LDFLAGS", "DTC_FLAGS"}
)
# Exported by the top Makefile for every compile; CFLAGS_KERNEL & co. are the
# command-line hooks kbuild adds to every built-in or modular object.
_ALL_FLAG_NAMES = frozenset({"CFLAGS_KERNEL", "CFLAGS_MODULE", "AFLAGS_KERNEL", "AFLAGS_MODULE"})
_ALL_FLAG_NAMES |= {"LDFLAGS_MODULE", "KBUILD_CPPFLAGS"}
_KBUILD_FLAGS = re.compile(r"^KBUILD_[A-Z]*FLAGS(_[A-Z]+)?$")
_STEM_SUFFIX = re.compile(r"^(?P<stem>[^$]+?)-(?P<suffix>y|m|objs|\$[({].*)$")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Guard:
    """One conditional an assignment sits in, and which branch of it.

    ``test`` is the directive (``ifdef``, ``ifndef``, ``ifeq``, ``ifneq``); ``left`` is the
    variable name of ``ifdef``/``ifndef`` or the first argument of ``ifeq``/``ifneq``,
    ``right`` the second. ``taken`` is False in the ``else`` branch (also for each earlier
    test of an ``else ifdef …`` chain). When the test compares one ``CONFIG_`` symbol with
    a constant (``ifdef CONFIG_X``, ``ifeq ($(CONFIG_X),y)``, ``ifneq ($(CONFIG_X),)``,
    either order), ``symbol`` and ``wanted`` say so and :meth:`holds` decides it; any other
    test (``ifeq ($(ARCH),x86)``, ``ifneq ($(call cc-option,…),)``) is an *unknown* guard
    with ``symbol`` None, kept with its text.
    """

    line: int
    text: str
    test: str
    left: str
    right: str
    taken: bool = True
    symbol: str | None = None
    wanted: str = ""

    @property
    def equal(self) -> bool:
        """Whether this branch needs the symbol's value to equal ``wanted`` (else differ)."""
        return (self.test in ("ifeq", "ifndef")) == self.taken

    @property
    def symbols(self) -> tuple[str, ...]:
        """Every ``CONFIG_`` symbol the test mentions, in order."""
        return tuple(dict.fromkeys(_CONFIG.findall(f"{self.left} {self.right}")))

    def holds(self, values: Mapping[str, str]) -> bool | None:
        """Whether this branch is taken with ``values``; None for an unknown guard."""
        if self.symbol is None:
            return None
        return (config_value(values, self.symbol) == self.wanted) == self.equal

    def describe(self) -> str:
        """The condition this branch needs, e.g. ``CONFIG_X=y`` or ``not ifeq (…)``."""
        if self.symbol is None:
            return self.text if self.taken else f"not {self.text}"
        if self.wanted == "":
            return f"{self.symbol} {'unset' if self.equal else 'set'}"
        return f"{self.symbol}{'=' if self.equal else '!='}{self.wanted}"

    def negated(self) -> Guard:
        """The same test for the other branch."""
        return replace(self, taken=not self.taken)


@dataclass(frozen=True, slots=True)
class Assignment:
    """``name op value`` on ``line`` (its first physical line), inside ``guards``.

    ``name`` and ``value`` are as written, continuation lines joined and the comment
    dropped; ``op`` is one of ``=``, ``:=``, ``::=``, ``:::=``, ``+=``, ``?=``, ``!=``, or
    ``undefine``. ``stem`` is what the name is about: ``obj``/``lib``/… for kbuild's lists,
    ``foo`` for a composite ``foo-y``, ``foo.o`` for ``CFLAGS_foo.o``, the name itself
    otherwise.
    """

    name: str
    op: str
    value: str
    line: int
    guards: tuple[Guard, ...]
    kind: VarKind
    stem: str
    export: bool = False

    @property
    def symbols(self) -> tuple[str, ...]:
        """``CONFIG_`` symbols in the name, the value and the guards, in that order."""
        found = _CONFIG.findall(f"{self.name} {self.value}")
        for guard in self.guards:
            found.extend(guard.symbols)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Include:
    """``include``, ``-include`` or ``sinclude`` of ``paths`` (as written) on ``line``."""

    paths: str
    line: int
    guards: tuple[Guard, ...]
    optional: bool


@dataclass(frozen=True, slots=True)
class Rule:
    """``targets: prerequisites`` on ``line`` (as written, the order-only part after ``|``
    and a recipe after ``;`` dropped), inside ``guards``. Pattern rules (``%``), double
    colon and static pattern rules are kept as written too; :func:`evaluate` expands
    the explicit ones only."""

    targets: str
    prerequisites: str
    line: int
    guards: tuple[Guard, ...]


@dataclass(frozen=True, slots=True)
class Makefile:
    """One kbuild Makefile: its assignments and includes in file order, the names it
    exports (``export X`` anywhere exports ``X`` for the whole run, as in make), the
    non-blank lines it does not evaluate (rules, recipes, ``define`` bodies, ``$(eval …)``)
    as ``(line, text)`` with comments and surrounding blanks stripped, and its
    diagnostics."""

    path: str
    statements: tuple[Assignment | Include, ...]
    exports: frozenset[str]
    others: tuple[tuple[int, str], ...]
    diagnostics: tuple[Diagnostic, ...]
    rules: tuple[Rule, ...] = ()

    @property
    def skipped(self) -> int:
        """How many lines it does not evaluate."""
        return len(self.others)

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return tuple(s for s in self.statements if isinstance(s, Assignment))

    @property
    def includes(self) -> tuple[Include, ...]:
        return tuple(s for s in self.statements if isinstance(s, Include))


def config_value(values: Mapping[str, str], symbol: str) -> str:
    """What ``$(CONFIG_X)`` expands to in kbuild: auto.conf has no ``n`` symbols, so
    ``n`` (as ``.config`` says for ``# … is not set``) and a missing symbol are empty."""
    value = values.get(symbol, "")
    return "" if value == "n" else value


# --------------------------------------------------------------------------- parsing


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash-newline joined, with the number of their first line. As in
    make, a backslash-newline and the blanks around it become one space, and only an odd
    run of backslashes continues a line."""
    pending: list[str] = []
    start = 0
    # split("\n"), not splitlines(): a form feed or \x1c inside a line is no line break
    # for make, and the line numbers must be the ones an editor shows.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not pending:
            start = number
        stripped = raw.rstrip("\r")
        run = len(stripped) - len(stripped.rstrip("\\"))
        if run % 2 == 1:
            part = stripped[:-1]
            pending.append(part.lstrip() if pending else part)
            continue
        pending.append(stripped.lstrip() if pending else stripped)
        yield start, _join(pending)
        pending = []
    if pending:
        yield start, _join(pending)


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return " ".join([parts[0].rstrip(), *(p.strip() for p in parts[1:-1]), parts[-1].lstrip()])


def _strip_comment(line: str) -> str:
    """The line without its comment: an unescaped ``#`` starts one, even inside
    ``$(…)`` (hence kbuild's ``$(pound)``); ``\\#`` is a literal ``#``."""
    index = line.find("#")
    while index >= 0:
        run = 0
        while index - run - 1 >= 0 and line[index - run - 1] == "\\":
            run += 1
        if run % 2 == 0:
            return line[:index]
        index = line.find("#", index + 1)
    return line


def _unescape_hash(text: str) -> str:
    return text.replace("\\#", "#")


def _matching(text: str, index: int) -> int:
    """Index of the bracket closing the one at ``index`` (make counts only the same
    kind of bracket), or -1."""
    opening = text[index]
    closing = ")" if opening == "(" else "}"
    depth = 0
    for position in range(index, len(text)):
        char = text[position]
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return position
    return -1


def _split_assignment(line: str) -> tuple[str, str, str] | None:
    """``(name, op, value)`` when ``line`` is a variable assignment, else None."""
    position = 0
    length = len(line)
    while position < length:
        char = line[position]
        if char == "$" and position + 1 < length and line[position + 1] in "({":
            end = _matching(line, position + 1)
            if end < 0:
                return None
            position = end + 1
            continue
        if (
            char in " \t"
            or char in "=:"
            or (char in "+?!" and line[position + 1 : position + 2] == "=")
        ):
            break
        position += 1
    name = line[:position]
    rest = line[position:].lstrip(" \t")
    if not name:
        return None
    for op in _OPERATORS:
        if rest.startswith(op):
            return name, op, rest[len(op) :].lstrip(" \t")
    return None


def _has_top_level_colon(line: str) -> bool:
    return bool(_top_level(line, ":"))


def _top_level(line: str, chars: str) -> list[int]:
    """Where ``chars`` occur in ``line`` outside ``$(…)`` and ``${…}``."""
    found: list[int] = []
    position = 0
    while position < len(line):
        char = line[position]
        if char == "$" and line[position + 1 : position + 2] in ("(", "{"):
            end = _matching(line, position + 1)
            if end < 0:
                return []  # unbalanced: not a line make would read as a rule
            position = end + 1
            continue
        if char in chars:
            found.append(position)
        position += 1
    return found


def _rule(line: str) -> tuple[str, str] | None:
    """A rule line's targets and prerequisites (normal ones only); None for a
    target-specific variable (``foo.o: X := y``) or a double-colon rule."""
    colons = _top_level(line, ":")
    if not colons or line[colons[0] + 1 : colons[0] + 2] == ":":
        return None
    targets, rest = line[: colons[0]], line[colons[0] + 1 :]
    semicolon = _top_level(rest, ";")
    if semicolon:
        rest = rest[: semicolon[0]]
    if _top_level(rest, "="):
        return None  # a target-specific variable (foo.o: private X := y)
    bar = _top_level(rest, "|")
    if bar:
        rest = rest[: bar[0]]
    return targets.strip(), rest.strip()


def classify(name: str) -> tuple[VarKind, str]:
    """The kind of a variable and its stem, judged from the name as written."""
    if name in _DIRECTORY_FLAG_NAMES or name in _ALL_FLAG_NAMES or _KBUILD_FLAGS.match(name):
        return VarKind.FLAGS, name
    for prefix in _OBJECT_FLAG_PREFIXES:
        target = name[len(prefix) :]
        # CFLAGS_foo.o names a file; CFLAGS_GCOV, CFLAGS_KASAN are helpers of the top
        # Makefile. LDFLAGS_$(@F) is for a file without a suffix too (LDFLAGS_vmlinux).
        if name.startswith(prefix) and target and ("." in target or target.islower()):
            return VarKind.FLAGS, target
    match = _STEM_SUFFIX.match(name)
    if not match:
        return VarKind.OTHER, name
    stem = match.group("stem")
    if stem in _SUBDIR_FLAG_STEMS or stem in _DIRECTORY_FLAG_STEMS:
        return VarKind.FLAGS, stem
    if stem in _LIST_STEMS:
        return _LIST_STEMS[stem], stem
    if stem in _OTHER_STEMS or stem.endswith(("flags", "FLAGS")):
        return VarKind.OTHER, stem
    return VarKind.COMPOSITE, stem


def flag_scope(name: str) -> tuple[FlagScope, str | None] | None:
    """The scope of a flag variable named ``name`` (as written) and the one target it
    is for (``CFLAGS_foo.o`` → ``foo.o``), or None when it is not a flag variable."""
    kind, stem = classify(name)
    if kind is not VarKind.FLAGS:
        return None
    if name in _ALL_FLAG_NAMES or _KBUILD_FLAGS.match(name):
        return FlagScope.ALL, None
    if stem in _SUBDIR_FLAG_STEMS:
        return FlagScope.SUBDIRS, None
    if stem in _DIRECTORY_FLAG_STEMS or name in _DIRECTORY_FLAG_NAMES:
        return FlagScope.DIRECTORY, None
    return FlagScope.OBJECT, stem


class _Parser:
    """State of one pass over a Makefile: the conditional stack, define and rule context."""

    def __init__(self, path: str, strict: bool) -> None:
        self.path = path
        self.strict = strict
        self.frames: list[_Frame] = []
        self.statements: list[Assignment | Include] = []
        self.exports: set[str] = set()
        self.others: list[tuple[int, str]] = []
        self.rules: list[Rule] = []
        self.diagnostics: list[Diagnostic] = []

    def error(self, line: int, message: str, text: str) -> None:
        diag = Diagnostic(self.path, line, message, text.strip()[:_MAX_TEXT], Severity.ERROR)
        if self.strict:
            raise ParseError(diag)
        self.diagnostics.append(diag)

    def guards(self) -> tuple[Guard, ...]:
        return tuple(guard for frame in self.frames for guard in frame.current)

    def run(self, text: str) -> Makefile:
        define_depth = 0
        define_line = 0
        in_rule = False
        for number, raw in _logical_lines(text):
            if define_depth:
                word = raw.strip().split(None, 1)
                head = word[0] if word else ""
                if head == "endef":
                    define_depth -= 1
                elif head == "define" or (head in _MODIFIERS and "define" in raw.split()[:3]):
                    define_depth += 1
                if raw.strip():
                    self.others.append((number, raw.strip()))
                continue
            if in_rule and raw.startswith("\t"):
                self.others.append((number, raw.strip()))  # a recipe line: for the shell
                continue
            line = _strip_comment(raw).strip()
            if not line:
                continue
            if self.conditional(number, line):
                continue
            words = line.split(None, 1)
            head = words[0]
            if head == "define" or (head in _MODIFIERS and line.split()[1:2] == ["define"]):
                define_depth, define_line, in_rule = 1, number, False
                self.others.append((number, line))
                continue
            if head == "endef":
                self.error(number, "endef without define", line)
                continue
            if head in ("include", "-include", "sinclude") and len(words) == 2:
                self.statements.append(
                    Include(words[1].strip(), number, self.guards(), head != "include")
                )
                in_rule = False
                continue
            if self.assignment(number, line):
                in_rule = False
                continue
            if _has_top_level_colon(line):
                in_rule = True  # a rule (or a target-specific variable): its recipe follows
                rule = _rule(line)
                if rule is not None:
                    self.rules.append(Rule(rule[0], rule[1], number, self.guards()))
            self.others.append((number, line))
        if define_depth:
            self.error(define_line, "define without endef", "define")
        for frame in self.frames:
            self.error(frame.line, "missing endif", frame.text)
        return Makefile(
            self.path,
            tuple(self.statements),
            frozenset(self.exports),
            tuple(self.others),
            tuple(self.diagnostics),
            tuple(self.rules),
        )

    def assignment(self, number: int, line: str) -> bool:
        export = False
        body = line
        while True:
            words = body.split(None, 1)
            if words[0] not in _MODIFIERS and words[0] != "unexport":
                break
            modifier = words[0]
            if len(words) == 1:
                return modifier == "export"  # `export` alone: every variable; ignored
            rest = words[1]
            split = _split_assignment(rest)
            if split is None and modifier in ("export", "unexport"):
                # `export A B`: exported names (unexport: ignored, rare in kbuild files)
                if modifier == "export" and not _has_top_level_colon(rest):
                    self.exports.update(rest.split())
                return not _has_top_level_colon(rest)
            export = export or modifier == "export"
            body = rest
        if body.startswith("undefine ") or body.startswith("undefine\t"):
            name = body.split(None, 1)[1].strip()
            kind, stem = classify(name)
            self.statements.append(
                Assignment(name, "undefine", "", number, self.guards(), kind, stem, export)
            )
            return True
        split = _split_assignment(body)
        if split is None:
            return False
        name, op, value = split
        if export:
            self.exports.add(name)
        kind, stem = classify(name)
        self.statements.append(
            Assignment(name, op, _unescape_hash(value), number, self.guards(), kind, stem, export)
        )
        return True

    def conditional(self, number: int, line: str) -> bool:
        words = line.split(None, 1)
        head = words[0]
        rest = words[1] if len(words) > 1 else ""
        if head in _CONDITIONALS:
            guard = self.test(number, head, rest)
            self.frames.append(_Frame(number, line, [guard] if guard else [], False))
            if guard:
                self.frames[-1].current = [guard]
            return True
        if head == "else":
            if not self.frames:
                self.error(number, "else without if", line)
                return True
            frame = self.frames[-1]
            if frame.seen_else:
                self.error(number, "only one else per conditional", line)
                return True
            negations = [guard.negated() for guard in frame.chain]
            inner = rest.split(None, 1)
            if inner and inner[0] in _CONDITIONALS:
                guard = self.test(number, inner[0], inner[1] if len(inner) > 1 else "")
                frame.current = [*negations, *([guard] if guard else [])]
                if guard:
                    frame.chain.append(guard)
            elif inner:
                self.error(number, "extraneous text after else", line)
                frame.current = negations
                frame.seen_else = True
            else:
                frame.current = negations
                frame.seen_else = True
            return True
        if head == "endif":
            if not self.frames:
                self.error(number, "endif without if", line)
            else:
                self.frames.pop()
            return True
        return False

    def test(self, number: int, test: str, rest: str) -> Guard | None:
        text = f"{test} {rest}".strip()
        if test in ("ifdef", "ifndef"):
            name = rest.strip()
            if not name or len(name.split()) != 1:
                self.error(number, f"{test} needs one variable name", text)
                return None
            symbol = name if re.fullmatch(r"CONFIG_[A-Za-z0-9_]+", name) else None
            return Guard(number, text, test, name, "", True, symbol, "")
        args = _test_arguments(rest)
        if args is None:
            self.error(number, f"malformed {test}", text)
            return None
        left, right = args
        symbol, wanted = _symbol_test(left, right)
        return Guard(number, text, test, left, right, True, symbol, wanted)


@dataclass(slots=True)
class _Frame:
    line: int
    text: str
    chain: list[Guard]
    seen_else: bool
    current: list[Guard] = field(default_factory=list)


def _test_arguments(rest: str) -> tuple[str, str] | None:
    """The two arguments of ``ifeq (a,b)``, ``ifeq "a" "b"`` or ``ifeq 'a' 'b'``."""
    rest = rest.strip()
    if rest.startswith("("):
        end = _matching(rest, 0)
        if end < 0 or rest[end + 1 :].strip():
            return None
        inner = rest[1:end]
        depth = 0
        for position, char in enumerate(inner):
            if char in "({":
                depth += 1
            elif char in ")}":
                depth -= 1
            elif char == "," and depth == 0:
                return inner[:position].strip(), inner[position + 1 :].strip()
        return None
    match = re.fullmatch(r"""(["'])(.*?)\1\s+(["'])(.*?)\3""", rest)
    if match:
        return match.group(2), match.group(4)
    return None


def _symbol_test(left: str, right: str) -> tuple[str | None, str]:
    for one, other in ((left, right), (right, left)):
        match = _CONFIG_REF.match(one.strip())
        if match and "$" not in other:
            return match.group(1), other.strip()
    return None, ""


def parse_makefile(text: str, path: str = "<makefile>", *, strict: bool = False) -> Makefile:
    """Parse one kbuild Makefile (``Makefile`` or ``Kbuild``) into its statements."""
    return _Parser(path, strict).run(text)


# --------------------------------------------------------------------------- expansion

_UNRESOLVED = "\x00"


_SENTINEL = re.compile(_UNRESOLVED + r"(\d+)" + _UNRESOLVED)


@dataclass(frozen=True, slots=True)
class _Piece:
    """One assignment's contribution to a variable: text to expand (``literal`` False) or
    already expanded (a simple variable's value), with where and how it was written."""

    text: str
    literal: bool
    path: str
    line: int
    written: str = ""


@dataclass(slots=True)
class _Var:
    recursive: bool
    pieces: list[_Piece]


_FUNCTION_ARITY = {
    "subst": 3,
    "patsubst": 3,
    "strip": 1,
    "findstring": 2,
    "filter": 2,
    "filter-out": 2,
    "sort": 1,
    "word": 2,
    "wordlist": 3,
    "words": 1,
    "firstword": 1,
    "lastword": 1,
    "dir": 1,
    "notdir": 1,
    "suffix": 1,
    "basename": 1,
    "addsuffix": 2,
    "addprefix": 2,
    "join": 2,
    "if": 3,
    "or": 0,
    "and": 0,
    "foreach": 3,
    "call": 0,
    "origin": 1,
    "flavor": 1,
    "value": 1,
    "error": 1,
    "warning": 1,
    "info": 1,
    "shell": 1,
    "wildcard": 1,
    "realpath": 1,
    "abspath": 1,
    "eval": 1,
    "file": 1,
}
# Functions whose answer depends on the file system, the shell or make's own state.
_OPAQUE = frozenset({"shell", "wildcard", "realpath", "eval", "file", "origin", "flavor"})


def _split_args(text: str, limit: int) -> list[str]:
    """Split a function's arguments at top-level commas; the last of ``limit`` keeps the
    rest (0: no limit)."""
    args: list[str] = []
    depth = 0
    start = 0
    for position, char in enumerate(text):
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == "," and depth == 0 and (limit == 0 or len(args) < limit - 1):
            args.append(text[start:position])
            start = position + 1
    args.append(text[start:])
    return args


def _pattern_match(pattern: str, word: str) -> str | None:
    """The stem ``%`` matches in ``word``, or None (a pattern without ``%`` matches only
    itself, with an empty stem)."""
    index = pattern.find("%")
    if index < 0:
        return "" if pattern == word else None
    head, tail = pattern[:index], pattern[index + 1 :]
    if len(word) >= len(head) + len(tail) and word.startswith(head) and word.endswith(tail):
        return word[len(head) : len(word) - len(tail)]
    return None


def _patsubst(pattern: str, replacement: str, words: list[str]) -> list[str]:
    out = []
    for word in words:
        stem = _pattern_match(pattern, word)
        if stem is None:
            out.append(word)
        elif "%" in pattern:
            out.append(replacement.replace("%", stem, 1))
        else:
            out.append(replacement)
    return out


class _Expander:
    """make's expansion of ``$(…)`` over one environment; every name it cannot know is
    collected in ``unresolved`` and expands to a sentinel word, never to a guess."""

    def __init__(
        self, values: Mapping[str, str], env: dict[str, _Var], local: Callable[[str], bool]
    ) -> None:
        self.values = values
        self.env = env
        self.local = local
        self.locals: list[dict[str, str]] = []
        self.unresolved: list[str] = []
        self.reads: set[str] = set()
        self.depth = 0
        self.descriptions: list[str] = []

    def sentinel(self, description: str, *, record: bool = True) -> str:
        """A word standing for what cannot be expanded (``$(BITS)``, ``$(shell …)``):
        it stays one word through make's word functions, and :meth:`described` tells
        what it stood for."""
        if record:  # not for $(if …) on a name already recorded
            self.unresolved.append(description)
        self.descriptions.append(description)
        return f"{_UNRESOLVED}{len(self.descriptions) - 1}{_UNRESOLVED}"

    def described(self, text: str) -> list[str]:
        return [self.descriptions[int(index)] for index in _SENTINEL.findall(text)]

    def expand(self, text: str) -> str:
        if "$" not in text:
            return text
        out: list[str] = []
        position = 0
        length = len(text)
        while position < length:
            dollar = text.find("$", position)
            if dollar < 0:
                out.append(text[position:])
                break
            out.append(text[position:dollar])
            if dollar + 1 >= length:
                break
            char = text[dollar + 1]
            if char == "$":
                out.append("$")
                position = dollar + 2
            elif char in "({":
                end = _matching(text, dollar + 1)
                if end < 0:
                    out.append(self.sentinel(f"unterminated {text[dollar:]}"))
                    break
                out.append(self.reference(text[dollar + 2 : end]))
                position = end + 1
            else:
                out.append(self.lookup(char))
                position = dollar + 2
        return "".join(out)

    def reference(self, inner: str) -> str:
        head = re.match(r"([a-z-]+)[ \t]", inner)
        if head and head.group(1) in _FUNCTION_ARITY:
            return self.function(head.group(1), inner[head.end() :])
        # $(var:from=to), a substitution reference: the ':' at the top level
        colon = _top_level_index(inner, ":")
        if colon >= 0 and "=" in inner[colon:]:
            name = self.expand(inner[:colon]).strip()
            source, _, target = inner[colon + 1 :].partition("=")
            words = self.lookup(name).split()
            source, target = self.expand(source), self.expand(target)
            if "%" not in source:
                source, target = f"%{source}", f"%{target}"
            return " ".join(_patsubst(source, target, words))
        return self.lookup(self.expand(inner).strip())

    def lookup(self, name: str) -> str:
        for frame in reversed(self.locals):
            if name in frame:
                return frame[name]
        self.reads.add(name)
        var = self.env.get(name)
        if var is not None:
            return self.value(var)
        if name.startswith("CONFIG_"):
            return config_value(self.values, name)
        if name.isdigit():
            return ""  # $(1) outside $(call): empty, as in make
        if name in KBUILD_CONSTANTS:
            return KBUILD_CONSTANTS[name]
        if self.local(name):
            # The Makefile assigns it under a condition that did not hold
            # (`foo-$(CONFIG_X) += …` with X unset, then `obj-y += $(foo-y)`): empty.
            return ""
        return self.sentinel(f"$({name})")

    def value(self, var: _Var) -> str:
        if self.depth > 64:
            return self.sentinel("a recursive variable")
        self.depth += 1
        try:
            parts = [
                piece.text if piece.literal else self.expand(piece.text) for piece in var.pieces
            ]
        finally:
            self.depth -= 1
        return " ".join(parts)

    def function(self, name: str, body: str) -> str:
        arity = _FUNCTION_ARITY[name]
        args = _split_args(body, arity)
        if name in _OPAQUE:
            return self.sentinel(f"$({name} …)")
        if name in ("if", "or", "and"):
            return self.logic(name, args)
        if name == "foreach":
            return self.foreach(args)
        if name == "call":
            return self.call(args)
        expanded = [self.expand(arg) for arg in args]
        if name in ("error", "warning", "info"):
            return ""
        return _apply(name, expanded, self)

    def logic(self, name: str, args: list[str]) -> str:
        if name == "if":
            condition = self.expand(args[0]).strip()
            if _UNRESOLVED in condition:
                on = ", ".join(self.described(condition))
                return self.sentinel(f"$(if …) on {on}", record=False)
            if condition:
                return self.expand(args[1]) if len(args) > 1 else ""
            return self.expand(args[2]) if len(args) > 2 else ""
        result = ""
        for arg in args:
            result = self.expand(arg).strip()
            if _UNRESOLVED in result:
                on = ", ".join(self.described(result))
                return self.sentinel(f"$({name} …) on {on}", record=False)
            if (name == "or") == bool(result):
                return result
        return result

    def foreach(self, args: list[str]) -> str:
        if len(args) < 3:
            return ""
        variable = self.expand(args[0]).strip()
        out = []
        for word in self.expand(args[1]).split():
            self.locals.append({variable: word})
            try:
                out.append(self.expand(args[2]))
            finally:
                self.locals.pop()
        return " ".join(out)

    def call(self, args: list[str]) -> str:
        name = self.expand(args[0]).strip()
        var = self.env.get(name)
        if var is None:
            return self.sentinel(f"$(call {name},…)")
        frame = {"0": name}
        for index, arg in enumerate(args[1:], start=1):
            frame[str(index)] = self.expand(arg)
        self.locals.append(frame)
        try:
            return self.value(var)
        finally:
            self.locals.pop()


def _top_level_index(text: str, char: str) -> int:
    depth = 0
    for position, current in enumerate(text):
        if current in "({":
            depth += 1
        elif current in ")}":
            depth -= 1
        elif current == char and depth == 0:
            return position
    return -1


def _apply(name: str, args: list[str], expander: _Expander) -> str:
    """The text functions of GNU make, on arguments already expanded."""
    first = args[0] if args else ""
    last = args[-1] if args else ""
    if name == "subst":
        return args[2].replace(args[0], args[1]) if len(args) == 3 and args[0] else last
    if name == "patsubst":
        if len(args) < 3:
            return ""
        return " ".join(_patsubst(args[0].strip(), args[1].strip(), args[2].split()))
    if name == "strip":
        return " ".join(first.split())
    if name == "findstring":
        return args[0] if len(args) == 2 and args[0] in args[1] else ""
    if name in ("filter", "filter-out"):
        patterns = first.split()
        keep = name == "filter"
        return " ".join(
            word
            for word in (args[1].split() if len(args) > 1 else [])
            if any(_pattern_match(p, word) is not None for p in patterns) == keep
        )
    if name == "sort":
        return " ".join(sorted(set(first.split())))
    if name == "words":
        return str(len(first.split()))
    if name in ("firstword", "lastword"):
        words = first.split()
        return (words[0] if name == "firstword" else words[-1]) if words else ""
    if name in ("word", "wordlist"):
        return _word(name, args, expander)
    if name in ("dir", "notdir", "suffix", "basename", "abspath"):
        return " ".join(filter(None, (_path_part(name, w, expander) for w in first.split())))
    if name == "addsuffix":
        return " ".join(w + first for w in last.split()) if len(args) == 2 else ""
    if name == "addprefix":
        return " ".join(first + w for w in last.split()) if len(args) == 2 else ""
    if name == "join":
        left, right = first.split(), last.split() if len(args) == 2 else []
        size = max(len(left), len(right))
        left += [""] * (size - len(left))
        right += [""] * (size - len(right))
        return " ".join(a + b for a, b in zip(left, right, strict=True))
    return first


def _word(name: str, args: list[str], expander: _Expander) -> str:
    try:
        numbers = [int(arg.strip()) for arg in args[:-1]]
    except ValueError:
        return expander.sentinel(f"$({name} …)")
    words = args[-1].split()
    if name == "word" and len(numbers) == 1 and numbers[0] > 0:
        return words[numbers[0] - 1] if numbers[0] <= len(words) else ""
    if name == "wordlist" and len(numbers) == 2 and numbers[0] > 0:
        return " ".join(words[numbers[0] - 1 : numbers[1]])
    return ""


def _path_part(name: str, word: str, expander: _Expander) -> str:
    head, slash, tail = word.rpartition("/")
    if name == "dir":
        return f"{head}/" if slash else "./"
    if name == "notdir":
        return tail
    dot = tail.rfind(".")
    if name == "suffix":
        return tail[dot:] if dot >= 0 else ""
    if name == "basename":
        return word[: len(word) - len(tail) + dot] if dot >= 0 else word
    if not word.startswith("/"):  # abspath of a relative path depends on make's cwd
        return expander.sentinel("$(abspath …)")
    return posixpath.normpath(word)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a kbuild list, as the directory's Makefile names it (``fhandle.o``,
    ``sched/``), with the file and line of the assignment that listed it first."""

    name: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Subdir:
    """A directory kbuild descends into from this one. ``builtin``: its ``built-in.a`` is
    wanted (listed in ``obj-y``), so its ``obj-y`` objects are built in; ``modorder``:
    listed in ``obj-y`` or ``obj-m``. A ``subdir-y`` entry has neither: kbuild visits it
    (for ``always-y`` and modules) but links nothing from it."""

    name: str
    path: str
    line: int
    builtin: bool
    modorder: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Assumption:
    """An unknown guard :func:`evaluate` assumed true for an assignment it applied."""

    path: str
    guard: Guard

    def __str__(self) -> str:
        return f"{self.path}:{self.guard.line}: assumed: {self.guard.describe()}"


# Per-object and per-directory switches of scripts/Makefile.lib (6.12) that add or leave
# out compiler flags (or objtool's run, Makefile.build) when their feature is configured:
# KASAN_SANITIZE_foo.o := n, OBJECT_FILES_NON_STANDARD := y, ...
_KNOBS = re.compile(
    r"^(?:GCOV_PROFILE|KASAN_SANITIZE|KMSAN_SANITIZE|KMSAN_ENABLE_CHECKS|UBSAN_SANITIZE"
    r"|UBSAN_SIGNED_WRAP|KCOV_INSTRUMENT|KCSAN_SANITIZE|KCSAN_INSTRUMENT_BARRIERS"
    r"|OBJECT_FILES_NON_STANDARD)(?:_(?P<target>.+))?$"
)


def knob(name: str) -> tuple[str, str | None] | None:
    """``(switch, target)`` of a sanitizer or objtool switch (``KASAN_SANITIZE_foo.o`` →
    ``("KASAN_SANITIZE", "foo.o")``; a directory-wide one has no target), else None."""
    match = _KNOBS.match(name)
    if match is None:
        return None
    target = match.group("target")
    return name[: len(name) - len(target) - 1] if target else name, target


@dataclass(frozen=True, slots=True)
class Flag:
    """The final value of a flag variable (or a :func:`knob`): its words, with what
    cannot be expanded written as ``⟪$(call cc-option,…)⟫`` (then ``exact`` is False), and
    the ``(path, line)`` of each assignment that made it."""

    value: str
    exact: bool
    where: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Built:
    """What one directory builds with a configuration (``scripts/Makefile.lib``, 6.12).

    ``builtin`` is ``obj-y`` without the ``dir/`` entries, ``modules`` is ``obj-m`` without
    the ``dir/`` entries and without what ``obj-y`` already has (each makes ``foo.ko``),
    ``lib`` is ``lib-y`` and ``lib-m`` without what ``obj-y`` has; ``extra`` holds
    ``extra-y`` and ``always-y`` (built, linked by nobody). ``composites`` maps each
    composite ``foo.o`` of ``builtin`` or ``modules`` to its members (``foo-objs``,
    ``foo-y``, and for a module ``foo-m``). ``variables`` holds the final value of every
    variable that expands completely, ``exported`` the names a sub-make inherits,
    ``flags`` the flag variables and switches the Makefiles set (:class:`Flag`), ``read``
    every name the lists and flags were made from (directly, or through the simple
    variables they were built from).
    """

    builtin: tuple[Item, ...]
    modules: tuple[Item, ...]
    lib: tuple[Item, ...]
    extra: tuple[Item, ...]
    subdirs: tuple[Subdir, ...]
    composites: Mapping[str, tuple[Item, ...]]
    assumed: tuple[Assumption, ...]
    unresolved: tuple[Diagnostic, ...]
    variables: Mapping[str, str]
    exported: frozenset[str]
    flags: Mapping[str, Flag] = field(default_factory=dict)
    read: frozenset[str] = frozenset()
    rules: tuple[ExplicitRule, ...] = ()


@dataclass(frozen=True, slots=True)
class ExplicitRule:
    """An explicit rule of the Makefiles read, expanded: its targets and normal
    prerequisites as make sees them (``FORCE`` left out), and where it is written."""

    targets: tuple[str, ...]
    prerequisites: tuple[str, ...]
    path: str
    line: int


def _dedupe(items: Iterable[Item]) -> tuple[Item, ...]:
    """The items with the first of each name kept (kbuild lists may repeat a name)."""
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.name, item)
    return tuple(seen.values())


class _Evaluation:
    """One run of make over a Makefile and its includes: the variables, and what could
    not be known (assumed guards, unexpandable names)."""

    def __init__(
        self,
        values: Mapping[str, str],
        variables: Mapping[str, str],
        include: Callable[[str], Makefile | None] | None,
    ) -> None:
        self.values = values
        self.env: dict[str, _Var] = {}
        for name, value in variables.items():
            self.env[name] = _Var(False, [_Piece(value, True, "<environment>", 0)])
        for name in _KBUILD_LISTS:
            self.env.setdefault(name, _Var(False, []))
        self.names: set[str] = set()
        self.patterns: list[re.Pattern[str]] = []
        self.expander = _Expander(values, self.env, self.assignable)
        self.include = include
        # Guards assumed true, by the variable whose assignment they governed: only those
        # of variables the lists read are reported (a guess about CHECKFLAGS is no news).
        self.assumed: dict[str, dict[tuple[str, int, bool], Assumption]] = {}
        self.always_assumed: dict[tuple[str, int, bool], Assumption] = {}
        # Names each simple variable read when it was assigned ($(x) in `obj-y += $(x)`).
        self.deps: dict[str, set[str]] = {}
        self.unresolved: dict[tuple[str, int, str], Diagnostic] = {}
        self.exported: set[str] = set(variables)
        self.depth = 0
        self.rules: list[tuple[str, Rule]] = []

    def assignable(self, name: str) -> bool:
        """Whether some assignment of the files read could set ``name``."""
        return name in self.names or any(p.fullmatch(name) for p in self.patterns)

    def learn_names(self, makefile: Makefile) -> None:
        for assignment in makefile.assignments:
            if "$" not in assignment.name:
                self.names.add(assignment.name)
                continue
            parts = re.split(r"\$[({][^)}]*[)}]", assignment.name)
            self.patterns.append(re.compile(".*".join(re.escape(part) for part in parts)))

    def expand(self, text: str) -> tuple[str, list[str]]:
        self.expander.unresolved = []
        return self.expander.expand(text), self.expander.unresolved

    def report(self, path: str, line: int, names: list[str], text: str) -> None:
        message = "cannot expand " + ", ".join(dict.fromkeys(names))
        key = (path, line, message)
        if key not in self.unresolved:
            self.unresolved[key] = Diagnostic(path, line, message, text.strip()[:_MAX_TEXT])

    def guards_hold(self, path: str, guards: tuple[Guard, ...]) -> list[Assumption] | None:
        """None when a guard is false; else the unknown guards, assumed true."""
        unknown: list[Assumption] = []
        for guard in guards:
            verdict = guard.holds(self.values)
            if verdict is None:
                verdict = self.decide(guard)
            if verdict is False:
                return None
            if verdict is None:
                unknown.append(Assumption(path, guard))
        return unknown

    def decide(self, guard: Guard) -> bool | None:
        """An unknown guard decided by expansion, when every name in it is known here
        (``ifeq ($(BITS),32)`` after ``BITS := 32``); None otherwise."""
        if guard.test in ("ifdef", "ifndef"):
            name, missing = self.expand(guard.left)
            name = name.strip()
            if missing:
                return None
            if name in self.env:
                defined = any(p.text.strip() for p in self.env[name].pieces)
            elif name.startswith("CONFIG_"):
                defined = config_value(self.values, name) != ""
            else:
                return None
            return (defined == (guard.test == "ifdef")) == guard.taken
        left, missing_left = self.expand(guard.left)
        right, missing_right = self.expand(guard.right)
        if missing_left or missing_right:
            return None
        return ((left.strip() == right.strip()) == (guard.test == "ifeq")) == guard.taken

    def run(self, makefile: Makefile) -> None:
        self.exported |= makefile.exports
        self.learn_names(makefile)
        self.rules.extend((makefile.path, rule) for rule in makefile.rules)
        for statement in makefile.statements:
            if isinstance(statement, Include):
                self.run_include(makefile.path, statement)
            else:
                self.assign(makefile.path, statement)

    def run_include(self, path: str, statement: Include) -> None:
        unknown = self.guards_hold(path, statement.guards)
        if unknown is None:
            return
        for assumption in unknown:
            self.always_assumed.setdefault(_key(assumption), assumption)
        names, missing = self.expand(statement.paths)
        if missing:
            self.report(path, statement.line, missing, f"include {statement.paths}")
            return
        for name in names.split():
            if name.endswith("include/config/auto.conf"):
                continue  # the configuration: already in values
            included = self.include(name) if self.include and self.depth < 8 else None
            if included is None:
                if not statement.optional:
                    self.report(path, statement.line, [f"include {name}"], statement.paths)
                continue
            self.depth += 1
            try:
                self.run(included)
            finally:
                self.depth -= 1

    def assign(self, path: str, statement: Assignment) -> None:
        unknown = self.guards_hold(path, statement.guards)
        if unknown is None:
            return
        name, missing = self.expand(statement.name)
        name = name.strip()
        if missing:
            if statement.kind is not VarKind.FLAGS:
                self.report(path, statement.line, missing, statement.name)
            return
        for assumption in unknown:
            self.assumed.setdefault(name, {}).setdefault(_key(assumption), assumption)
        if statement.export:
            self.exported.add(name)
        op = statement.op
        existing = self.env.get(name)
        piece = _Piece(statement.value, False, path, statement.line, statement.value)
        if op == "undefine":
            self.env.pop(name, None)
        elif op == "?=" and existing is not None:
            return
        elif op in ("=", "?=") or (op == "+=" and existing is None):
            self.env[name] = _Var(True, [piece])  # += on an undefined variable acts as =
        elif op == "+=" and existing is not None and existing.recursive:
            existing.pieces.append(piece)
        elif op == "!=":
            shell = self.expander.sentinel(f"{name} != …")
            self.env[name] = _Var(False, [replace(piece, text=shell, literal=True)])
        else:
            self.expander.reads = set()
            value, _ = self.expand(statement.value)
            literal = replace(piece, text=value, literal=True)
            if op == "+=" and existing is not None:
                existing.pieces.append(literal)
                self.deps.setdefault(name, set()).update(self.expander.reads)
            else:
                self.env[name] = _Var(False, [literal])
                self.deps[name] = set(self.expander.reads)

    def items(self, name: str) -> list[Item]:
        """The words of a variable, each with the assignment that contributed it; words
        that cannot be expanded are reported and left out."""
        self.expander.reads.add(name)
        var = self.env.get(name)
        if var is None:
            return []
        found: list[Item] = []
        missing: list[str]
        for piece in var.pieces:
            if piece.literal:
                text, missing = piece.text, []
            else:
                text, missing = self.expand(piece.text)
            words = text.split()
            if not missing and _UNRESOLVED in text:
                missing = self.expander.described(text)
            if missing:
                self.report(piece.path, piece.line, missing, piece.written or piece.text)
            found.extend(Item(w, piece.path, piece.line) for w in words if _UNRESOLVED not in w)
        return found

    def closure(self, read: set[str]) -> set[str]:
        """``read`` and the names the simple variables among them were built from."""
        pending = list(read)
        relevant: set[str] = set()
        while pending:
            name = pending.pop()
            if name in relevant:
                continue
            relevant.add(name)
            pending.extend(self.deps.get(name, ()))
        return relevant

    def assumptions(self, read: set[str]) -> tuple[Assumption, ...]:
        """The assumed guards of the variables the lists read, directly or through
        the simple variables they were built from."""
        relevant = self.closure(read)
        found = dict(self.always_assumed)
        for name in sorted(relevant):
            for key, assumption in self.assumed.get(name, {}).items():
                found.setdefault(key, assumption)
        return tuple(sorted(found.values(), key=lambda a: (a.path, a.guard.line, a.guard.taken)))

    def flag_values(self) -> dict[str, Flag]:
        """Every flag variable and switch the Makefiles set (not the environment's)."""
        out: dict[str, Flag] = {}
        for name, var in self.env.items():
            where = tuple((p.path, p.line) for p in var.pieces if p.path != "<environment>")
            if not where or (classify(name)[0] is not VarKind.FLAGS and knob(name) is None):
                continue
            self.expander.unresolved = []
            value = self.expander.value(var)
            exact = not self.expander.unresolved and _UNRESOLVED not in value
            shown = _SENTINEL.sub(
                lambda m: f"⟪{self.expander.descriptions[int(m.group(1))]}⟫", value
            )
            out[name] = Flag(" ".join(shown.split()), exact, where)
        return out

    def explicit_rules(self) -> list[ExplicitRule]:
        """The explicit rules whose guards hold (or cannot be decided), expanded with the
        variables' final values; a rule with a name that cannot be expanded, a pattern
        (``%``) or a static pattern is left out."""
        found: list[ExplicitRule] = []
        for path, rule in self.rules:
            if self.guards_hold(path, rule.guards) is None:
                continue
            targets, missing = self.expand(rule.targets)
            prerequisites, missing_too = self.expand(rule.prerequisites)
            text = targets + prerequisites
            if missing or missing_too or _UNRESOLVED in text or "%" in text or ":" in text:
                continue
            words = tuple(w for w in prerequisites.split() if w != "FORCE")
            if targets.split() and words:
                found.append(ExplicitRule(tuple(targets.split()), words, path, rule.line))
        return found

    def final_variables(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, var in self.env.items():
            self.expander.unresolved = []
            value = self.expander.value(var)
            if not self.expander.unresolved and _UNRESOLVED not in value:
                out[name] = value
        return out


def _key(assumption: Assumption) -> tuple[str, int, bool]:
    return (assumption.path, assumption.guard.line, assumption.guard.taken)


def evaluate(
    makefile: Makefile,
    values: Mapping[str, str],
    *,
    variables: Mapping[str, str] | None = None,
    include: Callable[[str], Makefile | None] | None = None,
    track: Collection[str] = (),
) -> Built:
    """What ``makefile`` builds with the configuration ``values`` (``CONFIG_X`` → value).

    ``variables`` are the make variables a sub-make inherits (``srctree``, ``obj``,
    ``src``, ``SRCARCH``, the arch Makefile's exports such as ``BITS``); a name that is
    neither defined there, assigned by the Makefile, nor a ``CONFIG_`` symbol cannot be
    expanded. ``include`` maps an ``include`` directive's expanded path to its parsed
    Makefile, or None; an include it cannot follow is reported in
    :attr:`Built.unresolved`. ``track`` names more variables (besides kbuild's lists)
    whose assumed guards matter to the caller.
    """
    run = _Evaluation(values, variables or {}, include)
    run.run(makefile)
    run.expander.reads = set()
    obj_y = _dedupe(run.items("obj-y"))
    y_names = {item.name for item in obj_y}
    obj_m = _dedupe(item for item in run.items("obj-m") if item.name not in y_names)
    lib = _dedupe(
        item for item in [*run.items("lib-y"), *run.items("lib-m")] if item.name not in y_names
    )
    extra = _dedupe([*run.items("extra-y"), *run.items("always-y"), *run.items("always-m")])
    subdir_items = [*run.items("subdir-y"), *run.items("subdir-m")]
    builtin = tuple(item for item in obj_y if not item.name.endswith("/"))
    modules = tuple(item for item in obj_m if not item.name.endswith("/"))
    composites: dict[str, tuple[Item, ...]] = {}
    for items, suffixes in ((builtin, ("-objs", "-y")), (modules, ("-objs", "-y", "-m"))):
        for item in items:
            if not item.name.endswith(".o"):
                continue
            stem = item.name[:-2]
            parts = [p for suffix in suffixes for p in run.items(stem + suffix)]
            # `foo-` (foo-$(CONFIG_X) with X unset) also makes foo.o composite, with no part
            if parts or run.items(stem + "-"):
                composites[item.name] = _dedupe(parts)
    read = run.expander.reads | set(track)
    flags = run.flag_values()
    made_from = run.closure(read | run.expander.reads)
    return Built(
        builtin,
        modules,
        lib,
        extra,
        _subdirs(obj_y, obj_m, subdir_items),
        composites,
        run.assumptions(read),
        tuple(run.unresolved.values()),
        run.final_variables(),
        frozenset(run.exported),
        flags,
        frozenset(made_from),
        tuple(run.explicit_rules()),
    )


def _subdirs(
    obj_y: tuple[Item, ...], obj_m: tuple[Item, ...], others: list[Item]
) -> tuple[Subdir, ...]:
    """``subdir-ym`` of Makefile.lib: ``dir/`` entries of obj-y (built in and in
    modules.order), of obj-m (modules.order only), and subdir-y/-m (neither)."""
    found: dict[str, Subdir] = {}
    for item, builtin in [*((i, True) for i in obj_y), *((i, False) for i in obj_m)]:
        if item.name.endswith("/"):
            name = item.name.rstrip("/")
            found.setdefault(name, Subdir(name, item.path, item.line, builtin, True))
    for item in others:
        name = item.name.rstrip("/")
        found.setdefault(name, Subdir(name, item.path, item.line, False, False))
    return tuple(found.values())


# --------------------------------------------------------------------------- flag symbols


@dataclass(frozen=True, slots=True)
class FlagUse:
    """One place a ``CONFIG_`` symbol changes compiler or linker flags.

    ``variable`` is the flag variable as written, assigned on ``line``; ``scope`` says
    which commands it reaches, ``target`` the one object for :attr:`FlagScope.OBJECT`.
    ``via`` says where the symbol is: ``name`` (``ccflags-$(CONFIG_X)``), ``value``
    (``-DFOO=$(CONFIG_FOO)``), ``guard`` (an ``ifdef`` around it), or ``helper`` (a
    variable the value expands, such as ``CC_FLAGS_FTRACE``); ``mention`` is the line that
    names the symbol (the ``ifdef`` line of a guard, a helper's assignment).
    """

    variable: str
    line: int
    scope: FlagScope
    target: str | None
    via: str
    mention: int


_REFERENCE = re.compile(r"\$[({]([A-Za-z0-9_.-]+)[)}]")


def flag_symbols(makefile: Makefile) -> dict[str, tuple[FlagUse, ...]]:
    """For each ``CONFIG_`` symbol, every flag assignment of ``makefile`` it governs,
    through the variable's name, its value, a guard around it, or a helper variable the
    value references (followed through this file, not across files)."""
    by_name: dict[str, list[Assignment]] = {}
    for assignment in makefile.assignments:
        by_name.setdefault(assignment.name, []).append(assignment)
    found: dict[str, dict[tuple[str, int, str], FlagUse]] = {}

    def add(
        symbol: str, flag: Assignment, scope: tuple[FlagScope, str | None], via: str, mention: int
    ) -> None:
        use = FlagUse(flag.name, flag.line, scope[0], scope[1], via, mention)
        uses = found.setdefault(symbol, {})
        key = (flag.name, flag.line, via)
        if key not in uses or uses[key].mention > mention:
            uses[key] = use

    for assignment in makefile.assignments:
        scope = flag_scope(assignment.name)
        if scope is None:
            continue
        for symbol in _CONFIG.findall(assignment.name):
            add(symbol, assignment, scope, "name", assignment.line)
        for symbol in _CONFIG.findall(assignment.value):
            add(symbol, assignment, scope, "value", assignment.line)
        for guard in assignment.guards:
            for symbol in guard.symbols:
                add(symbol, assignment, scope, "guard", guard.line)
        seen: set[str] = {assignment.name}
        pending = _REFERENCE.findall(assignment.value)
        while pending:
            helper = pending.pop()
            if helper in seen or helper.startswith("CONFIG_") or flag_scope(helper):
                continue  # a flag variable has uses of its own
            seen.add(helper)
            for source in by_name.get(helper, ()):
                for symbol in source.symbols:
                    add(symbol, assignment, scope, "helper", source.line)
                pending.extend(_REFERENCE.findall(source.value))
    return {
        symbol: tuple(sorted(uses.values(), key=lambda u: (u.line, u.mention, u.via)))
        for symbol, uses in sorted(found.items())
    }
