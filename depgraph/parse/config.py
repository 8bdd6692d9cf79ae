"""Parser for ``.config`` and ``include/config/auto.conf``.

Both are lines of ``CONFIG_FOO=value``; ``.config`` also says ``# CONFIG_FOO is not set``
for a symbol that is off, and quotes strings. ``auto.conf`` leaves out symbols that are
``n`` and, since v5.17, no longer quotes strings. Values are returned unquoted so the
two files compare equal when kbuild would see the same value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from depgraph.model import Diagnostic, ParseError

_SET = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
_NOT_SET = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set$")


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """Symbol values, ``n`` for the ones a ``# … is not set`` line names, and where each is."""

    values: dict[str, str]
    lines: dict[str, int]
    diagnostics: tuple[Diagnostic, ...]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def parse_config(text: str, path: str = "<config>", *, strict: bool = False) -> ConfigFile:
    """Parse a ``.config`` or ``auto.conf`` text into symbol values."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    diagnostics: list[Diagnostic] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _SET.match(line)
        if match:
            values[match.group(1)] = _unquote(match.group(2))
            lines[match.group(1)] = number
            continue
        match = _NOT_SET.match(line)
        if match:
            values[match.group(1)] = "n"
            lines[match.group(1)] = number
            continue
        if line.startswith("#"):
            continue
        diag = Diagnostic(path, number, "not a CONFIG_ assignment", line[:120])
        if strict:
            raise ParseError(diag)
        diagnostics.append(diag)
    return ConfigFile(values, lines, tuple(diagnostics))
