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
	}

#endif /* __ASM_GENERIC_VMLINUX_LDS_H */
