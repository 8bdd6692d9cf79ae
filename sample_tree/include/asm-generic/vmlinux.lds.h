/*
 * Section helpers for arch/kernel/vmlinux.lds.S (preprocessed by cpp with
 * -D__ASSEMBLY__ -DLINKER_SCRIPT).
 */
#ifndef __ASM_GENERIC_VMLINUX_LDS_H
#define __ASM_GENERIC_VMLINUX_LDS_H

#define TEXT_TEXT	*(.text.hot .text .text.* .fixup)
#define RO_DATA		*(.rodata .rodata.*)
#define INIT_TEXT	*(.init.text .init.text.*)
#define INIT_CALLS					\
		__initcall_start = .;			\
		KEEP(*(.initcall6.init))		\
		__initcall_end = .;
#define DISCARDS					\
	/DISCARD/ : {					\
		*(.exit.text) *(.exitcall.exit)		\
		*(.modinfo) *(.comment)			\
		*(.note.GNU-stack) *(.eh_frame)		\
		*(.export_symbol)				\
	}

/*
 * The kernel's symbol table (the entries .vmlinux.export.o holds, see
 * include/linux/export-internal.h), sorted by name within each license.
 */
#define KSYMTAB							\
	__ksymtab : {						\
		__start___ksymtab = .;				\
		KEEP(*(SORT(___ksymtab+*)))			\
		__stop___ksymtab = .;				\
	}							\
	__ksymtab_gpl : {					\
		__start___ksymtab_gpl = .;			\
		KEEP(*(SORT(___ksymtab_gpl+*)))			\
		__stop___ksymtab_gpl = .;			\
	}							\
	__ksymtab_strings : {					\
		*(__ksymtab_strings)				\
	}

#endif /* __ASM_GENERIC_VMLINUX_LDS_H */
