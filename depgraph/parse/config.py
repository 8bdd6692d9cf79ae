"""Parser for ``.config`` and ``include/config/auto.conf``.

Both are lines of ``CONFIG_FOO=value``; ``.config`` also says ``# CONFIG_FOO is not set``
for a symbol that is off, and quotes strings. ``auto.conf`` leaves out symbols that are
``n`` and, since v5.17, no longer quotes strings. Values are returned unquoted so the
two files compare equal when kbuild would see the same value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def unquote(value: str) -> str:
    """A ``.config`` value as Kconfig means it: a quoted string without its quotes."""
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
            values[match.group(1)] = unquote(match.group(2))
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


def changed_values(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``symbol -> (old, new)`` for every symbol whose value differs between two sets of
    values (unset is ``n``), in symbol order: the symbols whose stamps syncconfig
    touches when it moves the tree from ``old`` to ``new``."""
    return {
        symbol: (old.get(symbol, "n"), new.get(symbol, "n"))
        for symbol in sorted(set(old) | set(new))
        if old.get(symbol, "n") != new.get(symbol, "n")
    }


_ENV_CHECK = re.compile(r'^ifneq "\$\(([A-Za-z_][A-Za-z0-9_]*)\)" "(.*)"$')


def parse_kconfig_env(text: str) -> dict[str, str]:
    """The environment Kconfig saw, from ``include/config/auto.conf.cmd``: syncconfig
    records each variable the Kconfig files read (``$(CC)``, ``$(SRCARCH)``, …) as
    ``ifneq "$(CC)" "gcc"`` so that make reruns it when one changes. Running Kconfig
    again with the same values gives the same answers."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _ENV_CHECK.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def parse_kconfig_deps(text: str) -> tuple[str, ...]:
    """The Kconfig files the last syncconfig read, from ``include/config/auto.conf.cmd``
    (``deps_config := \\`` then one srctree-relative path a line): an edit of one makes
    the next make run syncconfig again."""
    found: list[str] = []
    inside = False
    for line in text.splitlines():
        if not inside:
            inside = line.replace(" ", "").startswith("deps_config:=")
            continue
        word = line.strip().removesuffix("\\").strip()
        if word:
            found.append(word)
        if not line.rstrip().endswith("\\"):
            break
    return tuple(found)


def apply_assignments(text: str, assignments: dict[str, str]) -> str:
    """``.config`` text with each ``CONFIG_FOO`` set to its new value (``n`` written as
    ``# CONFIG_FOO is not set``): its line replaced, or appended when it has none. Values
    of string symbols come quoted, as in ``.config``."""
    remaining = dict(assignments)
    out: list[str] = []
    for line in text.splitlines():
        match = _SET.match(line.strip()) or _NOT_SET.match(line.strip())
        if match and match.group(1) in remaining:
            out.append(_line(match.group(1), remaining.pop(match.group(1))))
        else:
            out.append(line)
    out.extend(_line(symbol, value) for symbol, value in remaining.items())
    return "\n".join(out) + "\n"


def _line(symbol: str, value: str) -> str:
    return f"# {symbol} is not set" if value == "n" else f"{symbol}={value}"
