#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

#include <linux/linkage.h>
#include <linux/stringify.h>

/*
 * EXPORT_SYMBOL(sym) and EXPORT_SYMBOL_GPL(sym), as Linux 6.12's
 * include/linux/export.h makes them (6.5 and later): the export is a label
 * __export_symbol_<sym> in the section .export_symbol, followed by the
 * license ("GPL" or ""), the namespace ("") and a reference to the symbol.
 * No table is built here: modpost reads these labels in vmlinux.o and
 * writes .vmlinux.export.c (KSYMTAB_FUNC/KSYMTAB_DATA lines, in link
 * order), and in a module's object they go into its <module>.mod.c.
 * vmlinux.lds and module.lds discard the section itself.
 */
#define __EXPORT_SYMBOL_REF(sym)		\
	.balign 8			ASM_NL	\
	.quad sym

#define ___EXPORT_SYMBOL(sym, license, ns)		\
	.section ".export_symbol","a"		ASM_NL	\
	__export_symbol_##sym:			ASM_NL	\
		.asciz license			ASM_NL	\
		.ascii ns "\0"			ASM_NL	\
		__EXPORT_SYMBOL_REF(sym)	ASM_NL	\
	.previous

#ifdef __ASSEMBLY__
#define __EXPORT_SYMBOL(sym, license, ns)	___EXPORT_SYMBOL(sym, license, ns)
#else
/* The declaration makes an export of a symbol that is not there an error. */
#define __EXPORT_SYMBOL(sym, license, ns)			\
	extern typeof(sym) sym;					\
	asm(__stringify(___EXPORT_SYMBOL(sym, license, ns)))
#endif

#define EXPORT_SYMBOL(sym)		__EXPORT_SYMBOL(sym, "", "")
#define EXPORT_SYMBOL_GPL(sym)		__EXPORT_SYMBOL(sym, "GPL", "")

#endif /* _LINUX_EXPORT_H */
