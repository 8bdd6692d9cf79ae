#ifndef _LINUX_LINKAGE_H
#define _LINUX_LINKAGE_H

/*
 * Symbol annotations for assembler sources (arch/kernel/entry.S).  Safe to
 * include from C: the assembler part is under __ASSEMBLY__, which
 * KBUILD_AFLAGS defines for .S objects only.
 */
#define __ALIGN		.balign 16, 0x90

#ifdef __ASSEMBLY__

#define SYM_FUNC_START(name)	\
	.globl name;		\
	__ALIGN;		\
	.type name, @function;	\
	name:

#define SYM_FUNC_END(name)	\
	.size name, .-name

#define SYM_DATA(name, data...)	\
	.globl name;		\
	.type name, @object;	\
	name: data;		\
	.size name, .-name

#endif /* __ASSEMBLY__ */

/* The separator of assembler statements on one line (x86: ";") */
#ifndef ASM_NL
#define ASM_NL		;
#endif

#endif /* _LINUX_LINKAGE_H */
