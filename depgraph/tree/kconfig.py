"""Read a tree's Kconfig files: where each symbol is defined, what it depends on, which
``choice`` holds it and who ``select``\\ s it; and which of its dependencies a set of values
leaves unmet.

depgraph asks the tree's own ``scripts/kconfig/conf --olddefconfig`` what a ``.config``
edit really changes (:mod:`depgraph.tree.conf`); this module supplies the *why*: a
value the user set that olddefconfig reverted is explained by the dependencies that
evaluate to ``n`` (:func:`unmet_dependencies`), each with the ``path:line`` it was
written at; setting one member of a choice turns the others off (:func:`choice_of`,
:func:`choice_assignments`); a symbol that changed with another was selected by it
(:attr:`Kconfig.selectors`).

This is the one module that reads Kconfig files; the parsing is
:func:`depgraph.parse.kconfig.parse_kconfig`. Like the C tools, the reader starts at
``$srctree/Kconfig`` and follows ``source`` statements: their paths are relative to the
source tree (``rsource``: to the file that says it; ``osource``/``orsource``: silently
skipped when missing; a glob pattern reads every match, in sorted order, as Kconfiglib
does). ``$(VAR)`` in a path is expanded from the variables the Kconfig files assigned so
far, then from ``env`` (``SRCARCH``, ``srctree``, …), as Kconfig's preprocessor does; no
other macro is expanded. ``if``/``menu``/``choice`` blocks are one token stream across
files, so an ``if`` around a ``source`` applies to every entry of the sourced file.

Paths (``Definition.path``, ``Dependency.path``, ``Kconfig.files``, diagnostics) are
relative to the source tree, symbols are ``CONFIG_FOO``, and the values given to
:func:`unmet_dependencies` are keyed ``CONFIG_FOO`` (unset means ``n``), as
:func:`depgraph.parse.config.parse_config` returns them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from depgraph.model import DepgraphError, Diagnostic, ParseError
from depgraph.parse.kconfig import (
    Assignment,
    ChoiceEntry,
    ConfigEntry,
    Default,
    Dependency,
    EndEntry,
    IfEntry,
    MenuEntry,
    Select,
    SourceEntry,
    blame,
    parse_kconfig,
    tristate,
)
from depgraph.tree.fs import REAL, FileSystem


class KconfigError(DepgraphError):
    """The Kconfig files cannot answer: the tree has none, or the symbol asked about is
    not in them."""


class UnknownSymbolError(KconfigError):
    """A symbol no Kconfig file defines."""


@dataclass(frozen=True, slots=True)
class Definition:
    """One ``config``/``menuconfig`` entry of a symbol (a symbol may have several).

    ``depends`` are the entry's own ``depends on`` lines; ``inherited`` those of the
    enclosing ``if``, ``menu`` and ``choice`` blocks, outermost first. ``prompt_if`` only
    limits the prompt's visibility, so it is not among the dependencies. ``choice`` is
    the index in :attr:`Kconfig.choices` of the choice the entry is a member of."""

    symbol: str
    path: str
    line: int
    kind: str
    type: str | None
    prompt: str | None
    prompt_if: Dependency | None
    depends: tuple[Dependency, ...]
    inherited: tuple[Dependency, ...]
    selects: tuple[Select, ...]
    implies: tuple[Select, ...]
    defaults: tuple[Default, ...]
    choice: int | None

    @property
    def dependencies(self) -> tuple[Dependency, ...]:
        """Every condition the entry's value is limited by (all must hold: ``&&``)."""
        return self.inherited + self.depends


@dataclass(frozen=True, slots=True)
class Choice:
    """A ``choice … endchoice`` block and its members (``CONFIG_`` names) in order.
    With ``y``, one member is ``y`` and the others ``n``; an ``optional`` choice (before
    6.12) may also have none."""

    path: str
    line: int
    prompt: str | None
    type: str | None
    optional: bool
    members: tuple[str, ...]
    depends: tuple[Dependency, ...]
    inherited: tuple[Dependency, ...]


