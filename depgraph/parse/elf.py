"""Read the symbol names of an ELF relocatable object (a kbuild ``.o``): enough to tell
which symbols an object exported when it was built (``__export_symbol_<name>``, the
labels ``include/linux/export.h`` puts in ``.export_symbol`` since Linux 6.5)."""

from __future__ import annotations

import struct

_SHT_SYMTAB = 2
EXPORT_PREFIX = "__export_symbol_"


def symbol_names(data: bytes, prefix: str = "") -> frozenset[str] | None:
    """The names in the symbol table of the ELF file ``data`` that start with ``prefix``
    (without it); None when ``data`` is not an ELF file this reads (32 or 64 bits, either
    byte order) or is cut short."""
    found = _symbols(data, prefix)
    return None if found is None else frozenset(name for _, _, name in found)


def ordered_symbol_names(data: bytes, prefix: str = "") -> tuple[str, ...] | None:
    """As :func:`symbol_names`, in the order of the places they label (section, then
    offset): for ``__export_symbol_`` labels, the order of the object's exports, which
    modpost keeps in the export table."""
    found = _symbols(data, prefix)
    return None if found is None else tuple(name for _, _, name in sorted(set(found)))


def _symbols(data: bytes, prefix: str) -> list[tuple[int, int, str]] | None:
    """``(section index, value, name without prefix)`` of the symbols named ``prefix...``."""
    if len(data) < 52 or data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        return None
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    try:
        if wide:
            (shoff,) = struct.unpack_from(order + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        else:
            (shoff,) = struct.unpack_from(order + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        sections = [_section(data, order, wide, shoff + i * shentsize) for i in range(shnum)]
        found: list[tuple[int, int, str]] = []
        wanted = prefix.encode()
        for kind, offset, size, link, entsize in sections:
            if kind != _SHT_SYMTAB or not entsize or link >= len(sections):
                continue
            _, str_offset, str_size, _, _ = sections[link]
            strings = data[str_offset : str_offset + str_size]
            for at in range(offset, offset + size - entsize + 1, entsize):
                (name_at,) = struct.unpack_from(order + "I", data, at)
                end = strings.find(b"\0", name_at)
                name = strings[name_at : end if end >= 0 else len(strings)]
                if name.startswith(wanted) and name != wanted:
                    if wide:
                        shndx, value = struct.unpack_from(order + "HQ", data, at + 6)
                    else:
                        (value,) = struct.unpack_from(order + "I", data, at + 4)
                        (shndx,) = struct.unpack_from(order + "H", data, at + 14)
                    text = name[len(wanted) :].decode("utf-8", errors="replace")
                    found.append((shndx, value, text))
        return found
    except struct.error:
        return None


def _section(data: bytes, order: str, wide: bool, at: int) -> tuple[int, int, int, int, int]:
    """``(sh_type, sh_offset, sh_size, sh_link, sh_entsize)`` of the section header at ``at``."""
    if wide:
        _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(
            order + "IIQQQQIIQQ", data, at
        )
    else:
        _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(
            order + "IIIIIIIIII", data, at
        )
    return kind, offset, size, link, entsize
