#!/usr/bin/env python3
"""modpost for the sample tree: write <module>.mod.c for each module.

Usage: modpost.py <modules.order>      (run in the objtree)

modules.order lists module objects (drivers/misc/mymod.o, one a line).  For
each, drivers/misc/mymod.mod.c is written only when its content changes, so
its mtime (and the .mod.o / .ko built from it) stays put on a no-op build.
The content depends on the module name only.
"""

from __future__ import annotations

import os
import sys

TEMPLATE = """\
#include <linux/module.h>

MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
	.exit = cleanup_module,
};

MODULE_INFO(depends, "");
"""

PROLOGUE = """\
int init_module(void);
void cleanup_module(void);

"""


def write_if_changed(path: str, text: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: modpost.py <modules.order>\n")
        return 1
    try:
        with open(argv[1], encoding="utf-8") as f:
            modules = [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        modules = []
    for obj in modules:
        if not obj.endswith(".o"):
            sys.stderr.write(f"modpost: {obj}: not an object file\n")
            return 1
        write_if_changed(obj[:-2] + ".mod.c", PROLOGUE + TEMPLATE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