@dataclass(frozen=True, slots=True)
class Kconfig:
    """What :func:`read_kconfig` found. ``symbols`` maps ``CONFIG_FOO`` to its definitions
    in reading order; ``selectors`` maps a symbol to the ``select``/``imply`` lines naming
    it; ``files`` are the Kconfig files read, each once, in the order they were first read
    (that of ``deps_config`` in ``include/config/auto.conf.cmd``)."""

    symbols: dict[str, tuple[Definition, ...]]
    choices: tuple[Choice, ...]
    selectors: dict[str, tuple[Select, ...]]
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Unmet:
    """A dependency that is not met, what it evaluates to, and the symbols that make it
    fail with their values (``(CONFIG_X86_64, "n")``)."""

    dependency: Dependency
    value: str
    offenders: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        if not self.offenders:
            return f"{self.dependency}: evaluates to {self.value}"
        names = ", ".join(f"{name.removeprefix('CONFIG_')}={v}" for name, v in self.offenders)
        return f"{self.dependency}: {names}"


@dataclass(slots=True)
class _Block:
    """An open ``if``/``menu``/``choice``: what entries inside inherit, and the innermost
    choice they are members of."""

    kind: str
    path: str
    line: int
    inherited: tuple[Dependency, ...]
    choice: int | None


@dataclass(slots=True)
class _OpenChoice:
    entry: ChoiceEntry
    inherited: tuple[Dependency, ...]
    members: list[str] = field(default_factory=list)


_VARIABLE = re.compile(r"\$\(([A-Za-z0-9_-]+)\)")


