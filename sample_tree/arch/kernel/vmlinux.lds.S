/*
 * Linker script of vmlinux, preprocessed into arch/kernel/vmlinux.lds.
 * _text, __start_rodata, __bss_start and _end end up in arch/boot/voffset.h.
 */
#include <asm-generic/vmlinux.lds.h>

/*
 * Preprocessed with cpp_flags (KBUILD_CPPFLAGS, cppflags-y and
 * CPPFLAGS_vmlinux.lds, which undefines x86_64): the C and assembler flags
 * of arch/kernel/Makefile must not reach it.
 */
#if defined(BOOT_STACK_WORDS) || defined(ENTRY_ASM) || defined(__OPTIMIZE__)
# error "vmlinux.lds.S must be preprocessed with cpp_flags only"
#endif

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_64)

SECTIONS
{
	. = 0x1000000;
	_text = .;
	.text : {
		TEXT_TEXT
	}
	_etext = .;

	. = ALIGN(4096);
	__start_rodata = .;
	.rodata : {
		RO_DATA
	}
	KSYMTAB

	. = ALIGN(4096);
	.init.text : {
		INIT_TEXT
	}
	.init.data : {
		*(.init.data)
		INIT_CALLS
	}

	. = ALIGN(4096);
	.data : {
		*(.data .data.*)
	}

	. = ALIGN(4096);
	__bss_start = .;
	.bss : {
		*(.bss .bss.*)
		*(COMMON)
	}
	_end = .;

	DISCARDS
}
