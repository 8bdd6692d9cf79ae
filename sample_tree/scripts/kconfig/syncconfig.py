#!/usr/bin/env python3
"""syncconfig for the sample tree: .config + Kconfig -> auto.conf & co.

Usage: syncconfig.py <srctree> <root Kconfig (relative to srctree)> <.config>
Runs in the objtree.  Does what kbuild's "conf --syncconfig" does, for the
small Kconfig subset this tree uses:

* reads the Kconfig files (config/menuconfig, bool/tristate/int/hex/string,
  prompt, default [if], depends on, range, help, menu/endmenu, if/endif,
  comment, source, mainmenu, the "modules" attribute) and the .config;
* computes every symbol's value (user value limited by its dependencies,
  else the first default whose condition holds; 'm' becomes 'y' for bool
  symbols and when MODULES is off);
* rewrites .config only when the computed values differ from it;
* writes include/config/auto.conf.cmd (the Kconfig files read);
* touches the empty stamp include/config/<SYMBOL> of every symbol whose
  value changed, appeared or disappeared compared with the old auto.conf
  (on the first sync: every symbol auto.conf holds);
* writes include/generated/autoconf.h and, last, include/config/auto.conf
  (CONFIG_X=y|m|value, strings unquoted, 'n' symbols left out).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field

N, M, Y = 0, 1, 2
TRI = {"n": N, "m": M, "y": Y}
TRI_NAME = {N: "n", M: "m", Y: "y"}


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


@dataclass
class Symbol:
    name: str
    type: str = ""
    prompt: bool = False
    defaults: list[tuple[tuple, tuple | None]] = field(default_factory=list)
    depends: list[tuple] = field(default_factory=list)
    ranges: list[tuple[str, str, tuple | None]] = field(default_factory=list)
    is_modules: bool = False


@dataclass
class Node:
    """Output structure of .config: a symbol or a menu."""

    kind: str  # "sym" | "menu"
    name: str
    children: list[Node] = field(default_factory=list)


class Kconfig:
    def __init__(self, srctree: str, root: str) -> None:
        self.srctree = srctree
        self.syms: dict[str, Symbol] = {}
        self.order: list[str] = []
        self.files: list[str] = []
        self.mainmenu = "Linux Kernel Configuration"
        self.tree = Node("menu", "")
        self._parse_file(root, [], self.tree)

    # -- parsing ------------------------------------------------------------
    def _parse_file(self, name: str, deps: list[tuple], menu: Node) -> None:
        if name not in self.files:
            self.files.append(name)
        path = os.path.join(self.srctree, name)
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().expandtabs(8).split("\n")
        except OSError as e:
            raise KconfigError(f"{name}: {e.strerror}") from e

        # stack of (kind, deps, menu node): kind in "menu", "if"
        stack: list[tuple[str, list[tuple], Node]] = []
        cur_deps = list(deps)
        cur_menu = menu
        sym: Symbol | None = None  # entry whose attributes we are reading
        menu_attrs: Node | None = None  # a "menu" whose attributes we are reading
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
                sym.depends.extend(cur_deps)
                menu_attrs = None
                continue
            if kw == "mainmenu":
                self.mainmenu = args[0][1]
                sym = menu_attrs = None
                continue
            if kw == "source":
                self._parse_file(args[0][1], cur_deps, cur_menu)
                sym = menu_attrs = None
                continue
            if kw == "menu":
                node = Node("menu", args[0][1])
                cur_menu.children.append(node)
                stack.append(("menu", cur_deps, cur_menu))
                cur_deps = list(cur_deps)
                cur_menu = node
                sym, menu_attrs = None, node
                continue
            if kw == "endmenu":
                if not stack or stack[-1][0] != "menu":
                    raise KconfigError(f"{where}: endmenu without menu")
                _, cur_deps, cur_menu = stack.pop()
                sym = menu_attrs = None
                continue
            if kw == "if":
                stack.append(("if", cur_deps, cur_menu))
                cur_deps = cur_deps + [ExprParser(args, where).parse()]
                sym = menu_attrs = None
                continue
            if kw == "endif":
                if not stack or stack[-1][0] != "if":
                    raise KconfigError(f"{where}: endif without if")
                _, cur_deps, cur_menu = stack.pop()
                sym = menu_attrs = None
                continue
            if kw == "comment":
                sym = menu_attrs = None
                continue

            # Attributes
            if kw == "depends" and args and args[0] == ("word", "on"):
                e = ExprParser(args[1:], where).parse()
                if menu_attrs is not None:
                    cur_deps.append(e)
                elif sym is not None:
                    sym.depends.append(e)
                else:
                    raise KconfigError(f"{where}: 'depends on' outside an entry")
                continue
            if menu_attrs is not None and kw == "visible":
                continue
            if sym is None:
                raise KconfigError(f"{where}: unexpected {raw.strip()!r}")
            if kw in ("bool", "tristate", "int", "hex", "string"):
                sym.type = kw
                if args and args[0][0] == "str":
                    sym.prompt = True
                continue
            if kw.startswith("def_") and kw[4:] in ("bool", "tristate"):
                sym.type = kw[4:]
                kw = "default"
            if kw == "prompt":
                sym.prompt = True
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
            if kw == "modules":
                sym.is_modules = True
                continue
            if kw in ("select", "imply", "option", "transitional"):
                raise KconfigError(f"{where}: '{kw}' is not supported by this syncconfig")
            raise KconfigError(f"{where}: unknown keyword {kw!r}")
        if stack:
            raise KconfigError(f"{name}: unterminated {stack[-1][0]}")


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------


class Config:
    def __init__(self, kc: Kconfig, user: dict[str, str]) -> None:
        self.kc = kc
        self.user = user
        self.values: dict[str, str] = {}
        self.write: dict[str, bool] = {}
        self._busy: set[str] = set()
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

    def value(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        if name in self._busy:
            raise KconfigError(f"recursive dependency involving {name}")
        self._busy.add(name)
        s = self.kc.syms[name]
        dep = Y
        for d in s.depends:
            dep = min(dep, self.tri(d))
        visible = s.prompt and dep > N
        write = False
        if s.type in ("bool", "tristate"):
            v = None
            if visible:
                write = True
                u = self.user.get(name)
                if u in TRI:
                    v = min(TRI[u], dep)
            if v is None:
                v = N
                for expr, cond in s.defaults:
                    c = min(self.tri(cond), dep)
                    if c > N:
                        write = True
                        v = min(self.tri(expr), c)
                        break
            if v == M and (s.type == "bool" or s.is_modules or not self.modules_on()):
                v = Y
            result = TRI_NAME[v]
        else:
            result = None
            if visible:
                write = True
                u = self.user.get(name)
                if u is not None and self._valid(s, u):
                    result = u
            if result is None:
                for expr, cond in s.defaults:
                    if min(self.tri(cond), dep) > N:
                        write = True
                        result = self.string(expr)
                        break
            if result is None:
                result = ""
            if dep == N:
                write = False
        self._busy.discard(name)
        self.values[name] = result
        self.write[name] = write
        return result

    def _valid(self, s: Symbol, u: str) -> bool:
        if s.type == "int":
            if not re.fullmatch(r"-?[0-9]+", u):
                return False
            for lo, hi, cond in s.ranges:
                if self.tri(cond) > N:
                    lo_v = int(self.value(lo) if lo in self.kc.syms else lo, 0)
                    hi_v = int(self.value(hi) if hi in self.kc.syms else hi, 0)
                    return lo_v <= int(u) <= hi_v
            return True
        if s.type == "hex":
            return re.fullmatch(r"(0[xX])?[0-9a-fA-F]+", u) is not None
        return True

    def written(self) -> list[str]:
        return [n for n in self.kc.order if self.write[n] and self.kc.syms[n].type]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

_LINE_SET = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_LINE_UNSET = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")


def unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return re.sub(r"\\(.)", r"\1", v[1:-1])
    return v


def quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_dotconfig(path: str) -> dict[str, str]:
    vals: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = _LINE_SET.match(line)
            if m:
                vals[m.group(1)] = unquote(m.group(2))
                continue
            m = _LINE_UNSET.match(line)
            if m:
                vals[m.group(1)] = "n"
    return vals


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
    out = [heading(kc, "#", "#", "#")]
    need_newline = False

    def walk(node: Node) -> None:
        nonlocal need_newline
        for child in node.children:
            if child.kind == "menu":
                out.append(f"\n#\n# {child.name}\n#\n")
                need_newline = False
                walk(child)
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


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write("usage: syncconfig.py <srctree> <Kconfig> <.config>\n")
        return 1
    srctree, root, dotconfig = argv[1:]
    try:
        kc = Kconfig(srctree, root)
        user = read_dotconfig(dotconfig)
        cfg = Config(kc, user)
    except (KconfigError, OSError) as e:
        sys.stderr.write(f"syncconfig: {e}\n")
        return 1

    # .config: rewrite only when the computed configuration differs from it
    new_dot = {n: cfg.values[n] for n in cfg.written()}
    old_dot = {n: v for n, v in user.items() if n in kc.syms}
    if new_dot != old_dot:
        write_atomic(dotconfig, dotconfig_text(kc, cfg))
        print(f"#\n# configuration written to {dotconfig}\n#")

    autoconf_path = "include/config/auto.conf"

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

    # stamps of the symbols that changed, appeared or disappeared
    old_auto = read_autoconf(autoconf_path)
    os.makedirs("include/config", exist_ok=True)
    for n in sorted(set(old_auto) | set(new_auto)):
        if old_auto.get(n) != new_auto.get(n):
            if n not in kc.syms:
                continue  # a symbol Kconfig no longer knows
            with open(os.path.join("include/config", n), "w"):
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
    write_atomic("include/generated/autoconf.h", "".join(h))

    # auto.conf last: it marks a complete sync
    a = [heading(kc, "#", "#", "#")]
    a += [f"CONFIG_{n}={v}\n" for n, v in new_auto.items()]
    write_atomic(autoconf_path, "".join(a))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
