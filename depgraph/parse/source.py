"""Scan C and assembler text for what explains a rebuild: ``#include`` lines and
``CONFIG_`` mentions.

The ``CONFIG_`` scan follows fixdep exactly (``scripts/basic/fixdep.c``): it is textual, so
comments and strings count; a mention is ``CONFIG_`` not preceded by a letter, digit or
``_``; the name runs over ``[A-Za-z0-9_]``; a trailing ``_MODULE`` is dropped.
"""

from __future__ import annotations

import re
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
_EXPORT_WORD = re.compile(r"\bEXPORT_(?:SYMBOL|TRACEPOINT_SYMBOL)\w*")


@dataclass(frozen=True, slots=True)
class ExportLines:
    """What some lines of a C or assembler file export to modules: each export call as
    written, without blanks (``EXPORT_SYMBOL_GPL(foo)``), and the numbers of the lines
    that mention an export macro in a way not read as one call (a ``#define``, a call
    split over lines)."""

    calls: tuple[str, ...]
    unread: tuple[int, ...]


def export_lines(text: str, numbers: set[int]) -> ExportLines:
    """The export calls of the lines ``numbers`` (1-based) of ``text``. A comment line
    (``*``, ``//``, ``/*`` first) exports nothing."""
    calls: list[str] = []
    unread: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number not in numbers or "EXPORT_" not in line:
            continue
        code = line.strip()
        if code.startswith(("*", "//", "/*")):
            continue
        found = [m.group(0) for m in _EXPORT_CALL.finditer(code)]
        if code.startswith("#") or len(found) != len(_EXPORT_WORD.findall(code)):
            unread.append(number)
            continue
        calls.extend("".join(call.split()).rstrip(";") for call in found)
    return ExportLines(tuple(sorted(calls)), tuple(unread))
