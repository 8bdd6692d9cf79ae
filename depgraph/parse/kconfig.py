"""Parser for Kconfig files: the statements depgraph needs, and dependency expressions.

depgraph does not compute a configuration (the tree's own ``scripts/kconfig/conf`` does,
see :mod:`depgraph.tree.conf`); it reads Kconfig only to say *where* a symbol is
defined, *what* it depends on, which ``choice`` it belongs to and who ``select``\\ s it, so
that an answer can explain why ``olddefconfig`` changed or reverted a value. So this
parser keeps statements and their line numbers, not menus or prompts' visibility.

Everything here is a pure function of text (one file at a time); following ``source``
statements and carrying ``if``/``menu``/``choice`` dependencies across files is done by
:mod:`depgraph.tree.kconfig`, the one module that reads files.

Syntax follows ``Documentation/kbuild/kconfig-language.rst`` and the C lexer/parser of
Linux 6.12 (``scripts/kconfig/lexer.l``, ``parser.y``), plus a few older or
Kconfiglib-only forms that cost nothing to accept: ``---help---``, ``choice NAME``,
``optional``, ``option …``, ``rsource``/``osource``/``orsource``. Macros (``$(SRCARCH)``,
``$(cc-option,-mfoo)``, ``$(shell,…)``) are never expanded: they are kept as written.

Expressions
-----------
Symbols are written in Kconfig without a prefix (``X86_64``); :class:`Sym` keeps that
spelling. Values are looked up under the ``CONFIG_`` name, the spelling of ``.config``,
``auto.conf`` and :func:`depgraph.parse.config.parse_config`: the mapping given to
:func:`evaluate` is keyed ``CONFIG_FOO`` (only that spelling is looked up), and a symbol
missing from it is ``n``. Tristate logic as in kconfig-language.rst: ``n``/``m``/``y`` are
0/1/2, ``&&`` is min, ``||`` is max, ``!x`` is ``2 - x``; a symbol whose value is not
``y``/``m``/``n`` (an int, a string) is ``n`` as an operand of those. Comparisons give
``y`` or ``n``: numerically when both sides are numbers (decimal, or hex with ``0x``) or
both are tristate values, as strings otherwise. An unexpanded macro (``$(cc-option,…)``)
is looked up in the mapping under its own text; when absent it counts as ``y`` as an
operand (a compiler probe depgraph did not run must not be blamed for an unmet
dependency) and as its raw text in a comparison. A bare ``m`` operand is ``m &&
MODULES``, as kconfig rewrites it (``menu.c: rewrite_m``), so ``depends on FOO && m`` is
``n`` in a kernel without modules.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from depgraph.model import Diagnostic, ParseError

TYPES = frozenset({"bool", "tristate", "int", "hex", "string"})
TRISTATE = {"n": 0, "m": 1, "y": 2}
_TRISTATE_NAMES = ("n", "m", "y")
# The symbol with the ``modules`` attribute: every kernel's is MODULES (init/Kconfig).
MODULES = "CONFIG_MODULES"
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
SOURCE_KINDS = frozenset({"source", "rsource", "osource", "orsource"})


class ExprSyntaxError(ValueError):
    """A dependency expression that does not parse; the message says what was wrong."""


# --- expressions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    """A constant: ``y``, ``m``, ``n``, a number, or a quoted string (without its quotes)."""

    value: str


@dataclass(frozen=True, slots=True)
class Sym:
    """A symbol as written in Kconfig (``X86_64``); its value is that of ``CONFIG_X86_64``."""

    name: str

    @property
    def config(self) -> str:
        """The ``CONFIG_`` name its value is looked up under."""
        return "CONFIG_" + self.name


@dataclass(frozen=True, slots=True)
class Macro:
    """An unexpanded ``$(…)`` reference, kept as written (Kconfig would run it)."""

    text: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Or:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right`` between two symbols or constants (Kconfig allows nothing else)."""

    op: str
    left: Const | Sym | Macro
    right: Const | Sym | Macro


Expr = Const | Sym | Macro | Not | And | Or | Compare


class _Token(NamedTuple):
    kind: str  # "op", "word" (a symbol, number or macro) or "str" (quoted)
    value: str  # a string's value is unquoted and unescaped
    start: int
    end: int


