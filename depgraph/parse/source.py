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


@dataclass(frozen=True, slots=True)
class Mention:
    """One ``CONFIG_`` mention: the symbol (``CONFIG_FOO``), its line and the line's text."""

    symbol: str
    line: int
    text: str


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset)


def scan_includes(text: str) -> tuple[Include, ...]:
    """Every ``#include``/``#include_next`` with a literal name, in file order."""
    if "include" not in text:
        return ()
    starts = _line_starts(text)
    return tuple(
        Include(m.group(2).strip(), m.group(1) == '"', _line_of(starts, m.start()))
        for m in _INCLUDE.finditer(text)
    )


def symbol_name(raw: str) -> str:
    """fixdep's symbol for a mention: ``FOO_MODULE`` -> ``CONFIG_FOO``."""
    if raw.endswith("_MODULE"):
        raw = raw[: -len("_MODULE")]
    return "CONFIG_" + raw


def scan_config_mentions(text: str) -> tuple[Mention, ...]:
    """Every ``CONFIG_`` mention as fixdep sees it, in file order."""
    if "CONFIG_" not in text:
        return ()
    starts = _line_starts(text)
    found: list[Mention] = []
    for m in _CONFIG.finditer(text):
        line = _line_of(starts, m.start())
        end = starts[line] - 1 if line < len(starts) else len(text)
        found.append(Mention(symbol_name(m.group(1)), line, text[starts[line - 1] : end].strip()))
    return tuple(found)
