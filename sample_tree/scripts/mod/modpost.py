#!/usr/bin/env python3
"""modpost for the sample tree: vmlinux's export table and each module's <module>.mod.c.

Usage: modpost.py [-M] [-T modules.order] [vmlinux.o]      (run in the objtree)

As Linux 6.12's scripts/mod/modpost (called by scripts/Makefile.modpost):

* vmlinux.o given: write .vmlinux.export.c, the table of the symbols that built-in code
  exports.  With -M (CONFIG_MODULES) every label __export_symbol_<sym> that
  include/linux/export.h put in the section .export_symbol becomes one line
  ``KSYMTAB_FUNC(sym, "_gpl", "");`` (``KSYMTAB_DATA`` when sym is not a function;
  ``""`` for EXPORT_SYMBOL), in link order: the order of the labels in vmlinux.o's
  .export_symbol, which ``ld -r`` concatenated object by object.  Without -M the file
  holds its #include line only.
* -T modules.order: for each module object listed (drivers/misc/mymod.o, one a line),
  write drivers/misc/mymod.mod.c (write_mod_c_file): the module's header, then one
  KSYMTAB line for each of the module's own exports (with -M), read from its object as
  above.  The kernel's also lists imported symbol versions (CONFIG_MODVERSIONS), the
  modules it depends on and its device table aliases; the sample's modules have none.

Every file is written only when its content changes, so its mtime (and the objects
compiled from it) stays put when nothing changed.
"""

from __future__ import annotations

import os
import struct
import sys

# The sample's own: the kernel declares these in <linux/module.h>
PROLOGUE = """\
int init_module(void);
void cleanup_module(void);

"""

HEADER = """\
#include <linux/module.h>
#include <linux/export-internal.h>

MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
	.exit = cleanup_module,
};
"""

DEPENDS = """
MODULE_INFO(depends, "");
"""

EXPORT_PREFIX = "__export_symbol_"
VMLINUX_EXPORT_C = ".vmlinux.export.c"

# ELF constants (elf.h)
_SHT_SYMTAB = 2
_SHN_UNDEF = 0
_STB_GLOBAL = 1
_STB_WEAK = 2
_STT_FUNC = 2


class ModpostError(Exception):
    pass


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


def _cstring(data: bytes, at: int) -> str:
    end = data.find(b"\0", at)
    if end < 0:
        raise ModpostError("a string runs past the end of its section")
    return data[at:end].decode("utf-8", errors="replace")


def exported_symbols(path: str) -> list[tuple[str, bool, bool]]:
    """``(name, is_gpl, is_func)`` for each ``__export_symbol_<name>`` label of the
    ELF64 little-endian relocatable ``path``, in the order of the labels in its
    ``.export_symbol`` section (modpost's check_export_symbol, simplified)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ModpostError(f"{path}: not an ELF64 little-endian file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    # (sh_name, sh_type, sh_offset, sh_size, sh_link, sh_entsize)
    sections = []
    for i in range(shnum):
        name, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize
        )
        sections.append((name, kind, offset, size, link, entsize))
    names_at = sections[shstrndx][2]
    export_index = next(
        (i for i, s in enumerate(sections) if _cstring(data, names_at + s[0]) == ".export_symbol"),
        None,
    )
    if export_index is None:
        return []
    _, _, export_at, _, _, _ = sections[export_index]
    symtab = next((s for s in sections if s[1] == _SHT_SYMTAB), None)
    if symtab is None:
        raise ModpostError(f"{path}: no symbol table")
    _, _, offset, size, link, entsize = symtab
    strings_at = sections[link][2]
    labels: list[tuple[int, str]] = []
    defined: dict[str, tuple[int, int]] = {}  # name -> (binding, type)
    for at in range(offset, offset + size, entsize):
        name_at, info, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", data, at)
        name = _cstring(data, strings_at + name_at)
        if shndx == export_index and name.startswith(EXPORT_PREFIX):
            labels.append((value, name))
        elif shndx != _SHN_UNDEF and name:
            defined[name] = (info >> 4, info & 0xF)
    found: list[tuple[str, bool, bool]] = []
    for value, label in sorted(labels):
        name = label[len(EXPORT_PREFIX) :]
        binding, kind = defined.get(name, (None, None))
        if binding not in (_STB_GLOBAL, _STB_WEAK):
            what = "local symbol" if binding is not None else "symbol not defined here"
            raise ModpostError(f"{path}: {what} '{name}' was exported")
        license = _cstring(data, export_at + value)
        if license not in ("", "GPL"):
            raise ModpostError(f"{path}: unknown license '{license}' was specified for '{name}'")
        found.append((name, license == "GPL", kind == _STT_FUNC))
    return found


def ksymtab_lines(obj: str, modules_enabled: bool, seen: dict[str, str]) -> str:
    """One KSYMTAB line for each export of ``obj`` (modpost's add_exported_symbols),
    after a blank line; ``seen`` maps each name exported so far to its exporter."""
    lines = ["\n"]
    owner = "vmlinux" if obj == "vmlinux.o" else obj[:-2]
    for name, is_gpl, is_func in exported_symbols(obj) if modules_enabled else []:
        if name in seen:
            raise ModpostError(
                f"{owner}: '{name}' exported twice. Previous export was in {seen[name]}"
            )
        seen[name] = owner if owner == "vmlinux" else owner + ".ko"
        kind = "FUNC" if is_func else "DATA"
        lines.append(f'KSYMTAB_{kind}({name}, "{"_gpl" if is_gpl else ""}", "");\n')
    return "".join(lines)


def main(argv: list[str]) -> int:
    args = argv[1:]
    modules_enabled = False
    order = None
    vmlinux_o = None
    while args:
        arg = args.pop(0)
        if arg == "-M":
            modules_enabled = True
        elif arg == "-T" and args:
            order = args.pop(0)
        elif not arg.startswith("-") and vmlinux_o is None:
            vmlinux_o = arg
        else:
            sys.stderr.write("usage: modpost.py [-M] [-T modules.order] [vmlinux.o]\n")
            return 1
    modules: list[str] = []
    if order is not None:
        try:
            with open(order, encoding="utf-8") as f:
                modules = [line.strip() for line in f if line.strip()]
        except FileNotFoundError:
            pass
    for obj in modules:
        if not obj.endswith(".o"):
            sys.stderr.write(f"modpost: {obj}: not an object file\n")
            return 1
    seen: dict[str, str] = {}
    try:
        # Read everything first (vmlinux first, as modpost does), then write.
        table = ksymtab_lines(vmlinux_o, modules_enabled, seen) if vmlinux_o else None
        own = {obj: ksymtab_lines(obj, modules_enabled, seen) for obj in modules}
    except (ModpostError, OSError, struct.error) as e:
        sys.stderr.write(f"ERROR: modpost: {e}\n")
        return 1
    if table is not None:
        write_if_changed(VMLINUX_EXPORT_C, "#include <linux/export-internal.h>\n" + table)
    for obj, exports in own.items():
        write_if_changed(obj[:-2] + ".mod.c", PROLOGUE + HEADER + exports + DEPENDS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
