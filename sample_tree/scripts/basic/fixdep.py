#!/usr/bin/env python3
"""fixdep: turn a gcc -MMD dependency file into a kbuild .cmd file.

Usage: fixdep.py <depfile> <target> <saved command>   (output on stdout)

Output, as kbuild's scripts/basic/fixdep writes it::

    savedcmd_<target> := <saved command>

    source_<target> := <first prerequisite>

    deps_<target> := \\
        $(wildcard include/config/FOO) \\      config stamps of the source
      <header> \\                              every other prerequisite
        $(wildcard include/config/BAR) \\      stamps first seen in <header>

    <target>: $(deps_<target>)

    $(deps_<target>):

Rules:
* the first prerequisite is the source; it is not repeated in deps_;
* include/generated/autoconf.h is left out (the per-symbol stamps replace it);
* a file listed twice (same spelling) is listed once;
* every file (source included) is scanned as text for CONFIG_<name>, comments
  and strings included: CONFIG_ must not follow a letter, digit or '_', the
  name runs over [A-Za-z0-9_], a trailing _MODULE is dropped; each symbol is
  listed once per target, under the first file that mentions it.
"""

from __future__ import annotations

import re
import sys

_CONFIG = re.compile(rb"(?<![A-Za-z0-9_])CONFIG_([A-Za-z0-9_]*)")
_IGNORED = "include/generated/autoconf.h"
_NO_PARSE = (".rlib", ".rmeta", ".so")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split make-style dependency text into (word, is_prerequisite) pairs."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    is_target = True
    first_after_colon = False
    while i < n:
        c = text[i]
        if c == "#":  # comment up to the end of the line
            while i < n and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
            continue
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            continue
        if c == "\n":
            is_target = True
            i += 1
            continue
        if c == ":":
            is_target = False
            first_after_colon = True
            i += 1
            continue
        word = []
        while i < n and text[i] not in " \t\n#:":
            if text[i] == "\\":
                nxt = text[i + 1] if i + 1 < n else ""
                if nxt == "\n":
                    break
                if nxt in "#:":
                    word.append(nxt)  # escaped special character
                    i += 2
                    continue
                word.append("\\")
                i += 1
                if nxt:
                    word.append(nxt)
                    i += 1
                continue
            word.append(text[i])
            i += 1
        if not is_target:
            out.append(("".join(word), first_after_colon))
            first_after_colon = False
    return out


def fixdep(depfile: str, target: str, cmdline: str) -> str:
    with open(depfile, encoding="utf-8", errors="surrogateescape") as f:
        words = _tokens(f.read())

    lines = [f"savedcmd_{target} := {cmdline}\n\n"]
    seen_configs: set[bytes] = set()
    seen_files: set[str] = set()
    saw_source = False

    def scan(path: str) -> None:
        if path.endswith(_NO_PARSE):
            return
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            sys.stderr.write(f"fixdep: error opening file: {path}: {e.strerror}\n")
            sys.exit(2)
        for m in _CONFIG.finditer(data):
            name = m.group(1)
            if name.endswith(b"_MODULE"):
                name = name[: -len("_MODULE")]
            if not name or name in seen_configs:
                continue
            seen_configs.add(name)
            lines.append(f"    $(wildcard include/config/{name.decode()}) \\\n")

    for word, is_source in words:
        if is_source:
            # Only the first source counts (several rules may be concatenated).
            if saw_source:
                continue
            saw_source = True
            lines.append(f"source_{target} := {word}\n\n")
            lines.append(f"deps_{target} := \\\n")
            scan(word)
        elif not word.endswith(_IGNORED) and word not in seen_files:
            seen_files.add(word)
            lines.append(f"  {word} \\\n")
            scan(word)

    if not saw_source:
        sys.stderr.write("fixdep: parse error; no targets found\n")
        sys.exit(1)

    lines.append(f"\n{target}: $(deps_{target})\n\n")
    lines.append(f"$(deps_{target}):\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write("Usage: fixdep.py <depfile> <target> <cmdline>\n")
        return 1
    out = fixdep(argv[1], argv[2], argv[3])
    sys.stdout.buffer.write(out.encode("utf-8", errors="surrogateescape"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
