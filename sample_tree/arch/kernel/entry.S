/*
 * arch/kernel/entry.S - the assembler object of vmlinux, compiled with
 * a_flags (scripts/Makefile.lib): KBUILD_CPPFLAGS, KBUILD_AFLAGS (which
 * defines __ASSEMBLY__), asflags-y and AFLAGS_entry.o of
 * arch/kernel/Makefile.  The checks below fail the build if C flags reach
 * it (KBUILD_CFLAGS has -O2 or -Os, ccflags-y has BOOT_STACK_WORDS).
 */
#include <linux/linkage.h>

#ifndef __ASSEMBLY__
# error "entry.S is compiled without KBUILD_AFLAGS"
#endif
#ifndef ENTRY_ASM
# error "asflags-y of arch/kernel/Makefile did not reach entry.S"
#endif
#ifndef NR_ENTRY_VECTORS
# error "AFLAGS_entry.o of arch/kernel/Makefile did not reach entry.S"
#endif
#if defined(__OPTIMIZE__) || defined(BOOT_STACK_WORDS)
# error "C flags (KBUILD_CFLAGS, ccflags-y) reached entry.S"
#endif

	.text
/* An empty interrupt entry: return at once */
SYM_FUNC_START(entry_ret)
	ret
SYM_FUNC_END(entry_ret)

	.section .rodata
	.balign 8
SYM_DATA(nr_entry_vectors, .quad NR_ENTRY_VECTORS)