class _Reader:
    def __init__(self, fs: FileSystem, srctree: str, env: Mapping[str, str], strict: bool) -> None:
        self.fs = fs
        self.srctree = srctree
        self.env = env
        self.strict = strict
        self.variables: dict[str, str] = {}
        self.stack: list[_Block] = []
        self.definitions: dict[str, list[Definition]] = {}
        self.choices: list[_OpenChoice] = []
        self.files: list[str] = []
        self.reading: list[str] = []
        self.diagnostics: list[Diagnostic] = []

    def complain(self, path: str, line: int, message: str, text: str = "") -> None:
        diagnostic = Diagnostic(path, line, message, text)
        if self.strict:
            raise ParseError(diagnostic)
        self.diagnostics.append(diagnostic)

    def read(self, path: str) -> None:
        """Read one file (``path`` relative to the source tree) and what it sources."""
        try:
            data = self.fs.read_bytes(os.path.join(self.srctree, path))
            text = data.decode("utf-8", errors="replace")
        except OSError as error:
            self.complain(path, 0, f"cannot read: {error.strerror}")
            return
        self.files.append(path)
        self.reading.append(path)
        parsed = parse_kconfig(text, path, strict=self.strict)
        self.diagnostics.extend(parsed.diagnostics)
        for entry in parsed.entries:
            if isinstance(entry, ConfigEntry):
                self.define(entry)
            elif isinstance(entry, IfEntry):
                self.push("if", entry.path, entry.line, (entry.condition,))
            elif isinstance(entry, MenuEntry):
                self.push("menu", entry.path, entry.line, entry.depends)
            elif isinstance(entry, ChoiceEntry):
                self.choices.append(_OpenChoice(entry, self.inherited()))
                self.push("choice", entry.path, entry.line, entry.depends, len(self.choices) - 1)
            elif isinstance(entry, EndEntry):
                self.end(entry)
            elif isinstance(entry, SourceEntry):
                self.source(entry)
            elif isinstance(entry, Assignment):
                self.assign(entry)
        self.reading.pop()

    def inherited(self) -> tuple[Dependency, ...]:
        return self.stack[-1].inherited if self.stack else ()

    def push(
        self,
        kind: str,
        path: str,
        line: int,
        depends: tuple[Dependency, ...],
        choice: int | None = None,
    ) -> None:
        if choice is None and self.stack:
            choice = self.stack[-1].choice
        self.stack.append(_Block(kind, path, line, self.inherited() + depends, choice))

    def end(self, entry: EndEntry) -> None:
        kinds = [block.kind for block in self.stack]
        if entry.block not in kinds:
            self.complain(entry.path, entry.line, f"'end{entry.block}' without '{entry.block}'")
            return
        # An end that skips open blocks closes them too (a tolerant guess; C stops here).
        while self.stack[-1].kind != entry.block:
            self.unclosed(self.stack.pop())
        self.stack.pop()

    def unclosed(self, block: _Block) -> None:
        self.complain(block.path, block.line, f"missing 'end{block.kind}' for this '{block.kind}'")

    def define(self, entry: ConfigEntry) -> None:
        choice = self.stack[-1].choice if self.stack else None
        if choice is not None and entry.symbol not in self.choices[choice].members:
            self.choices[choice].members.append(entry.symbol)
        definition = Definition(
            entry.symbol,
            entry.path,
            entry.line,
            entry.kind,
            entry.type,
            entry.prompt,
            entry.prompt_if,
            entry.depends,
            self.inherited(),
            entry.selects,
            entry.implies,
            entry.defaults,
            choice,
        )
        self.definitions.setdefault(entry.symbol, []).append(definition)

    def assign(self, entry: Assignment) -> None:
        """Remember a variable (``HEADER_ARCH := x86``) for ``source`` paths. Its value is
        expanded now, from the variables known so far (right for ``:=``; for ``=``, whose
        value Kconfig expands when used, the same unless the variables change later);
        other macros stay as written."""
        value = _VARIABLE.sub(lambda m: self.lookup(m.group(1)) or m.group(), entry.value)
        if entry.op == "+=" and entry.name in self.variables:
            value = self.variables[entry.name] + " " + value
        self.variables[entry.name] = value

    def lookup(self, name: str) -> str | None:
        """A variable's value: Kconfig's own variables first, then the environment, as
        the preprocessor looks them up; None when neither has it."""
        return self.variables.get(name, self.env.get(name))

    def expand(self, entry: SourceEntry) -> str:
        def value(match: re.Match[str]) -> str:
            found = self.lookup(match.group(1))
            if found is None:
                self.complain(entry.path, entry.line, f"undefined variable {match.group()}")
                return ""
            return found

        return _VARIABLE.sub(value, entry.target)

    def source(self, entry: SourceEntry) -> None:
        target = self.expand(entry)
        if entry.kind in ("rsource", "orsource"):
            target = os.path.join(os.path.dirname(entry.path), target)
        full = os.path.normpath(os.path.join(self.srctree, target))
        optional = entry.kind in ("osource", "orsource")
        if any(char in target for char in "*?["):
            found = self.fs.glob(full)
            if not found and not optional:
                self.complain(entry.path, entry.line, "no file matches", target)
        elif self.fs.is_file(full):
            found = [full]
        else:
            found = []
            if not optional:
                self.complain(entry.path, entry.line, "can't open file", target)
        for name in found:
            path = os.path.relpath(name, self.srctree)
            if path in self.reading:  # the C tools stop on this too
                self.complain(entry.path, entry.line, "recursive source, skipped", entry.target)
            else:
                self.read(path)

    def result(self) -> Kconfig:
        while self.stack:
            self.unclosed(self.stack.pop())
        choices = tuple(
            Choice(
                c.entry.path,
                c.entry.line,
                c.entry.prompt,
                c.entry.type,
                c.entry.optional,
                tuple(c.members),
                c.entry.depends,
                c.inherited,
            )
            for c in self.choices
        )
        selectors: dict[str, list[Select]] = {}
        for definitions in self.definitions.values():
            for definition in definitions:
                for select in definition.selects + definition.implies:
                    selectors.setdefault(select.target, []).append(select)
        return Kconfig(
            {name: tuple(found) for name, found in self.definitions.items()},
            choices,
            {name: tuple(found) for name, found in selectors.items()},
            tuple(dict.fromkeys(self.files)),  # a file sourced twice is listed once, as by C
            tuple(self.diagnostics),
        )


