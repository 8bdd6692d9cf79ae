"""Scan C and assembler text for what explains a rebuild: ``#include`` lines and
``CONFIG_`` mentions.

The ``CONFIG_`` scan follows fixdep exactly (``scripts/basic/fixdep.c``): it is textual, so
comments and strings count; a mention is ``CONFIG_`` not preceded by a letter, digit or
``_``; the name runs over ``[A-Za-z0-9_]``; a trailing ``_MODULE`` is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include(?:_next)?[ \t]*([<"])([^>"\n]+)[>"]', re.M)
_CONFIG = re.compile(r"(?<![A-Za-z0-9_])CONFIG_([A-Za-z0-9_]+)")


@dataclass(frozen=True, slots=True)
class Include:
    """One ``#include`` directive: the name as written, quoted or not, and its line."""

    name: str
    quoted: bool
    line: int

    @property
    def directive(self) -> str:
        """The directive as written: ``#include <linux/a.h>`` or ``#include "b.h"``."""
        return f'#include "{self.name}"' if self.quoted else f"#include <{self.name}>"


@dataclass(frozen=True, slots=True)
class Mention:
    """One ``CONFIG_`` mention: the symbol (``CONFIG_FOO``), its line and the line's text."""

    symbol: str
    line: int
    text: str


def scan_includes(text: str) -> tuple[Include, ...]:
    """Every ``#include``/``#include_next`` with a literal name, in file order."""
    if "include" not in text:
        return ()
    found: list[Include] = []
    line, last = 1, 0
    for m in _INCLUDE.finditer(text):
        line += text.count("\n", last, m.start())  # counted in C, match to match
        last = m.start()
        found.append(Include(m.group(2).strip(), m.group(1) == '"', line))
    return tuple(found)


def symbol_name(raw: str) -> str:
    """fixdep's symbol for a mention: ``FOO_MODULE`` -> ``CONFIG_FOO``."""
    if raw.endswith("_MODULE"):
        raw = raw[: -len("_MODULE")]
    return "CONFIG_" + raw


def scan_config_mentions(text: str) -> tuple[Mention, ...]:
    """Every ``CONFIG_`` mention as fixdep sees it, in file order."""
    if "CONFIG_" not in text:
        return ()
    found: list[Mention] = []
    line, last = 1, 0
    for m in _CONFIG.finditer(text):
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        begin = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start)
        found.append(
            Mention(symbol_name(m.group(1)), line, text[begin : end if end >= 0 else None].strip())
        )
    return tuple(found)


# EXPORT_SYMBOL(sym), EXPORT_SYMBOL_GPL(sym), EXPORT_SYMBOL_NS[_GPL](sym, ns),
# EXPORT_SYMBOL_FOR_MODULES(...), EXPORT_TRACEPOINT_SYMBOL[_GPL](tp): one call on a line
_EXPORT_CALL = re.compile(
    r"\bEXPORT_(?:SYMBOL(?:_NS)?(?:_GPL)?|SYMBOL_FOR_MODULES|TRACEPOINT_SYMBOL(?:_GPL)?)"
    r"\s*\(([^()]*)\)\s*;?"
)
# Any export macro called (EXPORT_PER_CPU_SYMBOL, EXPORT_STATIC_CALL...): a line holding
# one that _EXPORT_CALL does not read cannot be told
_EXPORT_MACRO = re.compile(r"\bEXPORT_[A-Z0-9_]+\s*\(")
# The calls whose first argument is the exported symbol's own name
_PLAIN_EXPORT = re.compile(r"EXPORT_SYMBOL(?:_NS)?(?:_GPL)?|EXPORT_SYMBOL_FOR_MODULES")
_DIRECTIVE = re.compile(r"#\s*(\w+)\s*(.*)")
_CONDITIONAL = ("if", "ifdef", "ifndef")
_BRANCH = ("elif", "elifdef", "elifndef", "else")


@dataclass(frozen=True, slots=True)
class ExportCall:
    """One export call of a file: as written without blanks (``EXPORT_SYMBOL_GPL(foo)``),
    its line, and the preprocessor conditionals it sits under, outermost first: each one
    the directives of its chain up to the branch the call is in (``("#ifdef CONFIG_A",
    "#else")``), blanks folded."""

    call: str
    line: int
    guards: tuple[tuple[str, ...], ...]

    @property
    def name(self) -> str | None:
        """The symbol exported (its ``__export_symbol_`` label), when the macro exports
        its first argument; None for the others (tracepoints)."""
        macro, _, args = self.call.partition("(")
        return args.split(",")[0].rstrip(")") if _PLAIN_EXPORT.fullmatch(macro) else None


@dataclass(frozen=True, slots=True)
class ExportSequence:
    """The export calls of a whole file, in file order, and the lines that call an export
    macro in a way not read as one call (in a ``#define``, split over lines, another
    macro)."""

    calls: tuple[ExportCall, ...]
    unread: tuple[int, ...]


