"""kbuild's rules that no file of a build tree records, in one place.

Each fact names the kbuild source it comes from (Linux 6.12; see shared/kbuild-notes.md)
and was checked against real ``make V=2`` runs (scripts/kernel_probe.py).
"""

from __future__ import annotations

# fixdep drops include/generated/autoconf.h from every list: it changes on every
# syncconfig, and the per-symbol stamps include/config/FOO stand in for it.
DROPPED_DEPS = frozenset({"include/generated/autoconf.h"})

# Prerequisites that a Makefile rule names and the command line does not, with the config
# symbol that must be set for the rule to exist. scripts/Makefile.vmlinux:
#   vmlinux: scripts/link-vmlinux.sh vmlinux.o $(KBUILD_LDS) FORCE
#   vmlinux: .vmlinux.export.o          (ifdef CONFIG_MODULES)
#   vmlinux: scripts/sorttable          (ifdef CONFIG_BUILDTIME_TABLE_SORT)
# link-vmlinux.sh links vmlinux.o without naming it on its command line. A name starting
# with "*" matches by suffix (KBUILD_LDS is arch/$(SRCARCH)/kernel/vmlinux.lds).
MAKEFILE_PREREQS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "vmlinux": (
        ("vmlinux.o", None),
        ("*/kernel/vmlinux.lds", None),
        (".vmlinux.export.o", "CONFIG_MODULES"),
        ("scripts/sorttable", "CONFIG_BUILDTIME_TABLE_SORT"),
    ),
}

# Objects compiled and linked by a link script, not by a make rule of their directory:
# scripts/link-vmlinux.sh runs "make -f scripts/Makefile.build obj=init
# init/version-timestamp.o" on every link of vmlinux. They are redone when (and only when)
# that link is redone: a change to their own source waits for the next link.
LINKED_BY_SCRIPT: dict[str, str] = {"init/version-timestamp.o": "vmlinux"}

# Files rewritten on every run of the key's link, with no .cmd file of their own, so they
# never stop the cascade:
# * include/generated/utsversion.h holds the build number (.version) and time
#   (init/Makefile: "include/generated/utsversion.h: FORCE");
# * arch/x86/boot/compressed/vmlinux.relocs is written by the x86 postlink step
#   (arch/x86/Makefile.postlink, CONFIG_X86_NEED_RELOCS) after each link of vmlinux, and
#   read by vmlinux.bin.gz ("$(obj)/vmlinux.relocs: vmlinux" in its Makefile).
REWRITTEN_BY_LINK: dict[str, tuple[str, ...]] = {
    "vmlinux": ("include/generated/utsversion.h", "arch/x86/boot/compressed/vmlinux.relocs"),
}

# Commands that write more files than their target, the others named on the command line
# as if they were inputs. security/selinux/Makefile:
#   $(obj)/flask.h: scripts/selinux/genheaders/genheaders FORCE
#   cmd_genhdrs = $< $(addprefix $(obj)/,flask.h av_permissions.h)
# (a grouped target "&:" in all but name: the Makefile says so in a comment).
ALSO_WRITTEN: dict[str, tuple[str, ...]] = {
    "security/selinux/flask.h": ("security/selinux/av_permissions.h",),
}

# The object of vmlinux's export table: modpost (scripts/Makefile.modpost) writes
# .vmlinux.export.c (the EXPORT_SYMBOLs of built-in code, from vmlinux.o) only when its
# content changes, and scripts/Makefile.vmlinux compiles it (CONFIG_MODULES). Each
# module's own exports go into its <module>.mod.c, written the same way.
VMLINUX_EXPORT_OBJECT = ".vmlinux.export.o"


def stamp_files(symbol: str) -> tuple[str, str]:
    """The objtree paths of ``CONFIG_FOO_BAR``'s stamp file, the one syncconfig touches
    when the symbol's value changes (scripts/kconfig/confdata.c, conf_touch_deps): since
    v5.13 ``include/config/FOO_BAR``, before it ``include/config/foo/bar.h``."""
    name = symbol.removeprefix("CONFIG_")
    return f"include/config/{name}", f"include/config/{name.lower().replace('_', '/')}.h"


# The switches of scripts/Makefile.lib (and Makefile.build, for objtool) that add or
# leave out flags of a compile only when their feature is configured, with that feature:
#   ifeq ($(CONFIG_KASAN),y) … $(KASAN_SANITIZE_$(target-stem).o)$(KASAN_SANITIZE) …
#   ifdef CONFIG_OBJTOOL ... OBJECT_FILES_NON_STANDARD_$(target-stem).o (scripts/Makefile.build)
KNOB_FEATURES: dict[str, str] = {
    "GCOV_PROFILE": "CONFIG_GCOV_KERNEL",
    "KASAN_SANITIZE": "CONFIG_KASAN",
    "KMSAN_SANITIZE": "CONFIG_KMSAN",
    "KMSAN_ENABLE_CHECKS": "CONFIG_KMSAN",
    "UBSAN_SANITIZE": "CONFIG_UBSAN",
    "UBSAN_SIGNED_WRAP": "CONFIG_UBSAN",
    "KCOV_INSTRUMENT": "CONFIG_KCOV",
    "KCSAN_SANITIZE": "CONFIG_KCSAN",
    "KCSAN_INSTRUMENT_BARRIERS": "CONFIG_KCSAN",
    "OBJECT_FILES_NON_STANDARD": "CONFIG_OBJTOOL",
}

# Generated headers whose content the configuration or the top Makefile's version decides,
# rewritten by a filechk rule only when that content changes, so a change of them reaches
# the users of the header (which fixdep lists) and no config stamp does:
# * include/generated/utsrelease.h holds UTS_RELEASE, the kernel release: VERSION,
#   PATCHLEVEL, SUBLEVEL and EXTRAVERSION of the top Makefile, then CONFIG_LOCALVERSION
#   and, with CONFIG_LOCALVERSION_AUTO, the SCM version (scripts/setlocalversion;
#   "include/generated/utsrelease.h: include/config/kernel.release FORCE" in Makefile).
#   Every module's vermagic includes it, so every .ko relinks.
# * include/generated/uapi/linux/version.h holds LINUX_VERSION_CODE: VERSION, PATCHLEVEL
#   and SUBLEVEL only (Makefile: "filechk_version.h").
RELEASE_HEADERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "include/generated/utsrelease.h": (
        frozenset({"CONFIG_LOCALVERSION", "CONFIG_LOCALVERSION_AUTO"}),
        frozenset({"VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"}),
    ),
    "include/generated/uapi/linux/version.h": (
        frozenset(),
        frozenset({"VERSION", "PATCHLEVEL", "SUBLEVEL"}),
    ),
}