def read_kconfig(
    srctree: str,
    root: str = "Kconfig",
    env: Mapping[str, str] | None = None,
    *,
    strict: bool = False,
    fs: FileSystem = REAL,
) -> Kconfig:
    """Read ``root`` (relative to ``srctree``) and every file it sources.

    ``env`` supplies the variables make exports to Kconfig (``SRCARCH``, ``ARCH``,
    ``srctree``, …). Problems (a missing file, a line that does not parse, an unclosed
    block) become diagnostics; with ``strict`` the first raises :class:`ParseError`.
    Raises :class:`KconfigError` when ``root`` is not a file."""
    if not fs.is_file(os.path.join(srctree, root)):
        raise KconfigError(f"{os.path.join(srctree, root)}: no Kconfig file there")
    reader = _Reader(fs, srctree, env or {}, strict)
    reader.read(os.path.normpath(root))
    return reader.result()


def choice_of(kconfig: Kconfig, symbol: str) -> Choice | None:
    """The choice ``symbol`` (``CONFIG_FOO``) is a member of; None when it is in none or
    is not defined."""
    for definition in kconfig.symbols.get(symbol, ()):
        if definition.choice is not None:
            return kconfig.choices[definition.choice]
    return None


def choice_assignments(kconfig: Kconfig, symbol: str, value: str = "y") -> dict[str, str]:
    """What setting ``symbol`` to ``value`` means for ``.config``: for ``y`` on a member of
    a choice, the member ``y`` and every other member ``n`` (Kconfig keeps one member of
    a choice on, so setting only the new one leaves the old one winning); otherwise just
    ``{symbol: value}``."""
    choice = choice_of(kconfig, symbol)
    if choice is None or value != "y":
        return {symbol: value}
    return {member: "y" if member == symbol else "n" for member in choice.members}


def unmet_dependencies(
    kconfig: Kconfig, symbol: str, values: Mapping[str, str], *, wanted: str = "m"
) -> tuple[Unmet, ...]:
    """The dependencies of ``symbol`` that keep it from being ``wanted`` under ``values``.

    With ``wanted="m"`` (or any value but ``y``/``n``) these are the dependencies that
    evaluate to ``n``; with ``y`` and a tristate symbol, also those that evaluate to
    ``m`` (they limit it to ``m``; a bool symbol takes ``m`` as ``y``, as kconfig does).
    A symbol defined in several places is limited only if every definition is (its
    dependencies are the ``||`` of its definitions'), so () is returned as soon as one
    definition's dependencies all hold. Raises :class:`UnknownSymbolError` when no
    Kconfig file defines ``symbol``."""
    definitions = kconfig.symbols.get(symbol)
    if not definitions:
        raise UnknownSymbolError(f"{symbol}: not defined in any Kconfig file")
    if wanted == "n":
        return ()
    kind = next((d.type for d in definitions if d.type), None)
    level = 2 if wanted == "y" and kind == "tristate" else 1
    found: list[Unmet] = []
    for definition in definitions:
        unmet = [
            _unmet(dependency, values, level)
            for dependency in definition.dependencies
            if tristate(dependency.expr, values) < level
        ]
        if not unmet:
            return ()
        found.extend(unmet)
    return tuple(dict.fromkeys(found))


def _unmet(dependency: Dependency, values: Mapping[str, str], level: int) -> Unmet:
    value = "nmy"[tristate(dependency.expr, values)]
    names = blame(dependency.expr, values, level)
    return Unmet(dependency, value, tuple((name, values.get(name, "n")) for name in names))


def why_refused(kconfig: Kconfig, symbol: str, values: Mapping[str, str]) -> tuple[str, ...]:
    """Why ``symbol`` cannot take a user value under ``values``, one line each: the
    unmet ``depends on`` lines (``FILE:LINE: depends on EXPR: SYM=n``), no prompt, a
    ``select`` that forces it; empty if nothing in its Kconfig entries says so."""
    definitions = kconfig.symbols.get(symbol)
    if not definitions:
        return (f"{symbol} is not defined in any Kconfig file",)
    why = [str(unmet) for unmet in unmet_dependencies(kconfig, symbol, values)]
    first = definitions[0]
    if not any(d.prompt for d in definitions):
        why.append(
            f"{symbol} has no prompt ({first.path}:{first.line}): defaults and selects "
            "set it, not .config"
        )
    for select in kconfig.selectors.get(symbol, ()):
        if select.kind == "select" and values.get(select.by, "n") != "n":
            why.append(
                f"selected by {select.by}={values[select.by]} at {select.path}:{select.line}"
            )
    return tuple(why)