_WORD = re.compile(r"[A-Za-z0-9_-]+")
_OP = re.compile(r"&&|\|\||!=|<=|>=|:=|\+=|[!=<>()]")
_NUMBER = re.compile(r"-?[0-9]+|0[xX][0-9a-fA-F]+")


def _macro_end(text: str, start: int) -> int:
    """Index just after the ``)`` closing the ``$(`` at ``start`` (nested ``$(…)`` and
    parentheses counted, as Kconfig's preprocessor does); the end of the text when open."""
    depth = 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _string_end(text: str, start: int) -> tuple[int, str]:
    """End index and unescaped value of the string quoted at ``start``. ``\\x`` stands for
    ``x``; a string still open at the end of the line ends there (as in lexer.l)."""
    quote = text[start]
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
            continue
        if char == quote:
            return index + 1, "".join(chars)
        chars.append(char)
        index += 1
    return index, "".join(chars)


# Tokens of a line without macros or backslashes, the common case, in one pass.
_FAST = re.compile(
    r"""(?P<word>[A-Za-z0-9_-]+)
    | "(?P<dq>[^"]*)"?
    | '(?P<sq>[^']*)'?
    | (?P<op>&&|\|\||!=|<=|>=|:=|\+=|[!=<>()])
    | (?P<end>\#)
    | (?P<bad>\S)""",
    re.VERBOSE,
)
_FAST_KIND = {"word": "word", "dq": "str", "sq": "str", "op": "op"}


def _tokenize(text: str) -> tuple[list[_Token], list[str]]:
    """Tokens of one logical line, up to an unquoted ``#``; and complaints about
    characters Kconfig ignores (lexer.l warns and goes on, so do we)."""
    if "$(" in text or "\\" in text:
        return _tokenize_slowly(text)
    tokens: list[_Token] = []
    problems: list[str] = []
    for match in _FAST.finditer(text):
        kind = match.lastgroup
        if kind == "end":
            break
        if kind == "bad":
            problems.append(f"ignored character {match.group()!r}")
            continue
        assert kind is not None
        tokens.append(_Token(_FAST_KIND[kind], match.group(kind), match.start(), match.end()))
    return tokens, problems


def _tokenize_slowly(text: str) -> tuple[list[_Token], list[str]]:
    """:func:`_tokenize` for lines with macros (whose parentheses nest) or escapes."""
    tokens: list[_Token] = []
    problems: list[str] = []
    index = 0
    while True:
        while index < len(text) and text[index] in " \t\f\r\v":
            index += 1
        if index >= len(text) or text[index] == "#":
            break
        char = text[index]
        if char in "\"'":
            end, value = _string_end(text, index)
            tokens.append(_Token("str", value, index, end))
            index = end
            continue
        op = _OP.match(text, index)
        if op:
            tokens.append(_Token("op", op.group(), index, op.end()))
            index = op.end()
            continue
        end = index
        while True:
            part = _WORD.match(text, end)
            if part:
                end = part.end()
            elif text.startswith("$(", end):
                end = _macro_end(text, end)
            else:
                break
        if end == index:
            problems.append(f"ignored character {char!r}")
            end += 1
        else:
            tokens.append(_Token("word", text[index:end], index, end))
        index = end
    return tokens, problems


