#!/usr/bin/env python3
"""Kconfig for the sample tree: the logic of kbuild's scripts/kconfig/conf.

Two entry points:

* ``syncconfig.py <srctree> <root Kconfig (relative to srctree)> <.config>``,
  run in the objtree: what kbuild's ``conf --syncconfig`` does;
* ``scripts/kconfig/conf`` (a wrapper that calls conf_main() below), with the
  kernel conf's interface: ``conf [-s] --syncconfig|--olddefconfig Kconfig``,
  environment ``srctree``, ``KCONFIG_CONFIG`` (default ``.config``),
  ``KCONFIG_AUTOCONFIG`` (default ``include/config/auto.conf``),
  ``KCONFIG_AUTOHEADER`` (default ``include/generated/autoconf.h``) and
  ``KCONFIG_OVERWRITECONFIG``, all relative to the working directory.

For the Kconfig subset this tree uses (config/menuconfig, bool/tristate/int/
hex/string, prompt [if], default [if], def_bool/def_tristate, depends on,
select [if], range, help, menu/endmenu, choice/endchoice, if/endif, comment,
source, mainmenu, the "modules" attribute) it follows Linux 6.12's
scripts/kconfig (confdata.c, symbol.c, menu.c):

* reading .config: ``CONFIG_X=...`` and ``# CONFIG_X is not set`` lines; a
  value invalid for the symbol's type is ignored with a warning; a choice
  member read from the file (with any value) moves to the head of its
  choice's priority list, so when several members are ``y`` the last one
  read wins;
* values: a visible symbol with a user value takes it, limited by its
  visibility (prompt condition and dependencies); otherwise the first
  default whose condition holds; bool/tristate values are raised to what
  the symbols that ``select`` them give (reverse dependencies); 'm' becomes
  'y' for bool symbols and when MODULES is off; int/hex values are clamped
  to their range; a user value for a symbol whose dependencies are unmet is
  dropped;
* choices (bool members): the first visible member, in priority order, the
  user set to y; else the choice's default unless the user set it to n;
  else the first visible member without a user value; else the last visible
  member of the priority list.  Exactly one visible member is y;
* which symbols .config (and auto.conf) list: visible ones, invisible ones
  given a non-n value by a default or a select, and those with a default
  (int/hex/string);
* both modes write .config back (through a temporary file, keeping the old
  one as <.config>.old) whenever its text differs from the computed one,
  and leave it untouched otherwise (conf.c calls conf_write() in every mode;
  conf_write() compares the texts).  So a hand edit whose values Kconfig
  keeps still gets the file rewritten in canonical order;
* syncconfig then always writes include/config/auto.conf.cmd (the Kconfig
  files read), touches the empty stamp include/config/<SYMBOL> of every
  symbol whose value changed, appeared or disappeared compared with the old
  auto.conf (on the first sync: every symbol auto.conf holds; also symbols
  the old auto.conf has and Kconfig no longer knows), writes
  include/generated/autoconf.h and, last, include/config/auto.conf
  (CONFIG_X=y|m|value, strings unquoted, 'n' symbols left out);
* olddefconfig writes those only when auto.conf does not exist yet, like the
  real conf ("create auto.conf if it does not exist"): run it where
  include/config/auto.conf exists (or with KCONFIG_AUTOCONFIG naming an
  existing file) for it to write nothing but .config (and .config.old).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

N, M, Y = 0, 1, 2
TRI = {"n": N, "m": M, "y": Y}
TRI_NAME = {N: "n", M: "m", Y: "y"}

Report = Callable[[str], None] | None  # where warnings and messages go (None: nowhere)


class KconfigError(Exception):
    pass


# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(&&|\|\||!=|[!=()<>]=?)|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.+-]+))')


def tokenize(text: str, where: str) -> list[tuple[str, str]]:
    """('op', '&&') / ('str', 'abc') / ('word', 'FOO'); stops at '#'."""
    out = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        if text[pos:].lstrip().startswith("#") or not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise KconfigError(f"{where}: cannot parse {text[pos:]!r}")
        if m.group(1):
            out.append(("op", m.group(1)))
        elif m.group(2) is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group(2))))
        else:
            out.append(("word", m.group(3)))
        pos = m.end()
    return out


class ExprParser:
    def __init__(self, tokens: list[tuple[str, str]], where: str) -> None:
        self.t = tokens
        self.i = 0
        self.where = where

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise KconfigError(f"{self.where}: unexpected end of expression")
        self.i += 1
        return tok

    def parse(self) -> tuple:
        e = self.or_expr()
        return e

    def or_expr(self) -> tuple:
        e = self.and_expr()
        while self.peek() == ("op", "||"):
            self.take()
            e = ("or", e, self.and_expr())
        return e

    def and_expr(self) -> tuple:
        e = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            e = ("and", e, self.unary())
        return e

    def unary(self) -> tuple:
        tok = self.take()
        if tok == ("op", "!"):
            return ("not", self.unary())
        if tok == ("op", "("):
            e = self.or_expr()
            if self.take() != ("op", ")"):
                raise KconfigError(f"{self.where}: missing ')'")
            return e
        if tok[0] == "op":
            raise KconfigError(f"{self.where}: unexpected {tok[1]!r}")
        left = ("str", tok[1]) if tok[0] == "str" else ("sym", tok[1])
        nxt = self.peek()
        if nxt in (("op", "="), ("op", "!=")):
            self.take()
            rtok = self.take()
            right = ("str", rtok[1]) if rtok[0] == "str" else ("sym", rtok[1])
            return ("eq" if nxt[1] == "=" else "neq", left, right)
        return left


# --------------------------------------------------------------------------
# Symbols and the Kconfig parser
# --------------------------------------------------------------------------


@dataclass(eq=False)
class Choice:
    """A ``choice ... endchoice`` block (bool members only, as in Linux 6.12)."""

    where: str
    prompts: list[tuple | None] = field(default_factory=list)  # their conditions
    defaults: list[tuple[str, tuple | None]] = field(default_factory=list)
    depends: list[tuple] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


@dataclass
class Symbol:
    name: str
    type: str = ""
    prompts: list[tuple | None] = field(default_factory=list)  # their conditions
    defaults: list[tuple[tuple, tuple | None]] = field(default_factory=list)
    depends: list[tuple] = field(default_factory=list)
    ranges: list[tuple[str, str, tuple | None]] = field(default_factory=list)
    selects: list[tuple[str, tuple | None]] = field(default_factory=list)
    selected_by: list[tuple[str, tuple | None]] = field(default_factory=list)
    is_modules: bool = False
    choice: Choice | None = None

    @property
    def prompt(self) -> bool:
        return bool(self.prompts)


@dataclass
class Node:
    """Output structure of .config: a symbol, a menu or a comment."""

    kind: str  # "sym" | "menu" | "comment"
    name: str
    children: list[Node] = field(default_factory=list)
    deps: list[tuple] = field(default_factory=list)  # menus and comments: shown if all hold


def _prompt_cond(args: list[tuple[str, str]], where: str) -> tuple | None:
    """The condition of 'prompt "text" [if EXPR]' (args start at the text)."""
    if len(args) > 1 and args[1] == ("word", "if"):
        return ExprParser(args[2:], where).parse()
    return None


class Kconfig:
    def __init__(self, srctree: str | None, root: str) -> None:
        self.srctree = srctree
        self.syms: dict[str, Symbol] = {}
        self.order: list[str] = []
        self.files: list[str] = []
        self.choices: list[Choice] = []
        self.mainmenu = "Linux Kernel Configuration"
        self.tree = Node("menu", "")
        self._parse_file(root, [], self.tree, None)
        for sym in self.syms.values():
            for target, cond in sym.selects:
                if target in self.syms and sym.type in ("bool", "tristate"):
                    self.syms[target].selected_by.append((sym.name, cond))
        for choice in self.choices:
            for name in choice.members:
                if self.syms[name].type != "bool":
                    raise KconfigError(f"{choice.where}: choice member {name} is not bool")

    def _open(self, name: str) -> TextIO:
        """Like zconf_fopen(): the name as given (relative to the working
        directory), else $(srctree)/name."""
        try:
            return open(name, encoding="utf-8")
        except FileNotFoundError:
            if os.path.isabs(name) or not self.srctree:
                raise
        return open(os.path.join(self.srctree, name), encoding="utf-8")

    # -- parsing ------------------------------------------------------------
    def _parse_file(self, name: str, deps: list[tuple], menu: Node, choice: Choice | None) -> None:
        if name not in self.files:
            self.files.append(name)
        try:
            with self._open(name) as f:
                lines = f.read().expandtabs(8).split("\n")
        except OSError as e:
            raise KconfigError(f"{name}: {e.strerror}") from e

        # stack of (kind, deps, menu node, choice): kind in "menu", "if", "choice"
        stack: list[tuple[str, list[tuple], Node, Choice | None]] = []
        cur_deps = list(deps)
        cur_menu = menu
        cur_choice = choice
        sym: Symbol | None = None  # entry whose attributes we are reading
        menu_attrs: Node | None = None  # a "menu" whose attributes we are reading
        choice_attrs: Choice | None = None  # a "choice" whose attributes we are reading
        comment_attrs: Node | None = None  # a "comment" whose attributes we are reading
        i = 0
        while i < len(lines):
            raw = lines[i]
            where = f"{name}:{i + 1}"
            i += 1
            toks = tokenize(raw, where)
            if not toks:
                continue
            kw = toks[0][1] if toks[0][0] == "word" else ""
            args = toks[1:]

            if kw in ("help", "---help---"):
                # Help text: the block indented deeper than the first line
                indent = None
                while i < len(lines):
                    line = lines[i]
                    if not line.strip():
                        i += 1
                        continue
                    ind = len(line) - len(line.lstrip())
                    if indent is None:
                        indent = ind
                    if ind < indent:
                        break
                    i += 1
                continue

            if kw in ("config", "menuconfig"):
                if len(args) != 1 or args[0][0] != "word":
                    raise KconfigError(f"{where}: expected a symbol name")
                sym_name = args[0][1]
                sym = self.syms.get(sym_name)
                if sym is None:
                    sym = Symbol(sym_name)
                    self.syms[sym_name] = sym
                    self.order.append(sym_name)
                    cur_menu.children.append(Node("sym", sym_name))
                if cur_choice is not None and sym.choice is None:
                    sym.choice = cur_choice
                    cur_choice.members.append(sym_name)
                sym.depends.extend(cur_deps)
                menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "mainmenu":
                self.mainmenu = args[0][1]
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "source":
                self._parse_file(args[0][1], cur_deps, cur_menu, cur_choice)
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "menu":
                stack.append(("menu", cur_deps, cur_menu, cur_choice))
                cur_deps = list(cur_deps)
                node = Node("menu", args[0][1], deps=cur_deps)
                cur_menu.children.append(node)
                cur_menu = node
                sym, menu_attrs, choice_attrs, comment_attrs = None, node, None, None
                continue
            if kw == "endmenu":
                if not stack or stack[-1][0] != "menu":
                    raise KconfigError(f"{where}: endmenu without menu")
                _, cur_deps, cur_menu, cur_choice = stack.pop()
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "choice":
                if cur_choice is not None:
                    raise KconfigError(f"{where}: nested choice")
                stack.append(("choice", cur_deps, cur_menu, cur_choice))
                cur_deps = list(cur_deps)
                cur_choice = Choice(where, depends=cur_deps)
                self.choices.append(cur_choice)
                sym, menu_attrs, choice_attrs, comment_attrs = None, None, cur_choice, None
                continue
            if kw == "endchoice":
                if not stack or stack[-1][0] != "choice":
                    raise KconfigError(f"{where}: endchoice without choice")
                _, cur_deps, cur_menu, cur_choice = stack.pop()
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "if":
                stack.append(("if", cur_deps, cur_menu, cur_choice))
                cur_deps = cur_deps + [ExprParser(args, where).parse()]
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "endif":
                if not stack or stack[-1][0] != "if":
                    raise KconfigError(f"{where}: endif without if")
                _, cur_deps, cur_menu, cur_choice = stack.pop()
                sym = menu_attrs = choice_attrs = comment_attrs = None
                continue
            if kw == "comment":
                comment_attrs = Node("comment", args[0][1], deps=list(cur_deps))
                cur_menu.children.append(comment_attrs)
                sym = menu_attrs = choice_attrs = None
                continue

            # Attributes
            if kw == "depends" and args and args[0] == ("word", "on"):
                e = ExprParser(args[1:], where).parse()
                if comment_attrs is not None:
                    comment_attrs.deps.append(e)
                elif menu_attrs is not None or choice_attrs is not None:
                    cur_deps.append(e)
                elif sym is not None:
                    sym.depends.append(e)
                else:
                    raise KconfigError(f"{where}: 'depends on' outside an entry")
                continue
            if menu_attrs is not None and kw == "visible":
                continue
            if comment_attrs is not None:
                raise KconfigError(f"{where}: unexpected {raw.strip()!r} after a comment")
            if choice_attrs is not None:
                self._choice_attr(choice_attrs, kw, args, where, raw)
                continue
            if sym is None:
                raise KconfigError(f"{where}: unexpected {raw.strip()!r}")
            if kw in ("bool", "tristate", "int", "hex", "string"):
                sym.type = kw
                if args and args[0][0] == "str":
                    sym.prompts.append(_prompt_cond(args, where))
                continue
            if kw.startswith("def_") and kw[4:] in ("bool", "tristate"):
                sym.type = kw[4:]
                kw = "default"
            if kw == "prompt":
                sym.prompts.append(_prompt_cond(args, where))
                continue
            if kw == "default":
                p = ExprParser(args, where)
                value = p.unary() if args and args[0][0] == "str" else p.or_expr()
                cond = None
                if p.peek() == ("word", "if"):
                    p.take()
                    cond = p.parse()
                sym.defaults.append((value, cond))
                continue
            if kw == "range":
                lo, hi = args[0][1], args[1][1]
                cond = None
                if len(args) > 3 and args[2] == ("word", "if"):
                    cond = ExprParser(args[3:], where).parse()
                sym.ranges.append((lo, hi, cond))
                continue
            if kw == "select":
                if not args or args[0][0] != "word":
                    raise KconfigError(f"{where}: expected a symbol name after 'select'")
                cond = None
                if len(args) > 1:
                    if args[1] != ("word", "if"):
                        raise KconfigError(f"{where}: expected 'if' after 'select {args[0][1]}'")
                    cond = ExprParser(args[2:], where).parse()
                sym.selects.append((args[0][1], cond))
                continue
            if kw == "modules":
                sym.is_modules = True
                continue
            if kw in ("imply", "option", "transitional", "optional"):
                raise KconfigError(f"{where}: '{kw}' is not supported by this Kconfig")
            raise KconfigError(f"{where}: unknown keyword {kw!r}")
        if stack:
            raise KconfigError(f"{name}: unterminated {stack[-1][0]}")

    def _choice_attr(self, choice: Choice, kw: str, args: list, where: str, raw: str) -> None:
        if kw == "prompt" or (kw == "bool" and args):
            choice.prompts.append(_prompt_cond(args, where))
            return
        if kw == "bool":
            return
        if kw == "default":
            if not args or args[0][0] != "word":
                raise KconfigError(f"{where}: expected a choice member after 'default'")
            cond = None
            if len(args) > 1:
                if args[1] != ("word", "if"):
                    raise KconfigError(f"{where}: expected 'if' after 'default {args[0][1]}'")
                cond = ExprParser(args[2:], where).parse()
            choice.defaults.append((args[0][1], cond))
            return
        if kw == "tristate":
            raise KconfigError(f"{where}: tristate choices are not supported (removed in 6.11)")
        raise KconfigError(f"{where}: unexpected {raw.strip()!r} in a choice")


# --------------------------------------------------------------------------
# User values (.config) and evaluation
# --------------------------------------------------------------------------

_INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
_HEX_RE = re.compile(r"(0[xX])?[0-9a-fA-F]+")


@dataclass
class UserValues:
    """What a .config says, as conf_read_simple() keeps it: the valid value of
    every known symbol it sets and where each was last read (choice priority).
    A missing file gives no values: everything then comes from the defaults."""

    values: dict[str, str] = field(default_factory=dict)
    last_read: dict[str, int] = field(default_factory=dict)


def _unescape_string(p: str) -> str | None:
    """A .config string value: '"' ... '"' with backslash escapes; None if the
    closing quote is missing."""
    out = []
    i = 1
    while i < len(p):
        c = p[i]
        if c == '"':
            return "".join(out)
        if c == "\\" and i + 1 < len(p):
            i += 1
            c = p[i]
        out.append(c)
        i += 1
    return None


def read_user(kc: Kconfig, path: str, warn: Report = None) -> UserValues:
    """Read a .config the way confdata.c's conf_read_simple() does."""
    user = UserValues()

    def warning(lineno: int, msg: str) -> None:
        if warn is not None:
            warn(f"{path}:{lineno}:warning: {msg}")

    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return user
    if lines and not lines[-1]:
        lines.pop()
    for lineno, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            continue
        if line[0] == "#":
            if not line.startswith("# CONFIG_"):
                continue
            name, sep, rest = line[len("# CONFIG_") :].partition(" ")
            if not sep or rest != "is not set":
                continue
            val = "n"
        else:
            if not line.startswith("CONFIG_"):
                warning(lineno, f"unexpected data: {line}")
                continue
            name, sep, val = line[len("CONFIG_") :].partition("=")
            if not sep:
                warning(lineno, f"unexpected data: {line}")
                continue
        sym = kc.syms.get(name)
        if sym is None:
            continue  # an unknown symbol: left out of the next .config
        if name in user.values:
            warning(lineno, f"override: reassigning to symbol {name}")
        t = sym.type
        if t in ("bool", "tristate"):
            if val[:1] == "m" and t == "tristate":
                v = "m"
            elif val[:1] in ("y", "n"):
                v = val[:1]
            else:
                warning(lineno, f"symbol value '{val}' invalid for {name}")
                continue
        elif t == "string":
            if not val.startswith('"'):
                continue  # ignored without a warning, as conf_set_sym_val() does
            v = _unescape_string(val)
            if v is None:
                warning(lineno, "invalid string found")
                continue
        elif t in ("int", "hex"):
            if not (_INT_RE if t == "int" else _HEX_RE).fullmatch(val):
                warning(lineno, f"symbol value '{val}' invalid for {name}")
                continue
            v = val
        else:
            continue
        user.values[name] = v
        user.last_read[name] = lineno
    return user