def export_sequence(text: str) -> ExportSequence:
    """Every export call of ``text`` with the conditionals around it (see
    :class:`ExportCall`). Lines inside a comment block that do not start with ``*`` are
    read as code."""
    calls: list[ExportCall] = []
    unread: list[int] = []
    stack: list[list[str]] = []
    in_directive = False
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.strip()
        continued = in_directive
        in_directive = code.endswith("\\") and (continued or code.startswith("#"))
        if continued:  # the rest of a directive (#define's body)
            if _EXPORT_MACRO.search(code):
                unread.append(number)
            continue
        if code.startswith("#"):
            found = _DIRECTIVE.match(code)
            word, rest = (found.group(1), found.group(2)) if found else ("", "")
            rest = " ".join(re.sub(r"/\*.*?\*/|//.*", " ", rest).split())
            directive = f"#{word} {rest}".rstrip()
            if word in _CONDITIONAL:
                stack.append([directive])
            elif word in _BRANCH and stack:
                stack[-1].append(directive)
            elif word == "endif" and stack:
                stack.pop()
            elif _EXPORT_MACRO.search(code):
                unread.append(number)
            continue
        if "EXPORT_" not in code or code.startswith(("*", "//", "/*")):
            continue
        found_calls = [m.group(0) for m in _EXPORT_CALL.finditer(code)]
        if len(found_calls) != len(_EXPORT_MACRO.findall(code)):
            unread.append(number)
            continue
        guards = tuple(tuple(chain) for chain in stack)
        for call in found_calls:
            calls.append(ExportCall("".join(call.split()).rstrip(";"), number, guards))
    return ExportSequence(tuple(calls), tuple(unread))


_TOKEN = re.compile(
    r"\s*(?:(defined)\s*(?:\(\s*(\w+)\s*\)|(\w+))"
    r"|(IS_ENABLED|IS_BUILTIN|IS_MODULE)\s*\(\s*(\w+)\s*\)"
    r"|(&&|\|\||!|\(|\))|([01])\b)"
)


def guards_hold(
    guards: tuple[tuple[str, ...], ...], config: Mapping[str, str], module: bool
) -> bool | None:
    """Whether code under ``guards`` (:attr:`ExportCall.guards`) is compiled with the
    configuration ``config`` (``CONFIG_FOO`` -> ``y``, ``m`` or a value, as
    ``include/config/auto.conf`` has them; unset is ``n``), for a module's object or a
    built-in one (``MODULE``); None when a condition is not one this reads: only
    ``defined``, ``IS_ENABLED``, ``IS_BUILTIN``, ``IS_MODULE`` of ``CONFIG_`` symbols and
    ``MODULE``, ``0``, ``1``, ``!``, ``&&``, ``||`` and parentheses."""
    for chain in guards:
        *before, branch = chain
        for directive in before:  # an earlier branch taken: not this one
            taken = _condition(directive, config, module)
            if taken is not False:
                return None if taken is None else False
        if branch != "#else":
            taken = _condition(branch, config, module)
            if taken is not True:
                return taken
    return True


def _condition(directive: str, config: Mapping[str, str], module: bool) -> bool | None:
    word, _, expression = directive[1:].partition(" ")
    if word in ("ifdef", "elifdef"):
        expression = f"defined({expression})"
    elif word in ("ifndef", "elifndef"):
        expression = f"!defined({expression})"
    elif word not in ("if", "elif"):
        return None
    python: list[str] = []
    at = 0
    while at < len(expression):
        token = _TOKEN.match(expression, at)
        if token is None or token.end() == at:
            return None if expression[at:].strip() else _evaluate(python)
        at = token.end()
        defined, name, bare, test, tested, operator, number = token.groups()
        if defined:
            value = _defined(name or bare, config, module)
        elif test:
            value = _is(test, tested, config)
        elif operator:
            python.append({"&&": "and", "||": "or", "!": "not"}.get(operator, operator))
            continue
        else:
            value = number == "1"
        if value is None:
            return None
        python.append(str(value))
    return _evaluate(python)


def _defined(name: str, config: Mapping[str, str], module: bool) -> bool | None:
    if name == "MODULE":
        return module
    if not name.startswith("CONFIG_"):
        return None
    if name.endswith("_MODULE"):
        return config.get(name.removesuffix("_MODULE"), "n") == "m"
    return config.get(name, "n") not in ("n", "m", "")


def _is(test: str, name: str, config: Mapping[str, str]) -> bool | None:
    if not name.startswith("CONFIG_"):
        return None
    value = config.get(name, "n")
    return {"IS_ENABLED": value in ("y", "m"), "IS_BUILTIN": value == "y",
            "IS_MODULE": value == "m"}[test]  # fmt: skip


def _evaluate(tokens: list[str]) -> bool | None:
    """``tokens``: ``True``, ``False``, ``not``, ``and``, ``or`` and parentheses, with C's
    precedence (``!`` before ``&&`` before ``||``); None when they do not parse."""
    at = 0

    def either() -> bool | None:
        nonlocal at
        value = both()
        while value is not None and at < len(tokens) and tokens[at] == "or":
            at += 1
            right = both()
            value = None if right is None else value or right
        return value

    def both() -> bool | None:
        nonlocal at
        value = single()
        while value is not None and at < len(tokens) and tokens[at] == "and":
            at += 1
            right = single()
            value = None if right is None else value and right
        return value

    def single() -> bool | None:
        nonlocal at
        if at >= len(tokens):
            return None
        token = tokens[at]
        at += 1
        if token == "not":
            value = single()
            return None if value is None else not value
        if token == "(":
            value = either()
            if at >= len(tokens) or tokens[at] != ")":
                return None
            at += 1
            return value
        return {"True": True, "False": False}.get(token)

    value = either()
    return value if at == len(tokens) else None