class _ExprParser:
    """Recursive descent over parser.y's grammar: ``||`` < ``&&`` < ``!`` < comparison,
    where a comparison joins two symbols (``!A = B`` is ``!(A = B)``)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def parse(self) -> Expr:
        if not self.tokens:
            raise ExprSyntaxError("missing expression")
        expr = self._or()
        if self.index < len(self.tokens):
            raise ExprSyntaxError(f"unexpected {self.tokens[self.index].value!r}")
        return expr

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take_op(self, op: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == "op" and token.value == op:
            self.index += 1
            return True
        return False

    def _or(self) -> Expr:
        expr = self._and()
        while self._take_op("||"):
            expr = Or(expr, self._and())
        return expr

    def _and(self) -> Expr:
        expr = self._unary()
        while self._take_op("&&"):
            expr = And(expr, self._unary())
        return expr

    def _unary(self) -> Expr:
        if self._take_op("!"):
            return Not(self._unary())
        if self._take_op("("):
            expr = self._or()
            if not self._take_op(")"):
                raise ExprSyntaxError("missing ')'")
            return expr
        left = self._atom()
        token = self._peek()
        if token is not None and token.kind == "op" and token.value in COMPARISONS:
            self.index += 1
            return Compare(token.value, left, self._atom())
        return left

    def _atom(self) -> Const | Sym | Macro:
        token = self._peek()
        if token is None:
            raise ExprSyntaxError("expression ends early")
        self.index += 1
        if token.kind == "str":
            return Const(token.value)
        if token.kind != "word":
            raise ExprSyntaxError(f"unexpected {token.value!r}")
        if "$(" in token.value:
            return Macro(token.value)
        if token.value in TRISTATE or _NUMBER.fullmatch(token.value):
            return Const(token.value)
        return Sym(token.value)


def parse_expr(text: str) -> Expr:
    """Parse a dependency expression (``X86_64 && !PREEMPT_RT``); raises
    :class:`ExprSyntaxError`."""
    tokens, problems = _tokenize(text)
    if problems:
        raise ExprSyntaxError(problems[0])
    return _ExprParser(tokens).parse()


def _operand(expr: Const | Sym | Macro, values: Mapping[str, str]) -> str:
    if isinstance(expr, Sym):
        return values.get(expr.config, "n")
    if isinstance(expr, Macro):
        return values.get(expr.text, expr.text)
    return expr.value


def _number(text: str) -> int | None:
    if not _NUMBER.fullmatch(text):
        return None
    return int(text, 16) if text[:2] in ("0x", "0X") else int(text)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compare(op: str, left: str, right: str) -> bool:
    """expr.c's rule: numbers compare as numbers, anything else as strings; tristate
    values compare in their order n < m < y."""
    if left in TRISTATE and right in TRISTATE:
        return _COMPARE[op](TRISTATE[left], TRISTATE[right])
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return _COMPARE[op](a, b)
    return _COMPARE[op](left, right)


def tristate(expr: Expr, values: Mapping[str, str]) -> int:
    """The value of ``expr`` as 0 (``n``), 1 (``m``) or 2 (``y``); see the module doc."""
    if isinstance(expr, Sym):
        return TRISTATE.get(values.get(expr.config, "n"), 0)
    if isinstance(expr, Const):
        if expr.value == "m":  # menu.c's rewrite_m: a bare m means m && MODULES
            return min(1, TRISTATE.get(values.get(MODULES, "n"), 0))
        return TRISTATE.get(expr.value, 0)
    if isinstance(expr, Macro):
        return TRISTATE.get(values.get(expr.text, "y"), 0)
    if isinstance(expr, Not):
        return 2 - tristate(expr.operand, values)
    if isinstance(expr, And):
        return min(tristate(expr.left, values), tristate(expr.right, values))
    if isinstance(expr, Or):
        return max(tristate(expr.left, values), tristate(expr.right, values))
    left, right = _operand(expr.left, values), _operand(expr.right, values)
    return 2 if _compare(expr.op, left, right) else 0


def evaluate(expr: Expr, values: Mapping[str, str]) -> str:
    """The value of ``expr``: ``"n"``, ``"m"`` or ``"y"``."""
    return _TRISTATE_NAMES[tristate(expr, values)]


def symbols_of(expr: Expr) -> tuple[str, ...]:
    """The ``CONFIG_`` names ``expr`` reads, in order of appearance, each once."""
    return tuple(dict.fromkeys(_walk_symbols(expr)))


def _walk_symbols(expr: Expr) -> Iterator[str]:
    if isinstance(expr, Sym):
        yield expr.config
    elif isinstance(expr, Not):
        yield from _walk_symbols(expr.operand)
    elif isinstance(expr, And | Or | Compare):
        yield from _walk_symbols(expr.left)
        yield from _walk_symbols(expr.right)


def blame(expr: Expr, values: Mapping[str, str], at_least: int = 1) -> tuple[str, ...]:
    """The ``CONFIG_`` names that make ``expr`` evaluate below ``at_least`` (1: to ``n``;
    2: below ``y``), each once; () when it does not. For ``A && !B`` with A=n, B=n that
    is A alone: B is not why the expression fails, and naming it would mislead."""
    if tristate(expr, values) >= at_least:
        return ()
    return tuple(dict.fromkeys(_blame(expr, values, True, at_least)))


def _blame(expr: Expr, values: Mapping[str, str], below: bool, level: int) -> Iterator[str]:
    """Symbols explaining why ``expr`` is below ``level`` (``below``) or at least it."""
    if isinstance(expr, Not):
        # 2 - x < level  <=>  x >= 3 - level, and the other way round.
        yield from _blame(expr.operand, values, not below, 3 - level)
    elif isinstance(expr, And | Or):
        # A failing && (a holding ||) is explained by its failing (holding) operands;
        # a holding && (a failing ||) needs both.
        both = isinstance(expr, And) != below
        for operand in (expr.left, expr.right):
            if both or (tristate(operand, values) < level) == below:
                yield from _blame(operand, values, below, level)
    elif isinstance(expr, Const):
        if expr.value == "m" and values.get(MODULES, "n") == "n":
            yield MODULES  # the m is n because modules are off
    else:
        yield from _walk_symbols(expr)


# --- statements --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dependency:
    """One condition and where it was written: a ``depends on`` line (of a config, menu or
    choice), an ``if`` block, or the ``if`` of a prompt. ``keyword`` is how it was
    written (``depends on``, ``if``), ``text`` the expression as written."""

    keyword: str
    text: str
    expr: Expr
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.keyword} {self.text} at {self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Select:
    """``select TARGET [if COND]`` or ``imply …`` written in the entry of ``by``."""

    kind: str  # "select" or "imply"
    by: str  # CONFIG_ name of the entry that says it
    target: str  # CONFIG_ name
    condition: Dependency | None
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Default:
    """``default VALUE [if COND]`` (also from ``def_bool``/``def_tristate``), as written."""

    text: str
    value: Expr
    condition: Dependency | None
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """``config FOO`` or ``menuconfig FOO`` with its attributes. ``symbol`` is
    ``CONFIG_FOO``; ``type`` is None when this definition gives none (another may);
    ``prompt_if`` is the ``if`` of its prompt, which limits visibility, not the value."""

    kind: str
    symbol: str
    path: str
    line: int
    type: str | None
    prompt: str | None
    prompt_if: Dependency | None
    depends: tuple[Dependency, ...]
    selects: tuple[Select, ...]
    implies: tuple[Select, ...]
    defaults: tuple[Default, ...]
    modules: bool


@dataclass(frozen=True, slots=True)
class ChoiceEntry:
    """The head of a ``choice … endchoice`` block (``name`` only in pre-6.12 trees)."""

    path: str
    line: int
    name: str | None
    type: str | None
    prompt: str | None
    optional: bool
    depends: tuple[Dependency, ...]
    defaults: tuple[Default, ...]


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """``menu "…"``: its ``depends on`` apply to every entry up to ``endmenu``; ``visible
    if`` only hides prompts, so it is kept apart."""

    path: str
    line: int
    prompt: str
    depends: tuple[Dependency, ...]
    visible_if: tuple[Dependency, ...]


@dataclass(frozen=True, slots=True)
class CommentEntry:
    path: str
    line: int
    prompt: str
    depends: tuple[Dependency, ...]


@dataclass(frozen=True, slots=True)
class IfEntry:
    """``if EXPR``: the condition every entry up to the matching ``endif`` inherits."""

    path: str
    line: int
    condition: Dependency


@dataclass(frozen=True, slots=True)
class EndEntry:
    """``endif``, ``endmenu`` or ``endchoice``; ``block`` is ``if``, ``menu`` or ``choice``."""

    path: str
    line: int
    block: str


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """``source "path"`` and its variants; ``target`` is raw, macros unexpanded."""

    path: str
    line: int
    kind: str  # source, rsource (relative to this file), osource/orsource (optional)
    target: str


@dataclass(frozen=True, slots=True)
class MainMenuEntry:
    path: str
    line: int
    prompt: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """A macro variable: ``NAME := value``, ``NAME = value`` or ``NAME += value``."""

    path: str
    line: int
    name: str
    op: str
    value: str


Entry = (
    ConfigEntry
    | ChoiceEntry
    | MenuEntry
    | CommentEntry
    | IfEntry
    | EndEntry
    | SourceEntry
    | MainMenuEntry
    | Assignment
)


@dataclass(frozen=True, slots=True)
class KconfigFile:
    """The entries of one Kconfig file in order, and the lines that were skipped."""

    path: str
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(slots=True)
class _Open:
    """The entry whose attribute lines are being read (a config, choice, menu, comment)."""

    kind: str
    line: int
    name: str | None = None
    prompt: str | None = None
    type: str | None = None
    prompt_if: Dependency | None = None
    optional: bool = False
    modules: bool = False
    depends: list[Dependency] = field(default_factory=list)
    visible_if: list[Dependency] = field(default_factory=list)
    selects: list[Select] = field(default_factory=list)
    implies: list[Select] = field(default_factory=list)
    defaults: list[Default] = field(default_factory=list)


# Which entries accept which attribute (parser.y: config_option, choice_option,
# menu_option_list, comment_option_list).
_ACCEPTS = {
    "type": {"config", "menuconfig", "choice"},
    "prompt": {"config", "menuconfig", "choice"},
    "default": {"config", "menuconfig", "choice"},
    "def_bool": {"config", "menuconfig"},
    "depends": {"config", "menuconfig", "choice", "menu", "comment"},
    "select": {"config", "menuconfig"},
    "range": {"config", "menuconfig"},
    "visible": {"menu"},
    "modules": {"config", "menuconfig"},
    "optional": {"choice"},
    "help": {"config", "menuconfig", "choice"},
    "option": {"config", "menuconfig", "choice"},
    "transitional": {"config", "menuconfig"},
}
_ATTRIBUTE = {
    **{name: "type" for name in TYPES},
    "prompt": "prompt",
    "default": "default",
    "def_bool": "def_bool",
    "def_tristate": "def_bool",
    "depends": "depends",
    "select": "select",
    "imply": "select",
    "range": "range",
    "visible": "visible",
    "modules": "modules",
    "optional": "optional",
    "help": "help",
    "---help---": "help",
    "option": "option",
    "transitional": "transitional",
}
_KEYWORDS = frozenset(_ATTRIBUTE) | {
    "config", "menuconfig", "choice", "endchoice", "menu", "endmenu", "if", "endif",
    "comment", "mainmenu", *SOURCE_KINDS,
}  # fmt: skip
_ASSIGNMENT = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*(:=|\+=|=)[ \t]*(.*)$")


def _indent(text: str) -> int:
    """Columns of leading blanks, tabs to the next multiple of 8 (lexer.l's rule)."""
    columns = 0
    for char in text:
        if char == "\t":
            columns = (columns & ~7) + 8
        elif char == " ":
            columns += 1
        else:
            break
    return columns


def _help_end(lines: list[str], index: int) -> int:
    """Index of the first line after the help text starting at ``index``: the text is
    every line indented at least as deep as its first non-blank line, blank lines
    included; a first line not indented at all means an empty help text."""
    first = 0
    while index < len(lines):
        line = lines[index]
        if line.strip():
            indent = _indent(line)
            if first == 0:
                if indent == 0:
                    break
                first = indent
            elif indent < first:
                break
        index += 1
    return index


class _FileParser:
    def __init__(self, path: str, strict: bool) -> None:
        self.path = path
        self.strict = strict
        self.entries: list[Entry] = []
        self.diagnostics: list[Diagnostic] = []
        self.open: _Open | None = None

    def complain(self, line: int, message: str, text: str) -> None:
        diagnostic = Diagnostic(self.path, line, message, text[:120])
        if self.strict:
            raise ParseError(diagnostic)
        self.diagnostics.append(diagnostic)

    def run(self, text: str) -> KconfigFile:
        # Only "\n" ends a line, as in lexer.l (str.splitlines would also split at form
        # feeds and shift every line number after one).
        lines = text.replace("\r\n", "\n").split("\n")
        index = 0
        while index < len(lines):
            number = index + 1
            logical = lines[index]
            index += 1
            # A backslash before the newline joins the next line (lexer.l: "\\\n"); the
            # blanks around it are one space, so the expression text reads as one line.
            while logical.endswith("\\") and index < len(lines):
                logical = logical[:-1].rstrip() + " " + lines[index].lstrip()
                index += 1
            if self.statement(logical, number):
                index = _help_end(lines, index)
        self.close()
        return KconfigFile(self.path, tuple(self.entries), tuple(self.diagnostics))

    def statement(self, text: str, line: int) -> bool:
        """Handle one logical line; True when a help text follows it."""
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            return False
        match = _ASSIGNMENT.match(text) if "=" in text else None
        if match and match.group(1) not in _KEYWORDS:
            self.close()
            name, op, value = match.groups()
            self.entries.append(Assignment(self.path, line, name, op, value.strip()))
            return False
        tokens, problems = _tokenize(text)
        for problem in problems:
            self.complain(line, problem, stripped)
        if not tokens:
            return False
        head = tokens[0]
        if head.kind != "word":
            self.complain(line, "invalid statement", stripped)
            return False
        keyword = head.value
        if keyword.startswith("$("):
            return False  # a bare macro call ($(error-if,…)): expands to nothing
        attribute = _ATTRIBUTE.get(keyword)
        if attribute is not None:
            return self.attribute(attribute, tokens, text, line)
        self.entry(keyword, tokens, text, line)
        return False

    def close(self) -> None:
        """Turn the entry being read into its record (a new statement ends it)."""
        entry = self.open
        if entry is None:
            return
        self.open = None
        path = self.path
        if entry.kind in ("config", "menuconfig"):
            assert entry.name is not None
            self.entries.append(
                ConfigEntry(
                    entry.kind,
                    entry.name,
                    path,
                    entry.line,
                    entry.type,
                    entry.prompt,
                    entry.prompt_if,
                    tuple(entry.depends),
                    tuple(entry.selects),
                    tuple(entry.implies),
                    tuple(entry.defaults),
                    entry.modules,
                )
            )
        elif entry.kind == "choice":
            self.entries.append(
                ChoiceEntry(
                    path,
                    entry.line,
                    entry.name,
                    entry.type,
                    entry.prompt,
                    entry.optional,
                    tuple(entry.depends),
                    tuple(entry.defaults),
                )
            )
        elif entry.kind == "menu":
            self.entries.append(
                MenuEntry(
                    path,
                    entry.line,
                    entry.prompt or "",
                    tuple(entry.depends),
                    tuple(entry.visible_if),
                )
            )
        else:
            self.entries.append(
                CommentEntry(path, entry.line, entry.prompt or "", tuple(entry.depends))
            )

    def entry(self, keyword: str, tokens: list[_Token], text: str, line: int) -> None:
        self.close()
        args = tokens[1:]
        path = self.path
        if keyword in ("config", "menuconfig"):
            if len(args) != 1 or args[0].kind != "word" or "$(" in args[0].value:
                self.complain(line, f"expected one symbol after '{keyword}'", text.strip())
                return
            self.open = _Open(keyword, line, name="CONFIG_" + args[0].value)
        elif keyword == "choice":
            name = args[0].value if len(args) == 1 and args[0].kind == "word" else None
            if args and name is None:
                self.complain(line, "unexpected text after 'choice'", text.strip())
            self.open = _Open("choice", line, name=name)
        elif keyword in ("menu", "comment", "mainmenu"):
            if len(args) != 1 or args[0].kind != "str":
                self.complain(line, f"expected a quoted prompt after '{keyword}'", text.strip())
                return
            if keyword == "mainmenu":
                self.entries.append(MainMenuEntry(path, line, args[0].value))
            else:
                self.open = _Open(keyword, line, prompt=args[0].value)
        elif keyword in SOURCE_KINDS:
            if len(args) != 1 or args[0].kind != "str":
                self.complain(line, f"expected a quoted path after '{keyword}'", text.strip())
                return
            self.entries.append(SourceEntry(path, line, keyword, args[0].value))
        elif keyword == "if":
            condition = self.dependency("if", args, text, line)
            if condition is not None:
                self.entries.append(IfEntry(path, line, condition))
        elif keyword in ("endif", "endmenu", "endchoice"):
            if args:
                self.complain(line, f"unexpected text after '{keyword}'", text.strip())
            self.entries.append(EndEntry(path, line, keyword[3:]))
        else:
            self.complain(line, f"unknown statement {keyword!r}", text.strip())

    def dependency(
        self, keyword: str, tokens: list[_Token], text: str, line: int
    ) -> Dependency | None:
        if not tokens:
            self.complain(line, f"missing expression after '{keyword}'", text.strip())
            return None
        source = text[tokens[0].start : tokens[-1].end]
        try:
            expr = _ExprParser(tokens).parse()
        except ExprSyntaxError as error:
            self.complain(line, f"bad expression: {error}", text.strip())
            return None
        return Dependency(keyword, source, expr, self.path, line)

    def split_if(
        self, tokens: list[_Token], text: str, line: int
    ) -> tuple[list[_Token], Dependency | None, bool]:
        """``VALUE if COND`` → (value tokens, COND, ok)."""
        for position, token in enumerate(tokens):
            if token.kind == "word" and token.value == "if":
                condition = self.dependency("if", tokens[position + 1 :], text, line)
                return tokens[:position], condition, condition is not None
        return tokens, None, True

    def attribute(self, attribute: str, tokens: list[_Token], text: str, line: int) -> bool:
        entry = self.open
        keyword = tokens[0].value
        if entry is None or entry.kind not in _ACCEPTS[attribute]:
            where = f"in a {entry.kind}" if entry else "outside an entry"
            self.complain(line, f"'{keyword}' {where}", text.strip())
            return attribute == "help"
        args = tokens[1:]
        path = self.path
        if attribute == "help":
            return True
        if attribute in ("modules", "optional", "transitional", "option"):
            if attribute == "modules" or (
                attribute == "option" and [a.value for a in args] == ["modules"]
            ):
                entry.modules = True
            elif attribute == "optional":
                entry.optional = True
            return False
        if attribute == "depends":
            if not args or args[0].value != "on":
                self.complain(line, "expected 'depends on'", text.strip())
                return False
            dependency = self.dependency("depends on", args[1:], text, line)
            if dependency is not None:
                entry.depends.append(dependency)
            return False
        if attribute == "visible":
            if not args or args[0].value != "if":
                self.complain(line, "expected 'visible if'", text.strip())
                return False
            dependency = self.dependency("visible if", args[1:], text, line)
            if dependency is not None:
                entry.visible_if.append(dependency)
            return False
        value, condition, ok = self.split_if(args, text, line)
        if not ok:
            return False
        if attribute in ("type", "prompt"):
            if attribute == "type":
                entry.type = keyword
            if len(value) == 1 and value[0].kind == "str":
                entry.prompt = value[0].value
                entry.prompt_if = condition
            elif value or attribute == "prompt":
                self.complain(line, "expected a quoted prompt", text.strip())
        elif attribute in ("default", "def_bool"):
            if attribute == "def_bool":
                entry.type = "bool" if keyword == "def_bool" else "tristate"
            written = self.dependency(keyword, value, text, line)
            if written is not None:
                entry.defaults.append(Default(written.text, written.expr, condition, path, line))
        elif attribute == "select":
            if len(value) != 1 or value[0].kind != "word" or "$(" in value[0].value:
                self.complain(line, f"expected one symbol after '{keyword}'", text.strip())
                return False
            assert entry.name is not None
            record = Select(keyword, entry.name, "CONFIG_" + value[0].value, condition, path, line)
            (entry.selects if keyword == "select" else entry.implies).append(record)
        elif attribute == "range" and len(value) != 2:
            self.complain(line, "expected two bounds after 'range'", text.strip())
        return False


def parse_kconfig(text: str, path: str = "<Kconfig>", *, strict: bool = False) -> KconfigFile:
    """Parse one Kconfig file's text into its entries; ``source`` is not followed.

    A line that cannot be understood becomes a diagnostic (``path:line``) and is skipped;
    with ``strict`` the first one raises :class:`ParseError` instead."""
    return _FileParser(path, strict).run(text)