class Config:
    def __init__(self, kc: Kconfig, user: UserValues | dict[str, str], warn: Report = None) -> None:
        self.kc = kc
        if isinstance(user, dict):
            user = UserValues(dict(user), {n: i for i, n in enumerate(user)})
        self.user = user
        self.warn = warn
        self.values: dict[str, str] = {}
        self.write: dict[str, bool] = {}
        self._busy: set[object] = set()
        for name in kc.order:
            self.value(name)

    def modules_on(self) -> bool:
        mods = [s for s in self.kc.syms.values() if s.is_modules]
        name = mods[0].name if mods else "MODULES"
        return name in self.kc.syms and self.value(name) == "y"

    def tri(self, e: tuple | None) -> int:
        if e is None:
            return Y
        op = e[0]
        if op == "sym":
            name = e[1]
            if name in self.kc.syms:
                s = self.kc.syms[name]
                if s.type in ("bool", "tristate"):
                    return TRI[self.value(name)]
                return N
            return TRI.get(name, N)
        if op == "str":
            return TRI.get(e[1], N)
        if op == "not":
            return Y - self.tri(e[1])
        if op == "and":
            return min(self.tri(e[1]), self.tri(e[2]))
        if op == "or":
            return max(self.tri(e[1]), self.tri(e[2]))
        if op in ("eq", "neq"):
            same = self.string(e[1]) == self.string(e[2])
            return Y if same == (op == "eq") else N
        raise KconfigError(f"bad expression {e!r}")

    def string(self, e: tuple) -> str:
        if e[0] == "sym" and e[1] in self.kc.syms:
            return self.value(e[1])
        if e[0] in ("sym", "str"):
            return e[1]
        return TRI_NAME[self.tri(e)]

    # -- the pieces of sym_calc_visibility() --------------------------------
    def _as_bool(self, s: Symbol, t: int) -> int:
        """'m' counts as 'y' for a bool symbol, or a tristate one without modules."""
        if t == M and (s.type != "tristate" or not self.modules_on()):
            return Y
        return t

    def dep(self, s: Symbol) -> int:
        """The symbol's direct dependencies ('depends on', enclosing if/menu/choice)."""
        dep = Y
        for d in s.depends:
            dep = min(dep, self.tri(d))
        return dep

    def visibility(self, s: Symbol) -> int:
        vis = N
        if s.prompts:
            dep = self.dep(s)
            for cond in s.prompts:
                vis = max(vis, min(self.tri(cond), dep))
        return self._as_bool(s, vis) if vis == M else vis

    def rev_dep(self, s: Symbol) -> int:
        """What the symbols that select this one give it: each selector's value,
        limited by the select's condition and the selector's dependencies."""
        rev = N
        for selector, cond in s.selected_by:
            sel = self.kc.syms[selector]
            rev = max(rev, min(TRI[self.value(selector)], self.tri(cond), self.dep(sel)))
        return self._as_bool(s, rev) if rev == M else rev

    # -- values ---------------------------------------------------------------
    def value(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        s = self.kc.syms[name]
        if s.choice is not None:
            self._calc_choice(s.choice)
            return self.values[name]
        if name in self._busy:
            raise KconfigError(f"recursive dependency involving {name}")
        self._busy.add(name)
        dep = self.dep(s)
        vis = self.visibility(s)
        write = vis > N
        u = self.user.values.get(name) if vis > N else None
        if s.type in ("bool", "tristate"):
            if u is not None:
                v = min(TRI[u], vis)
            else:
                v = N
                for expr, cond in s.defaults:
                    c = min(self.tri(cond), dep)
                    if c > N:
                        v = min(self.tri(expr), c)
                        if v > N:
                            write = True
                        break
            rev = self.rev_dep(s)
            if rev > N:
                write = True
                if dep < rev and self.warn is not None:
                    self.warn(
                        f"WARNING: unmet direct dependencies detected for {name} "
                        f"(selected by {', '.join(n for n, _ in s.selected_by)})"
                    )
            v = max(v, rev)
            if v == M:
                v = self._as_bool(s, v)
            result = TRI_NAME[v]
        elif s.type in ("int", "hex", "string"):
            if u is not None:
                result = u
            else:
                result = {"int": "0", "hex": "0x0", "string": ""}[s.type]
                for expr, cond in s.defaults:
                    if min(self.tri(cond), dep) > N:
                        write = True
                        result = self.string(expr)
                        break
            result = self._clamp(s, result, dep)
        else:  # a symbol without a type
            result, write = "", False
        self._busy.discard(name)
        self.values[name] = result
        self.write[name] = write
        return result

    def _clamp(self, s: Symbol, val: str, dep: int) -> str:
        """sym_validate_range(): an int/hex value outside the first active range
        becomes the bound it passed."""
        if s.type not in ("int", "hex"):
            return val
        base = 10 if s.type == "int" else 16
        for lo, hi, cond in s.ranges:
            if min(self.tri(cond), dep) == N:
                continue
            lo_s = self.value(lo) if lo in self.kc.syms else lo
            hi_s = self.value(hi) if hi in self.kc.syms else hi
            try:
                v, lo_v, hi_v = int(val, base), int(lo_s, base), int(hi_s, base)
            except ValueError:
                return val
            if v < lo_v:
                return lo_s
            if v > hi_v:
                return hi_s
            return val
        return val

    def _calc_choice(self, choice: Choice) -> None:
        """sym_calc_choice() of Linux 6.12: exactly one visible member is y."""
        if choice in self._busy:
            raise KconfigError(f"{choice.where}: recursive dependency involving a choice")
        self._busy.add(choice)
        members = choice.members
        syms = self.kc.syms
        visible = {m: self.visibility(syms[m]) > N for m in members}
        user = self.user.values
        # Priority: each member read from .config moved to the head of the list
        read = sorted(
            (m for m in members if m in self.user.last_read), key=lambda m: -self.user.last_read[m]
        )
        prio = read + [m for m in members if m not in self.user.last_read]

        res = next((m for m in prio if visible[m] and user.get(m) == "y"), None)
        if res is None:
            res = self._choice_default(choice, visible)
            if res is not None and user.get(res) == "n":
                res = None
        if res is None:
            res = next((m for m in members if visible[m] and m not in user), None)
        if res is None:
            res = next((m for m in reversed(prio) if visible[m]), None)
        for m in members:
            self.values[m] = "y" if m == res else "n"
            self.write[m] = visible[m]
        self._busy.discard(choice)

    def _choice_default(self, choice: Choice, visible: dict[str, bool]) -> str | None:
        dep = Y
        for d in choice.depends:
            dep = min(dep, self.tri(d))
        for target, cond in choice.defaults:
            if min(self.tri(cond), dep) > N and visible.get(target):
                return target
        return next((m for m in choice.members if visible[m]), None)

    def written(self) -> list[str]:
        return [n for n in self.kc.order if self.write[n] and self.kc.syms[n].type]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

_LINE_SET = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")


def quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_autoconf(path: str) -> dict[str, str]:
    vals: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = _LINE_SET.match(line.rstrip("\n"))
                if m:
                    vals[m.group(1)] = m.group(2)
    except FileNotFoundError:
        pass
    return vals


def write_atomic(path: str, text: str) -> None:
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def heading(kc: Kconfig, prefix: str, deco: str, postfix: str) -> str:
    return (
        f"{prefix}\n"
        f"{deco} Automatically generated file; DO NOT EDIT.\n"
        f"{deco} {kc.mainmenu}\n"
        f"{postfix}\n"
    )


def dotconfig_text(kc: Kconfig, cfg: Config) -> str:
    """The .config conf_write() writes: menus and comments as headers (when
    their dependencies hold), every written symbol in menu order."""
    out = [heading(kc, "#", "#", "#")]
    need_newline = False

    def shown(node: Node) -> bool:
        return all(cfg.tri(d) > N for d in node.deps)

    def walk(node: Node) -> None:
        nonlocal need_newline
        for child in node.children:
            if child.kind in ("menu", "comment"):
                visible = shown(child)
                if visible:
                    out.append(f"\n#\n# {child.name}\n#\n")
                    need_newline = False
                if child.kind == "menu":
                    walk(child)
                    if visible:
                        out.append(f"# end of {child.name}\n")
                        need_newline = True
                continue
            s = kc.syms[child.name]
            if not cfg.write[child.name] or not s.type:
                continue
            if need_newline:
                out.append("\n")
                need_newline = False
            v = cfg.values[child.name]
            if s.type in ("bool", "tristate") and v == "n":
                out.append(f"# CONFIG_{s.name} is not set\n")
            elif s.type == "string":
                out.append(f"CONFIG_{s.name}={quote(v)}\n")
            else:
                out.append(f"CONFIG_{s.name}={v}\n")

    walk(kc.tree)
    return "".join(out)


def conf_write(path: str, text: str, message: Report = None) -> bool:
    """conf_write(): write the configuration to ``path`` through a temporary
    file, unless the file already holds exactly this text; the previous file is
    kept as ``path``.old.  With KCONFIG_OVERWRITECONFIG set, the file is
    overwritten in place (no temporary file, no .old).  True if written."""
    if not path:
        raise KconfigError("config name is empty")
    if os.path.isdir(path):
        raise KconfigError(f"{path}: Is a directory")
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    if os.environ.get("KCONFIG_OVERWRITECONFIG"):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                same = f.read() == text
        except (FileNotFoundError, UnicodeDecodeError):
            same = False
        if same:
            if message:
                message(f"No change to {path}")
            return False
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        with contextlib.suppress(OSError):
            os.rename(path, path + ".old")
        os.rename(tmp, path)
    if message:
        message(f"configuration written to {path}")
    return True


def conf_write_autoconf(kc: Kconfig, cfg: Config, overwrite: bool) -> None:
    """conf_write_autoconf(): auto.conf.cmd, the stamps of changed symbols,
    autoconf.h and, last, auto.conf.  Without ``overwrite`` (every mode but
    syncconfig) nothing is written when auto.conf already exists."""
    autoconf_path = os.environ.get("KCONFIG_AUTOCONFIG") or "include/config/auto.conf"
    autoheader_path = os.environ.get("KCONFIG_AUTOHEADER") or "include/generated/autoconf.h"
    if not overwrite and os.path.exists(autoconf_path):
        return

    # auto.conf.cmd: make re-runs syncconfig when a Kconfig file changes
    cmd = [f"autoconfig := {autoconf_path}\n", "\ndeps_config := \\\n"]
    cmd += [f"\t{name} \\\n" for name in kc.files]
    cmd.append("\n$(autoconfig): $(deps_config)\n$(deps_config): ;\n")
    write_atomic(autoconf_path + ".cmd", "".join(cmd))

    # new auto.conf content: symbols with a value other than n
    new_auto: dict[str, str] = {}
    for n in cfg.written():
        s, v = kc.syms[n], cfg.values[n]
        if s.type in ("bool", "tristate") and v == "n":
            continue
        new_auto[n] = v

    # stamps of the symbols that changed, appeared or disappeared (also of
    # symbols the old auto.conf has and Kconfig no longer knows), in the
    # directory of auto.conf
    old_auto = read_autoconf(autoconf_path)
    stamps = os.path.dirname(autoconf_path)
    if stamps:
        os.makedirs(stamps, exist_ok=True)
    for n in sorted(set(old_auto) | set(new_auto)):
        if old_auto.get(n) != new_auto.get(n):
            with open(os.path.join(stamps, n), "w"):
                pass

    # autoconf.h
    h = [heading(kc, "/*", " *", " */")]
    for n, v in new_auto.items():
        t = kc.syms[n].type
        if t in ("bool", "tristate"):
            h.append(f"#define CONFIG_{n}{'_MODULE' if v == 'm' else ''} 1\n")
        elif t == "string":
            h.append(f"#define CONFIG_{n} {quote(v)}\n")
        elif t == "hex" and not v.lower().startswith("0x"):
            h.append(f"#define CONFIG_{n} 0x{v}\n")
        else:
            h.append(f"#define CONFIG_{n} {v}\n")
    write_atomic(autoheader_path, "".join(h))

    # auto.conf last: it marks a complete sync
    a = [heading(kc, "#", "#", "#")]
    a += [f"CONFIG_{n}={v}\n" for n, v in new_auto.items()]
    write_atomic(autoconf_path, "".join(a))


def _warn(msg: str) -> None:
    sys.stderr.write(msg + "\n")


def _message(msg: str) -> None:
    print(f"#\n# {msg}\n#", flush=True)


def resolve(
    kc: Kconfig, dotconfig: str, message: Report = None, autoconf: bool | None = None
) -> Config:
    """Read ``dotconfig``, compute the configuration, write it back when its
    text changes, and write auto.conf & co: always (``autoconf=True``), never
    (False), or only when auto.conf is missing (None, what every conf mode but
    syncconfig does)."""
    user = read_user(kc, dotconfig, _warn)
    cfg = Config(kc, user, _warn)
    conf_write(dotconfig, dotconfig_text(kc, cfg), message)
    if autoconf is not False:
        conf_write_autoconf(kc, cfg, overwrite=bool(autoconf))
    return cfg


def syncconfig(kc: Kconfig, dotconfig: str, message: Report = None) -> None:
    """conf --syncconfig: .config rewritten when its text changes (conf.c
    calls conf_write() in every mode, and conf_write() leaves a file that
    already holds the same text alone); auto.conf & co always written."""
    resolve(kc, dotconfig, message=message, autoconf=True)


def olddefconfig(kc: Kconfig, dotconfig: str, message: Report = None) -> None:
    """conf --olddefconfig: .config rewritten when its text changes; auto.conf
    & co only when auto.conf does not exist yet, as the real conf does."""
    resolve(kc, dotconfig, message=message, autoconf=None)


def main(argv: list[str]) -> int:
    """syncconfig.py <srctree> <Kconfig> <.config>, run in the objtree."""
    if len(argv) != 4:
        sys.stderr.write("usage: syncconfig.py <srctree> <Kconfig> <.config>\n")
        return 1
    srctree, root, dotconfig = argv[1:]
    try:
        kc = Kconfig(srctree, root)
        syncconfig(kc, dotconfig, _message)
    except (KconfigError, OSError) as e:
        sys.stderr.write(f"syncconfig: {e}\n")
        return 1
    return 0


CONF_USAGE = """\
Usage: {prog} [-s] [--syncconfig | --olddefconfig] <kconfig-file>
  -s, --silent      no "configuration written" message
  --syncconfig      sync .config and write include/config/auto.conf & co
                    (what kbuild runs before every build)
  --olddefconfig    resolve .config: user values kept where their
                    dependencies allow, everything else from the defaults
Environment: srctree, KCONFIG_CONFIG, KCONFIG_AUTOCONFIG,
KCONFIG_AUTOHEADER, KCONFIG_OVERWRITECONFIG (as the kernel's conf).
This is the sample tree's conf: the other modes of the kernel's conf are
not implemented.
"""


def conf_main(argv: list[str]) -> int:
    """scripts/kconfig/conf: the kernel conf's interface, for the two modes
    kbuild and depgraph use."""
    prog = argv[0]
    mode = None  # the kernel conf's default, oldaskconfig, asks questions: not here
    silent = False
    rest: list[str] = []
    for arg in argv[1:]:
        if arg in ("-s", "--silent"):
            silent = True
        elif arg in ("--syncconfig", "--olddefconfig"):
            mode = arg[2:]
        elif arg in ("-h", "--help"):
            sys.stderr.write(CONF_USAGE.format(prog=prog))
            return 1
        elif arg.startswith("-") and arg != "-":
            sys.stderr.write(f"{prog}: option {arg} is not supported by this conf\n")
            sys.stderr.write(CONF_USAGE.format(prog=prog))
            return 1
        else:
            rest.append(arg)
    if mode is None:
        sys.stderr.write(f"{prog}: give --syncconfig or --olddefconfig\n")
        sys.stderr.write(CONF_USAGE.format(prog=prog))
        return 1
    if not rest:
        sys.stderr.write(f"{prog}: Kconfig file missing\n")
        sys.stderr.write(CONF_USAGE.format(prog=prog))
        return 1
    message = None if silent or mode == "syncconfig" else _message
    dotconfig = os.environ.get("KCONFIG_CONFIG")
    if dotconfig is None:
        dotconfig = ".config"
    try:
        kc = Kconfig(os.environ.get("srctree"), rest[0])  # noqa: SIM112 (the kernel's name)
        if mode == "syncconfig":
            syncconfig(kc, dotconfig, message)
        else:
            olddefconfig(kc, dotconfig, message)
    except (KconfigError, OSError) as e:
        sys.stderr.write(f"{prog}: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
