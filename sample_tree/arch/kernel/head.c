// arch/kernel/head.c - entry point; scripts/head-object-list.txt puts this
// object first in vmlinux.a
#include <linux/kernel.h>
#include <linux/init.h>

__noreturn void start_kernel(void);

unsigned long boot_stack[512] __aligned(16);
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
