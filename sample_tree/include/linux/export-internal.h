#ifndef _LINUX_EXPORT_INTERNAL_H
#define _LINUX_EXPORT_INTERNAL_H

/*
 * Included by the C files modpost writes (.vmlinux.export.c, *.mod.c),
 * as Linux 6.12's include/linux/export-internal.h: each line
 * KSYMTAB_FUNC(sym, sec, ns) or KSYMTAB_DATA(sym, sec, ns) puts the name
 * of sym (and of its namespace) into __ksymtab_strings and an entry of
 * three 32-bit relative references (x86-64 has PREL32 relocations) into
 * ___ksymtab<sec>+<sym>, which vmlinux.lds sorts into __ksymtab and
 * __ksymtab_gpl.  The sample has no function/data distinction to make.
 */
#define __KSYMTAB(name, sym, sec, ns)						\
	asm("	.section \"__ksymtab_strings\",\"aMS\",%progbits,1"	"\n"	\
	    "__kstrtab_" #name ":"					"\n"	\
	    "	.asciz \"" #name "\""					"\n"	\
	    "__kstrtabns_" #name ":"					"\n"	\
	    "	.asciz \"" ns "\""					"\n"	\
	    "	.previous"						"\n"	\
	    "	.section \"___ksymtab" sec "+" #name "\", \"a\""	"\n"	\
	    "	.balign 4"						"\n"	\
	    "__ksymtab_" #name ":"					"\n"	\
	    "	.long " #sym " - ."					"\n"	\
	    "	.long __kstrtab_" #name " - ."				"\n"	\
	    "	.long __kstrtabns_" #name " - ."			"\n"	\
	    "	.previous"						"\n")

#define KSYMTAB_FUNC(name, sec, ns)	__KSYMTAB(name, name, sec, ns)
#define KSYMTAB_DATA(name, sec, ns)	__KSYMTAB(name, name, sec, ns)

#endif /* _LINUX_EXPORT_INTERNAL_H */
