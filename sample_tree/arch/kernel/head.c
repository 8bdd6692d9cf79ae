// arch/kernel/head.c - entry point; scripts/head-object-list.txt puts this
// object first in vmlinux.a
#include <linux/kernel.h>
#include <linux/init.h>

__noreturn void start_kernel(void);

/* BOOT_STACK_WORDS: ccflags-y of arch/kernel/Makefile (C objects only) */
#if !defined(BOOT_STACK_WORDS) || defined(ENTRY_ASM) || defined(__ASSEMBLY__)
# error "head.c must be compiled with c_flags (ccflags-y), not a_flags"
#endif

unsigned long boot_stack[BOOT_STACK_WORDS] __aligned(16);
unsigned long boot_params_crc;

void setup_arch(void)
{
	static const u8 sig[] = { 'H', 'd', 'r', 'S' };

	boot_params_crc = crc8(sig, sizeof(sig));
}

__attribute__((naked)) __noreturn void startup_64(void)
{
	__asm__ volatile("lea boot_stack+4096(%%rip), %%rsp\n\t"
			 "call start_kernel\n\t" ::: "memory");
}
